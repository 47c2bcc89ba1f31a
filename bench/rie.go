package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/rie"
)

// Invocation is one cold start under the emulator: the first invoke starts the function's
// process (the emulator starts it on the first invoke, as Lambda does on a cold start), the
// second one finds it warm.
type Invocation struct {
	// First is from sending the first invoke to its answer: process start, init, one event.
	First time.Duration
	// Warm is the same for the second invoke, the process already running.
	Warm time.Duration
	// PeakRSSBytes is the function process's peak resident set after both invokes.
	PeakRSSBytes uint64
	// Answer is the first invoke's answer.
	Answer string
}

// runUnderRIE starts the emulator serving cmd (the function's bootstrap and its arguments) with
// exactly env, invokes it twice with payload and stops it.
func runUnderRIE(ctx context.Context, emulator string, cmd []string, env []string, payload []byte) (Invocation, error) {
	f, err := rie.Start(ctx, emulator, cmd, "", env)
	if err != nil {
		return Invocation{}, err
	}
	defer f.Stop()
	inv, err := invokeTwice(ctx, f, payload)
	if err != nil {
		return inv, fmt.Errorf("%w; emulator output:\n%s", err, tail(f.Output(), 2000))
	}
	inv.PeakRSSBytes = childPeakRSS(f.Pid())
	return inv, nil
}

func invokeTwice(ctx context.Context, f *rie.Function, payload []byte) (Invocation, error) {
	var inv Invocation
	start := time.Now()
	answer, err := f.Invoke(ctx, payload)
	inv.First, inv.Answer = time.Since(start), answer
	if err != nil {
		return inv, err
	}
	start = time.Now()
	if _, err := f.Invoke(ctx, payload); err != nil {
		return inv, err
	}
	inv.Warm = time.Since(start)
	return inv, nil
}

// childPeakRSS returns the peak resident set (VmHWM) of the first child of pid, 0 if unknown. Any
// thread of pid may have started the child, so every task's children are looked at.
func childPeakRSS(pid int) uint64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				return statusBytes(fmt.Sprintf("/proc/%d/status", child), "VmHWM")
			}
		}
	}
	return 0
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
