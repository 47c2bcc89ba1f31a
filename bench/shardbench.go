package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ShardOptions shape the runs of the queue model (QueueModel) and the measured runs that
// calibrate it.
type ShardOptions struct {
	Regions []string
	// Accounts is the size of the modelled sweep; CalibrationAccounts the size of the real
	// sweep whose calls per pair calibrate it (run without latency or quotas: only its calls
	// count).
	Accounts            int
	CalibrationAccounts int
	ShardSizes          []int
	// EventRates are events a second.
	EventRates  []float64
	BatchSize   int
	Window      time.Duration
	Latency     time.Duration
	Limits      Limits
	Concurrency int
	Seed        uint64
}

// ShardRow is one run of the model.
type ShardRow struct {
	// Pass is the calibrating sweep's pass: 1 enrols every account with a tagged bucket, 2 is
	// the drift-repair sweep that finds nothing to do.
	Pass      int
	ShardSize int
	EventRate float64
	Result    QueueResult
}

// ShardCalibration is a calibration and the pass it comes from.
type ShardCalibration struct {
	Pass int
	Calibration
}

// horizon bounds the events drawn for one run: longer than any sweep of the model.
const horizon = 6 * time.Hour

// ShardLatency calibrates the model with the real engine (a sweep over the Regions, two passes,
// and the tag-on event) and runs it for every pass, shard size and event rate.
func ShardLatency(ctx context.Context, o ShardOptions) ([]ShardRow, []ShardCalibration, error) {
	cals, err := calibrate(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	var rows []ShardRow
	for _, cal := range cals {
		for _, size := range o.ShardSizes {
			for _, rate := range o.EventRates {
				m := QueueModel{Regions: o.Regions, Accounts: o.Accounts, ShardSize: size, BatchSize: o.BatchSize, Window: o.Window,
					Events: PoissonEvents(rate, horizon, len(o.Regions), o.Accounts, o.Seed), Cost: cal.Calibration,
					Latency: o.Latency, Limits: o.Limits, Concurrency: o.Concurrency}
				res := m.Run()
				if res.Sweep > horizon {
					return nil, nil, fmt.Errorf("shards of %d: the sweep outlasts the %v of events drawn", size, horizon)
				}
				rows = append(rows, ShardRow{Pass: cal.Pass, ShardSize: size, EventRate: rate, Result: res})
			}
		}
	}
	return rows, cals, nil
}

// calibrate measures the calls per pair of both passes of a sweep over the Regions and the calls
// of an event that enrols its account.
func calibrate(ctx context.Context, o ShardOptions) ([]ShardCalibration, error) {
	sweep := SweepOptions{Accounts: o.CalibrationAccounts, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 1,
		Regions: o.Regions, Concurrency: o.Concurrency, Passes: 2, SkipUntagged: true}
	passes, err := Sweep(ctx, sweep, RunSweep)
	if err != nil {
		return nil, fmt.Errorf("calibrating the model: %w", err)
	}
	events, err := EventCalls(ctx, []int{10})
	if err != nil {
		return nil, fmt.Errorf("calibrating the model: %w", err)
	}
	i := slices.IndexFunc(events, func(r EventRow) bool { return r.Case == TagOn })
	perEvent := CalibrateEvent(events[i].Ours)
	var cals []ShardCalibration
	for _, p := range passes {
		cals = append(cals, ShardCalibration{Pass: p.Pass, Calibration: Calibration{PerPair: CalibrateSweep(p), PerEvent: perEvent}})
	}
	return cals, nil
}

// ShardTable renders the model's runs.
func ShardTable(rows []ShardRow) string {
	var b strings.Builder
	b.WriteString("| sweep | shard (accounts) | events a second | sweep duration | invocations | longest invocation | events | " +
		"event latency p50 | p99 | max | p99 ≤ 60 s |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		res := r.Result
		p99 := Quantile(res.Latencies, 0.99)
		met := "yes"
		if p99 > time.Minute {
			met = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %g | %s | %s | %s | %s | %s | %s | %s | %s |\n", passName(r.Pass), num(r.ShardSize), r.EventRate,
			secs(res.Sweep), num(res.Invocations), secs(res.Longest), num(len(res.Latencies)), secs(Quantile(res.Latencies, 0.5)),
			secs(p99), secs(Quantile(res.Latencies, 1)), met)
	}
	return b.String()
}

func passName(pass int) string {
	if pass == 1 {
		return "first (enrols)"
	}
	return "drift repair"
}

// CalibrationTable renders the calls per pair of each Region and per event that the model uses.
func CalibrationTable(cals []ShardCalibration, regions []string) string {
	var b strings.Builder
	b.WriteString("| calibrated by | calls | by service and signing Region |\n|---|---:|---|\n")
	for _, c := range cals {
		for _, region := range regions {
			per := c.PerPair[region]
			fmt.Fprintf(&b, "| sweep, %s pass, a pair of %s | %.2f | %s |\n", passName(c.Pass), region, sum(per), perKey(per))
		}
	}
	if len(cals) > 0 {
		ev := map[Key]float64{}
		for svc, n := range cals[0].PerEvent {
			ev[Key{Service: svc, Region: "the event's"}] = n
		}
		fmt.Fprintf(&b, "| event: tag on (first tagged bucket) | %.2f | %s |\n", sum(ev), perKey(ev))
	}
	return b.String()
}

func sum(m map[Key]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

// perKey lists calls by key, most first.
func perKey(m map[Key]float64) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b Key) int {
		if m[a] != m[b] {
			if m[a] > m[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a.String(), b.String())
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.3g", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
