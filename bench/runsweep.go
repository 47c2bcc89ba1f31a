package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// SweepRun is what one engine run of a full reconcile reports, memory included. Memory figures
// describe the whole process: run it in a process of its own (see the report command) to see
// the engine's footprint alone.
type SweepRun struct {
	Wall     time.Duration `json:"wall"`
	Units    int           `json:"units"`
	Creates  int           `json:"creates"`
	Pauses   int           `json:"pauses"`
	Actions  int           `json:"actions"`
	Failures int           `json:"failures"`
	Pending  int           `json:"pending"`
	// PeakHeapBytes is the largest HeapInuse seen (sampled every 20 ms).
	PeakHeapBytes uint64 `json:"peakHeapBytes"`
	// PeakRSSBytes is the process's peak resident set (VmHWM), 0 where /proc is missing.
	PeakRSSBytes uint64 `json:"peakRssBytes"`
	TotalAlloc   uint64 `json:"totalAlloc"`
	NumGC        uint32 `json:"numGC"`
	// OpenFiles is the number of open file descriptors at the end (connections included).
	OpenFiles int `json:"openFiles"`
	// CPU is the process's user and system time during the sweep (getrusage).
	CPU time.Duration `json:"cpu"`
}

// RunSweep runs one full reconcile with a fresh engine against endpoint, in this process, with
// the options' concurrency and memory limit. It is a SweepRunner.
func RunSweep(ctx context.Context, endpoint string, o SweepOptions) (SweepRun, error) {
	return Sweeper{}.Run(ctx, endpoint, o)
}

// Sweeper runs full reconciles in this process, optionally writing a heap profile.
type Sweeper struct {
	// HeapProfile, when set, receives the live heap once the sweep is over, the engine (and
	// everything it caches) still alive.
	HeapProfile string
}

// Run is a SweepRunner.
func (s Sweeper) Run(ctx context.Context, endpoint string, o SweepOptions) (SweepRun, error) {
	if o.MemLimit > 0 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(o.MemLimit))
	}
	stop := sampleHeap()
	eng := NewEngine(endpoint, o.Concurrency, o.regions()...)
	start, cpu := time.Now(), processCPU()
	res := eng.Full(ctx)
	run := SweepRun{Wall: time.Since(start), CPU: processCPU() - cpu, Units: res.Units, Failures: len(res.Failures),
		Pending: res.Pending, Actions: len(res.Plan.Actions)}
	for _, a := range res.Plan.Actions {
		switch a.Kind {
		case plan.CreateMember:
			run.Creates++
		case plan.PauseMember:
			run.Pauses++
		}
	}
	run.PeakHeapBytes = stop()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	run.TotalAlloc, run.NumGC = ms.TotalAlloc, ms.NumGC
	run.PeakRSSBytes = statusBytes("/proc/self/status", "VmHWM")
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		run.OpenFiles = len(fds)
	}
	if s.HeapProfile != "" {
		if err := writeHeapProfile(s.HeapProfile); err != nil {
			return run, err
		}
	}
	runtime.KeepAlive(eng)
	if err := failed(res); err != nil {
		return run, fmt.Errorf("%d pairs failed: %w", run.Failures, err)
	}
	return run, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing the heap profile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the heap profile: %w", err)
	}
	return nil
}

// sampleHeap samples HeapInuse until the returned function is called, which returns the peak.
func sampleHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	read := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// processCPU is this process's user and system time so far, 0 where getrusage fails.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusBytes reads a "kB" field of a /proc/PID/status file, in bytes; 0 when unavailable.
func statusBytes(path, field string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}
