// Command report runs the benchmark suite of package bench and writes its tables into
// BENCHMARKS.md, between the document's <!-- begin:NAME --> and <!-- end:NAME --> markers.
//
//	go run ./bench/report                  # every table
//	go run ./bench/report -quick -out ""   # small sizes, tables on stdout only
//	go run ./bench/report -only sweep -cpuprofile sweep.pprof   # and sweep.sandbox.pprof
//
// Each full sweep runs the engine in a child process (this program, re-executed), so that the
// memory and CPU time it reports are the engine's alone and not the sandbox's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/bench"
)

// repeated is a sweep and how many times it runs: twice, so that a ratio is only claimed when
// two runs agree, unless its figure is not a time.
type repeated struct {
	bench.SweepOptions
	runs int
}

// plan is what one report measures.
type plan struct {
	sizes     []int
	burst     bench.BurstOptions
	sweeps    []repeated
	regions   []repeated
	shards    bench.ShardOptions
	coldRuns  int
	simulated []bench.SimulateOptions
	coverage  coveragePlan
}

// Sweep conditions: 20 ms per call, the quotas of bench.Quotas (per service, and per Region
// where AWS's quota is), 16 pairs at once.
//
// The single-Region sweeps are 1,000 accounts (two passes, every bucket held) and 10,000 with a
// soft memory limit (GOMEMLIMIT) of 100 MiB, to show whether the engine fits Lambda's smallest
// memory size, 128 MB, when the Go runtime is told so (once: its figure is memory). The
// multi-Region ones are 10,000 accounts in 1, 4 and 17 Regions; the first is the single-Region
// sweep with Go's default memory settings. Every other sweep runs twice.
const (
	memLimit    = 100 << 20
	latency     = 20 * time.Millisecond
	concurrency = 16
)

// sweepOf is a sweep of accounts over the first n of bench.MacieRegions.
func sweepOf(accounts, regions, passes int) bench.SweepOptions {
	return bench.SweepOptions{Accounts: accounts, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 1,
		Regions: bench.MacieRegions[:regions], Latency: latency, Limits: bench.Quotas(), Concurrency: concurrency,
		Passes: passes, SkipUntagged: accounts > 1000}
}

func fullPlan() plan {
	limited := sweepOf(10000, 1, 1)
	limited.MemLimit = memLimit
	return plan{
		sizes: []int{1, 10, 100, 1000, 10000},
		burst: bench.BurstOptions{Accounts: 500, BucketsPerAccount: 20, BatchSizes: []int{10, 100, 1000},
			Orders: []bench.Order{bench.Clustered, bench.Interleaved}, Concurrency: concurrency},
		sweeps:    []repeated{{sweepOf(1000, 1, 2), 2}, {limited, 1}},
		regions:   []repeated{{sweepOf(10000, 1, 1), 2}, {sweepOf(10000, 4, 1), 2}, {sweepOf(10000, 17, 1), 2}},
		shards:    shardPlan(2000),
		coldRuns:  5,
		simulated: simulated(50, 30),
		coverage:  coverageOrgs(),
	}
}

// shardPlan models the event source mapping of the sharded sweep (batches of 100, a 20 s window,
// one invocation at a time, as the central stack has it) during a sweep of 10,000 accounts in 4
// Regions, in shards of the default 200 accounts and larger, calibrated by a real sweep of
// calibration accounts.
func shardPlan(calibration int) bench.ShardOptions {
	return bench.ShardOptions{Regions: bench.MacieRegions[:4], Accounts: 10000, CalibrationAccounts: calibration,
		ShardSizes: []int{200, 500, 1000}, EventRates: []float64{0.1, 1, 10}, BatchSize: 100, Window: 20 * time.Second,
		Latency: latency, Limits: bench.Quotas(), Concurrency: concurrency, Seed: 1}
}

// simulated is a month-long scenario of an organization, twice: 1,000 and 1,000,000 objects per
// bucket, to show that memory does not grow with the number of objects.
func simulated(accounts, days int) []bench.SimulateOptions {
	o := bench.SimulateOptions{Accounts: accounts, BucketsPerAccount: 4, ObjectsPerBucket: 1000, Days: days}
	large := o
	large.ObjectsPerBucket = 1_000_000
	return []bench.SimulateOptions{o, large}
}

func quickPlan() plan {
	p := fullPlan()
	p.sizes = []int{1, 10, 100}
	p.burst.Accounts, p.burst.BucketsPerAccount = 50, 4
	p.sweeps = []repeated{{sweepOf(100, 1, 2), 2}}
	p.regions = []repeated{{sweepOf(200, 1, 1), 2}, {sweepOf(200, 4, 1), 2}, {sweepOf(200, 17, 1), 2}}
	p.shards = shardPlan(300)
	p.coldRuns = 1
	p.simulated = simulated(10, 7)
	p.coverage = quickCoverage()
	return p
}

