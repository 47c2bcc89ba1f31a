package bench

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// agreement is how close the runs of one sweep must be for its ratio to be claimed, and
// busyLimit the share of the machine's CPUs above which a run measures the machine instead.
const (
	agreement = 0.10
	busyLimit = 0.8
)

// runsOf groups the rows by sweep and pass, the runs of each together, in the order they came.
func runsOf(rows []SweepRow) [][]SweepRow {
	var groups [][]SweepRow
	for _, r := range rows {
		i := slices.IndexFunc(groups, func(g []SweepRow) bool { return sameSweep(g[0], r) })
		if i < 0 {
			groups = append(groups, []SweepRow{r})
			continue
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

func sameSweep(a, b SweepRow) bool {
	oa, ob := a.Options, b.Options
	return a.Pass == b.Pass && oa.Accounts == ob.Accounts && oa.BucketsPerAccount == ob.BucketsPerAccount &&
		slices.Equal(oa.regions(), ob.regions()) && oa.MemLimit == ob.MemLimit && oa.SkipUntagged == ob.SkipUntagged
}

// Spread is how far the runs' wall times lie apart, relative to the fastest: (max − min) / min.
func Spread(runs []SweepRow) float64 {
	lo, hi := runs[0].Run.Wall, runs[0].Run.Wall
	for _, r := range runs {
		lo, hi = min(lo, r.Run.Wall), max(hi, r.Run.Wall)
	}
	if lo <= 0 {
		return 0
	}
	return float64(hi-lo) / float64(lo)
}

// agree says whether the runs agree closely enough, and left the machine idle enough, for their
// ratio to be claimed.
func agree(runs []SweepRow) string {
	if len(runs) < 2 {
		return "one run"
	}
	for _, r := range runs {
		if b := r.Busy(); b >= busyLimit {
			return fmt.Sprintf("**no**: CPU-bound (%.0f %% busy)", 100*b)
		}
	}
	s := Spread(runs)
	if s <= agreement {
		return fmt.Sprintf("yes (%.0f %%)", 100*s)
	}
	return fmt.Sprintf("**no** (%.0f %%)", 100*s)
}

// Busy is the share of the machine's CPUs that the engine's and the sandbox's processes used
// during the pass.
func (r SweepRow) Busy() float64 {
	return ratioOf(r.Run.CPU+r.SandboxCPU, r.Run.Wall*time.Duration(runtime.NumCPU()))
}

// Ratio is the pass's wall time over its floor.
func (r SweepRow) Ratio() float64 { return ratioOf(r.Run.Wall, r.Floor().Time) }

func ratioOf(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// each formats one figure of every run, separated by commas.
func each(runs []SweepRow, f func(SweepRow) string) string {
	parts := make([]string, 0, len(runs))
	for _, r := range runs {
		parts = append(parts, f(r))
	}
	return strings.Join(parts, ", ")
}

func wallCell(r SweepRow) string  { return secs(r.Run.Wall) }
func ratioCell(r SweepRow) string { return fmt.Sprintf("%.2f", r.Ratio()) }

// peak is the largest of a figure over the runs.
func peak(runs []SweepRow, f func(SweepRow) uint64) uint64 {
	var m uint64
	for _, r := range runs {
		m = max(m, f(r))
	}
	return m
}

// SweepTable renders the single-Region sweep passes, their runs side by side.
func SweepTable(rows []SweepRow) string {
	var b strings.Builder
	b.WriteString("| accounts × buckets | buckets in the sandbox | GOMEMLIMIT | pass | accounts with a tagged bucket | members created | API calls | " +
		"floor | bound by | wall time (each run) | wall / floor (each run) | runs agree | engine peak RSS | engine peak heap |\n")
	b.WriteString("|---" + strings.Repeat("|---:", 7) + "|---|---:|---:|---|---:|---:|\n")
	for _, runs := range runsOf(rows) {
		r := runs[0]
		o := r.Options
		fmt.Fprintf(&b, "| %s × %d | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", num(o.Accounts),
			o.BucketsPerAccount, num(r.Held), memLimit(o.MemLimit), r.Pass, num(r.Tagged), num(r.Run.Creates), num(r.Calls.Total()),
			secs(r.Floor().Time), r.Floor().What, each(runs, wallCell), each(runs, ratioCell), agree(runs),
			mib(peak(runs, func(r SweepRow) uint64 { return r.Run.PeakRSSBytes })),
			mib(peak(runs, func(r SweepRow) uint64 { return r.Run.PeakHeapBytes })))
	}
	return b.String()
}

// SweepBreakdown renders the calls per operation of each pass (of its first run).
func SweepBreakdown(rows []SweepRow) string {
	var b strings.Builder
	b.WriteString("| accounts | Regions | GOMEMLIMIT | pass | calls per operation |\n|---:|---:|---:|---:|---|\n")
	for _, runs := range runsOf(rows) {
		r := runs[0]
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %s |\n", num(r.Options.Accounts), len(r.Options.regions()),
			memLimit(r.Options.MemLimit), r.Pass, r.Calls)
	}
	return b.String()
}

// CPUTable renders, for every run, what bounds it, how close the run came to that bound's rate,
// and the CPU time of the engine's process and of the sandbox's.
func CPUTable(rows []SweepRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| accounts | Regions | GOMEMLIMIT | pass | run | wall time | bound by | its rate: achieved / allowed | engine CPU | "+
		"engine CPU per call | sandbox CPU | CPU busy (of %d CPUs) |\n", runtime.NumCPU())
	b.WriteString("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n")
	for _, runs := range runsOf(rows) {
		for _, r := range runs {
			o := r.Options
			fl := r.Floor()
			fmt.Fprintf(&b, "| %s | %d | %s | %d | %d | %s | %s | %s | %s | %s | %s | %.0f %% |\n", num(o.Accounts), len(o.regions()),
				memLimit(o.MemLimit), r.Pass, r.Attempt, secs(r.Run.Wall), fl.What, r.achieved(fl), secs(r.Run.CPU),
				perCall(r.Run.CPU, r.Calls.Total()), secs(r.SandboxCPU), 100*r.Busy())
		}
	}
	return b.String()
}

// achieved is the rate at which the run made the bound's calls, beside the rate the bound
// allows (a quota's, or concurrency / latency).
func (r SweepRow) achieved(b Bound) string {
	if r.Run.Wall <= 0 || b.Time <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f / %.0f a second", float64(b.Calls)/r.Run.Wall.Seconds(), float64(b.Calls)/b.Time.Seconds())
}

// perCall is a CPU time per call in microseconds.
func perCall(d time.Duration, calls int) string {
	if calls == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(calls))
}

// RegionsTable renders the multi-Region sweeps, their runs side by side.
func RegionsTable(rows []SweepRow) string {
	var b strings.Builder
	b.WriteString("| Regions | accounts × buckets | accounts with a tagged bucket | members created | API calls | sts:AssumeRole | floor | bound by | " +
		"wall time (each run) | wall / floor (each run) | runs agree | engine CPU (each run) | sandbox CPU (each run) | engine peak RSS |\n")
	b.WriteString("|---:|---" + strings.Repeat("|---:", 5) + "|---|---:|---:|---|---:|---:|---:|\n")
	for _, runs := range runsOf(rows) {
		r := runs[0]
		o := r.Options
		fmt.Fprintf(&b, "| %d | %s × %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", len(o.regions()),
			num(o.Accounts), o.BucketsPerAccount, num(r.Tagged), num(r.Run.Creates), num(r.Calls.Total()), num(r.Calls["sts:AssumeRole"]),
			secs(r.Floor().Time), r.Floor().What, each(runs, wallCell), each(runs, ratioCell), agree(runs),
			each(runs, func(r SweepRow) string { return secs(r.Run.CPU) }), each(runs, func(r SweepRow) string { return secs(r.SandboxCPU) }),
			mib(peak(runs, func(r SweepRow) uint64 { return r.Run.PeakRSSBytes })))
	}
	return b.String()
}

// FloorsTable renders, for the first run of each sweep, each Region's floor and the
// account-wide quotas' bounds.
func FloorsTable(rows []SweepRow) string {
	var b strings.Builder
	b.WriteString("| Regions | Region or quota | buckets' share | accounts with a tagged bucket | calls signed for it | floor | bound by |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---|\n")
	for _, runs := range runsOf(rows) {
		r := runs[0]
		regions := r.Options.regions()
		shares := RegionShares(len(regions))
		for i, region := range regions {
			fl := r.RegionFloor(region)
			calls := r.regionCalls(region)
			fmt.Fprintf(&b, "| %d | %s | %.1f %% | %s | %s | %s | %s |\n", len(regions), region, 100*shares[i],
				num(r.TaggedIn[region]), num(calls), secs(fl.Time), fl.What)
		}
		for _, bd := range r.Bounds() {
			if lim, ok := r.Options.Limits[bd.What]; ok && lim.Scope == AccountWide {
				fmt.Fprintf(&b, "| %d | %s (account-wide) | | | %s | %s | %s quota |\n", len(regions), bd.What, num(bd.Calls), secs(bd.Time), bd.What)
			}
		}
	}
	return b.String()
}

// regionCalls is the number of calls signed for a Region, the account-wide services' aside.
func (r SweepRow) regionCalls(region string) int {
	bs := r.regionBounds(region)
	return bs[len(bs)-1].Calls // the latency bound, last, counts every call of the Region
}
