// Command report runs the benchmark suite of package bench and writes its tables into
// BENCHMARKS.md, between the document's <!-- begin:NAME --> and <!-- end:NAME --> markers.
//
//	go run ./bench/report                  # every table, about 7 minutes on 2 CPUs
//	go run ./bench/report -quick -out ""   # small sizes, tables on stdout only
//	go run ./bench/report -only sweep -cpuprofile sweep.pprof
//
// Each full sweep runs the engine in a child process (this program, re-executed), so that the
// memory it reports is the engine's alone and not the sandbox's.
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

// plan is what one report measures.
type plan struct {
	sizes     []int
	burst     bench.BurstOptions
	sweeps    []bench.SweepOptions
	coldRuns  int
	simulated []bench.SimulateOptions
	coverage  coveragePlan
}

// Sweep conditions: 20 ms per call, 200 calls a second, 16 pairs at once. The rate bound
// dominates (16 / 20 ms would allow 800 calls a second), and 10,000 accounts cost about
// 30,000 calls, so the floor of the largest sweep is about 2.5 minutes.
//
// The last sweep repeats the largest with a soft memory limit (GOMEMLIMIT) of 100 MiB, to show
// whether the engine fits Lambda's smallest memory size, 128 MB, when the Go runtime is told so.
const (
	memLimit    = 100 << 20
	latency     = 20 * time.Millisecond
	rate        = 200
	concurrency = 16
)

func fullPlan() plan {
	sweep := func(accounts, passes int) bench.SweepOptions {
		return bench.SweepOptions{Accounts: accounts, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 1,
			Latency: latency, Rate: rate, Concurrency: concurrency, Passes: passes}
	}
	large := sweep(10000, 1)
	large.SkipUntagged = true
	limited := large
	limited.MemLimit = memLimit
	return plan{
		sizes: []int{1, 10, 100, 1000, 10000},
		burst: bench.BurstOptions{Accounts: 500, BucketsPerAccount: 20, BatchSizes: []int{10, 100, 1000},
			Orders: []bench.Order{bench.Clustered, bench.Interleaved}, Concurrency: concurrency},
		sweeps:    []bench.SweepOptions{sweep(1000, 2), large, limited},
		coldRuns:  5,
		simulated: simulated(50, 30),
		coverage:  coverageOrgs(),
	}
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
	p.sweeps = p.sweeps[:1]
	p.sweeps[0].Accounts = 100
	p.coldRuns = 1
	p.simulated = simulated(10, 7)
	p.coverage = quickCoverage()
	return p
}

func main() {
	out := flag.String("out", "BENCHMARKS.md", "document whose marked blocks receive the tables (empty: stdout only)")
	quick := flag.Bool("quick", false, "small sizes, for a quick look")
	only := flag.String("only", "", "comma-separated subset of: machine, events, burst, sweep, cold, simulate, coverage")
	child := flag.String("child-sweep", "", "internal: run one sweep against this endpoint and print it as JSON")
	conc := flag.Int("concurrency", concurrency, "internal: the child sweep's engine concurrency")
	memLimitFlag := flag.Int64("memlimit", 0, "internal: the child sweep's soft memory limit in bytes")
	cpuprofile := flag.String("cpuprofile", "", "write the child sweeps' CPU profile to this file")
	memprofile := flag.String("memprofile", "", "write the child sweeps' live heap at the end to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *child != "" {
		err = childSweep(ctx, *child, bench.SweepOptions{Concurrency: *conc, MemLimit: *memLimitFlag},
			profiles{*cpuprofile, *memprofile})
	} else {
		p := fullPlan()
		if *quick {
			p = quickPlan()
		}
		err = report(ctx, p, *out, sections(*only), profiles{*cpuprofile, *memprofile})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func sections(only string) []string {
	if only == "" {
		return []string{"machine", "events", "burst", "sweep", "cold", "simulate", "coverage"}
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
	var rows []bench.SweepRow
	for _, o := range p.sweeps {
		r, err := bench.Sweep(ctx, o, childRunner(prof))
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	blocks["sweep"] = bench.SweepTable(rows)
	blocks["sweep-ops"] = bench.SweepBreakdown(rows)
	return nil
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
	names := []string{"machine", "events", "events-ops", "burst", "burst-ops", "sweep", "sweep-ops", "cold", "simulate",
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
			"-memlimit", strconv.FormatInt(o.MemLimit, 10)}
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
