package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// SimulateOptions shape a long simulated scenario: an organization whose teams keep adding
// objects and tagging buckets while virtual days pass, with automated discovery on.
type SimulateOptions struct {
	Accounts, BucketsPerAccount int
	// ObjectsPerBucket is how many objects each bucket holds at the start (one group each).
	ObjectsPerBucket int64
	Days             int
}

// SimulateRow is one simulated scenario: its size, the wall time, the peak heap, and what
// Macie analysed and billed in it.
type SimulateRow struct {
	Options SimulateOptions
	Steps   int
	Wall    time.Duration
	// CPU is the user and system CPU time the process spent during the run (engine, sandbox and
	// simulator together), which other load on the machine does not inflate as it does Wall.
	CPU time.Duration
	// PeakHeapBytes is the largest HeapInuse seen during the run (sampled every 20 ms);
	// TotalAlloc is what the run allocated in all. PeakRSSBytes is the process's peak resident
	// set during the run (VmHWM, reset before it), 0 where Linux's /proc is missing.
	PeakHeapBytes, TotalAlloc, PeakRSSBytes uint64
	Buckets                                 int
	Objects, Analysed                       int64
	Analyses                                int64
	USD                                     float64
	Failed                                  int
}

// Simulate runs the scenario the options describe through simulate.Run, the way
// `maciectl simulate` does, and measures it.
func Simulate(ctx context.Context, o SimulateOptions) (SimulateRow, error) {
	s, err := scenario.Parse("bench.yaml", []byte(SimulateScenario(o)))
	if err != nil {
		return SimulateRow{}, fmt.Errorf("the generated scenario: %w", err)
	}
	runtime.GC()
	resetPeakRSS()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := sampleHeap()
	cpu, start := cpuTime(), time.Now()
	out, err := simulate.Run(ctx, s, simulate.Options{})
	row := SimulateRow{Options: o, Steps: len(s.Steps), Wall: time.Since(start), CPU: cpuTime() - cpu, PeakHeapBytes: stop()}
	if err != nil {
		return row, err
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	row.TotalAlloc = after.TotalAlloc - before.TotalAlloc
	row.PeakRSSBytes = statusBytes("/proc/self/status", "VmHWM")
	row.Buckets, row.USD, row.Failed = len(out.Coverage), out.Usage.USD, len(out.Failed)
	for _, c := range out.Coverage {
		row.Objects += c.Objects
		row.Analysed += c.Analysed
		row.Analyses += c.Analyses
	}
	if row.Failed > 0 {
		return row, fmt.Errorf("%d pairs failed: %v", row.Failed, out.Failed)
	}
	return row, nil
}

// SimulateScenario writes the scenario: in one Region, every account has BucketsPerAccount
// buckets of ObjectsPerBucket objects of 1 MiB, a year old, three of them sensitive, the first
// bucket tagged macie=true; automated discovery is on for every member. Each day every bucket
// gains 1% new objects (one sensitive), one account tags one more bucket, and 24 hours pass.
// The sensitive objects do not grow with ObjectsPerBucket, so that two runs that differ only in
// it differ only in how many objects there are.
func SimulateScenario(o SimulateOptions) string {
	var b strings.Builder
	b.WriteString("organization:\n  managementAccount: \"111111111111\"\n  adminAccount: \"222222222222\"\n" +
		"  regions: [" + Region + "]\n  accounts:\n")
	for a := range o.Accounts {
		fmt.Fprintf(&b, "    - {id: %q}\n", simAccount(a))
	}
	b.WriteString("initial:\n  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: ALL}\n  buckets:\n")
	size := float64(o.ObjectsPerBucket) / 1024 // 1 MiB objects
	for a := range o.Accounts {
		for k := range o.BucketsPerAccount {
			tags := ""
			if k == 0 {
				tags = `, tags: {macie: "true"}`
			}
			fmt.Fprintf(&b, "    - {account: %q, region: %s, name: %s%s, objects: %d, sizeGB: %g, sensitiveObjects: 3, ageDays: 365}\n",
				simAccount(a), Region, simBucket(a, k), tags, o.ObjectsPerBucket, size)
		}
	}
	b.WriteString("steps:\n")
	for d := range o.Days {
		if k := 1 + d/o.Accounts; k < o.BucketsPerAccount {
			a := d % o.Accounts
			fmt.Fprintf(&b, "  - putTags: {account: %q, bucket: %s, tags: {macie: \"true\"}}\n", simAccount(a), simBucket(a, k))
		}
		for a := range o.Accounts {
			for k := range o.BucketsPerAccount {
				n := max(1, o.ObjectsPerBucket/100)
				fmt.Fprintf(&b, "  - putObjects: {account: %q, bucket: %s, objects: %d, sizeGB: %g, sensitiveObjects: 1}\n",
					simAccount(a), simBucket(a, k), n, float64(n)/1024)
			}
		}
		b.WriteString("  - advance: {hours: 24}\n")
	}
	return b.String()
}

// cpuTime is the process's user and system CPU time so far (0 where getrusage fails).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets the process's peak resident set (VmHWM) to its current size, so that two
// runs in one process are measured apart (Linux: writing 5 to /proc/self/clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func simAccount(a int) string   { return fmt.Sprintf("%012d", 300000000000+a) }
func simBucket(a, k int) string { return fmt.Sprintf("team-%03d-data-%02d", a, k) }

// SimulateTable renders the simulated scenarios.
func SimulateTable(rows []SimulateRow) string {
	var b strings.Builder
	b.WriteString("| accounts × buckets | objects per bucket (start) | virtual days | steps | wall time | CPU time | peak heap | peak RSS | allocated | " +
		"objects (end) | analysed at least once | analyses | Macie bill (USD) |\n")
	b.WriteString("|---" + strings.Repeat("|---:", 12) + "|\n")
	for _, r := range rows {
		o := r.Options
		fmt.Fprintf(&b, "| %s × %d | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n", num(o.Accounts), o.BucketsPerAccount,
			num(int(o.ObjectsPerBucket)), o.Days, num(r.Steps), secs(r.Wall), secs(r.CPU), mib(r.PeakHeapBytes), mib(r.PeakRSSBytes), mib(r.TotalAlloc),
			num(int(r.Objects)), num(int(r.Analysed)), num(int(r.Analyses)), r.USD)
	}
	return b.String()
}