func main() {
	out := flag.String("out", "BENCHMARKS.md", "document whose marked blocks receive the tables (empty: stdout only)")
	quick := flag.Bool("quick", false, "small sizes, for a quick look")
	only := flag.String("only", "", "comma-separated subset of: "+strings.Join(sections(""), ", "))
	child := flag.String("child-sweep", "", "internal: run one sweep against this endpoint and print it as JSON")
	conc := flag.Int("concurrency", concurrency, "internal: the child sweep's engine concurrency")
	regions := flag.String("regions", bench.Region, "internal: the child sweep's managed Regions, comma-separated")
	memLimitFlag := flag.Int64("memlimit", 0, "internal: the child sweep's soft memory limit in bytes")
	cpuprofile := flag.String("cpuprofile", "", "write the child sweeps' CPU profile to this file, the sandbox's beside it (NAME.sandbox.pprof)")
	memprofile := flag.String("memprofile", "", "write the child sweeps' live heap at the end to this file")
	runsFlag := flag.Int("runs", 0, "run every sweep this many times (0: as planned, twice but the one with GOMEMLIMIT)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *child != "" {
		err = childSweep(ctx, *child, bench.SweepOptions{Concurrency: *conc, MemLimit: *memLimitFlag, Regions: strings.FieldsFunc(*regions, func(r rune) bool { return r == ',' })},
			profiles{*cpuprofile, *memprofile})
	} else {
		p := fullPlan()
		if *quick {
			p = quickPlan()
		}
		p.setRuns(*runsFlag)
		err = report(ctx, p, *out, sections(*only), profiles{*cpuprofile, *memprofile})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// setRuns makes every sweep run n times, when n is positive.
func (p *plan) setRuns(n int) {
	if n <= 0 {
		return
	}
	for _, list := range [][]repeated{p.sweeps, p.regions} {
		for i := range list {
			list[i].runs = n
		}
	}
}

func sections(only string) []string {
	if only == "" {
		return []string{"machine", "events", "burst", "sweep", "regions", "shards", "cold", "simulate", "coverage"}
	}
	return strings.Split(only, ",")
}

// report measures the sections and writes their tables.
// profiles name the files that receive the child sweeps' profiles ("" for none).
type profiles struct{ cpu, mem string }

func report(ctx context.Context, p plan, out string, which []string, prof profiles) error {
	blocks := map[string]string{}
	steps := []struct {
		name string
		run  func() error
	}{
		{"machine", func() error { blocks["machine"] = bench.Machine(ctx); return nil }},
		{"events", func() error { return events(ctx, p, blocks) }},
		{"burst", func() error { return burst(ctx, p, blocks) }},
		{"sweep", func() error { return sweep(ctx, p, blocks, prof) }},
		{"regions", func() error { return regionSweeps(ctx, p, blocks, prof) }},
		{"shards", func() error { return shards(ctx, p, blocks) }},
		{"cold", func() error { return cold(ctx, p, blocks) }},
		{"simulate", func() error { return simulations(ctx, p, blocks) }},
		{"coverage", func() error { return coverage(ctx, p, blocks) }},
	}
	for _, s := range steps {
		if !slices.Contains(which, s.name) {
			continue
		}
		start := time.Now()
		if err := s.run(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(os.Stderr, "%s done in %s\n", s.name, time.Since(start).Round(time.Second))
	}
	return write(out, blocks)
}

func events(ctx context.Context, p plan, blocks map[string]string) error {
	rows, err := bench.EventCalls(ctx, p.sizes)
	if err != nil {
		return err
	}
	blocks["events"] = bench.EventTable(rows)
	blocks["events-ops"] = bench.EventBreakdown(rows)
	return nil
}

func burst(ctx context.Context, p plan, blocks map[string]string) error {
	rows, err := bench.Burst(ctx, p.burst)
	if err != nil {
		return err
	}
	blocks["burst"] = bench.BurstTable(rows)
	blocks["burst-ops"] = bench.BurstBreakdown(rows)
	return nil
}

func sweep(ctx context.Context, p plan, blocks map[string]string, prof profiles) error {
	rows, err := sweepRuns(ctx, p.sweeps, prof)
	if err != nil {
		return err
	}
	blocks["sweep"] = bench.SweepTable(rows)
	blocks["sweep-ops"] = bench.SweepBreakdown(rows)
	blocks["sweep-cpu"] = bench.CPUTable(rows)
	return nil
}

func regionSweeps(ctx context.Context, p plan, blocks map[string]string, prof profiles) error {
	rows, err := sweepRuns(ctx, p.regions, prof)
	if err != nil {
		return err
	}
	blocks["regions"] = bench.RegionsTable(rows)
	blocks["regions-floors"] = bench.FloorsTable(rows)
	blocks["regions-ops"] = bench.SweepBreakdown(rows)
	blocks["regions-cpu"] = bench.CPUTable(rows)
	return nil
}

func shards(ctx context.Context, p plan, blocks map[string]string) error {
	rows, cals, err := bench.ShardLatency(ctx, p.shards)
	if err != nil {
		return err
	}
	blocks["shards"] = bench.ShardTable(rows)
	blocks["shards-calibration"] = bench.CalibrationTable(cals, p.shards.Regions)
	return nil
}

// sweepRuns runs each sweep its number of times, the engine in a child process; with a CPU
// profile, the sandbox's is written beside the engine's.
func sweepRuns(ctx context.Context, sweeps []repeated, prof profiles) ([]bench.SweepRow, error) {
	var rows []bench.SweepRow
	for _, s := range sweeps {
		o := s.SweepOptions
		if prof.cpu != "" {
			o.SandboxCPUProfile = strings.TrimSuffix(prof.cpu, ".pprof") + ".sandbox.pprof"
		}
		r, err := bench.SweepRuns(ctx, o, s.runs, childRunner(prof))
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

func cold(ctx context.Context, p plan, blocks map[string]string) error {
	cs, err := bench.MeasureColdStart(ctx, p.coldRuns)
	if err != nil {
		return err
	}
	blocks["cold"] = bench.ColdTable(cs)
	return nil
}

// simulations runs the month-long simulated scenarios.
func simulations(ctx context.Context, p plan, blocks map[string]string) error {
	var rows []bench.SimulateRow
	for _, o := range p.simulated {
		r, err := bench.Simulate(ctx, o)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	blocks["simulate"] = bench.SimulateTable(rows)
	return nil
}

// write prints the blocks and splices them into the document at out.
func write(out string, blocks map[string]string) error {
	names := []string{"machine", "events", "events-ops", "burst", "burst-ops", "sweep", "sweep-ops", "sweep-cpu",
		"regions", "regions-floors", "regions-ops", "regions-cpu", "shards", "shards-calibration", "cold", "simulate",
		"coverage", "coverage-lines", "first-analysis"}
	for _, name := range names {
		if b, ok := blocks[name]; ok {
			fmt.Printf("## %s\n\n%s\n", name, b)
		}
	}
	if out == "" {
		return nil
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("reading %s: %w", out, err)
	}
	doc := string(raw)
	for _, name := range names {
		if b, ok := blocks[name]; ok {
			if doc, err = bench.Splice(doc, name, b); err != nil {
				return fmt.Errorf("%s: %w", out, err)
			}
		}
	}
	if err := os.WriteFile(out, []byte(doc), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

// childRunner runs each sweep in a child process: this program with -child-sweep.
func childRunner(prof profiles) bench.SweepRunner {
	return func(ctx context.Context, endpoint string, o bench.SweepOptions) (bench.SweepRun, error) {
		self, err := os.Executable()
		if err != nil {
			return bench.SweepRun{}, fmt.Errorf("finding this program: %w", err)
		}
		args := []string{"-child-sweep", endpoint, "-concurrency", strconv.Itoa(o.Concurrency),
			"-memlimit", strconv.FormatInt(o.MemLimit, 10), "-regions", strings.Join(o.Regions, ",")}
		if prof.cpu != "" {
			args = append(args, "-cpuprofile", prof.cpu)
		}
		if prof.mem != "" {
			args = append(args, "-memprofile", prof.mem)
		}
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		var run bench.SweepRun
		if jerr := json.Unmarshal(out, &run); jerr != nil {
			return run, fmt.Errorf("child sweep: %w (output %q)", errors.Join(jerr, err), out)
		}
		if err != nil {
			return run, fmt.Errorf("child sweep: %w", err)
		}
		return run, nil
	}
}

// childSweep runs one sweep in this process and prints it as JSON.
func childSweep(ctx context.Context, endpoint string, o bench.SweepOptions, prof profiles) error {
	if prof.cpu != "" {
		f, err := os.Create(prof.cpu)
		if err != nil {
			return fmt.Errorf("creating the CPU profile: %w", err)
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	run, runErr := bench.Sweeper{HeapProfile: prof.mem}.Run(ctx, endpoint, o)
	if err := json.NewEncoder(os.Stdout).Encode(run); err != nil {
		return fmt.Errorf("printing the sweep: %w", err)
	}
	return runErr
}
