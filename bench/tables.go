package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// EventTable renders the calls per event: one row per case, one column per account size, each
// cell "engine / baseline".
func EventTable(rows []EventRow) string {
	var sizes []int
	for _, r := range rows {
		if !slices.Contains(sizes, r.Buckets) {
			sizes = append(sizes, r.Buckets)
		}
	}
	var b strings.Builder
	b.WriteString("| event (API calls: engine / naive) |")
	for _, n := range sizes {
		fmt.Fprintf(&b, " %s buckets |", num(n))
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(sizes)) + "\n")
	for _, c := range Cases {
		fmt.Fprintf(&b, "| %s |", c)
		for _, n := range sizes {
			i := slices.IndexFunc(rows, func(r EventRow) bool { return r.Case == c && r.Buckets == n })
			if i < 0 {
				b.WriteString(" n/a |")
				continue
			}
			fmt.Fprintf(&b, " **%s** / %s |", num(rows[i].Ours.Total()), num(rows[i].Naive.Total()))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// EventBreakdown renders, for the largest account, which operations each side called.
func EventBreakdown(rows []EventRow) string {
	largest := 0
	for _, r := range rows {
		largest = max(largest, r.Buckets)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| event, %s buckets | engine | naive |\n|---|---|---|\n", num(largest))
	for _, r := range rows {
		if r.Buckets == largest {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", r.Case, r.Ours, r.Naive)
		}
	}
	return b.String()
}

// String lists the calls per operation, most called first.
func (d Delta) String() string {
	ops := slices.Collect(maps.Keys(d))
	slices.SortFunc(ops, func(a, b string) int {
		if d[a] != d[b] {
			return d[b] - d[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("%s %s", op, num(d[op])))
	}
	return strings.Join(parts, ", ")
}

// BurstTable renders the burst deliveries.
func BurstTable(rows []BurstRow) string {
	var b strings.Builder
	b.WriteString("| order | batch | events | batches | distinct pairs (Σ per batch) | reconciles | reconciles / pairs | " +
		"reconciles / event | API calls | calls / event | failed pairs |\n")
	b.WriteString("|---" + strings.Repeat("|---:", 10) + "|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %.2f | %.3f | %s | %.2f | %d |\n", r.Order, num(r.Batch),
			num(r.Events), num(r.Batches), num(r.Pairs), num(r.Units), ratio(r.Units, r.Pairs),
			ratio(r.Units, r.Events), num(r.Calls.Total()), ratio(r.Calls.Total(), r.Events), r.Failures)
	}
	return b.String()
}

// BurstBreakdown renders the calls per operation of each delivery.
func BurstBreakdown(rows []BurstRow) string {
	var b strings.Builder
	b.WriteString("| order | batch | calls per operation |\n|---|---:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.Order, num(r.Batch), r.Calls)
	}
	return b.String()
}

// ColdTable renders the cold starts: medians over the runs.
func ColdTable(cs ColdStart) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| function | runs | first invoke (cold) | second invoke (warm) | cold − warm | peak RSS | package |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
	pkg := fmt.Sprintf("bootstrap %s, zip %s (linux/arm64)", mib(uint64(cs.ArmBinaryBytes)), mib(uint64(cs.ArmZipBytes)))
	coldRow(&b, "Go (cmd/lambda, provided.al2023)", cs.Go, pkg)
	if cs.PythonMissing != "" {
		fmt.Fprintf(&b, "| Python 3 + boto3 | 0 | not measured: %s | | | | |\n", cs.PythonMissing)
	} else {
		coldRow(&b, "Python 3 + boto3", cs.Python, "boto3 from the machine's Python (Lambda's runtime bundles it)")
	}
	if g, p := median(cs.Go, first), median(cs.Python, first); g > 0 && p > 0 {
		fmt.Fprintf(&b, "\nFirst invoke, Python / Go: **%.1f×**.\n", float64(p)/float64(g))
	}
	return b.String()
}

func coldRow(b *strings.Builder, name string, runs []Invocation, pkg string) {
	f, w := median(runs, first), median(runs, warm)
	var rss uint64
	for _, r := range runs {
		rss = max(rss, r.PeakRSSBytes)
	}
	fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s |\n", name, len(runs), ms(f), ms(w), ms(f-w), mib(rss), pkg)
}

func first(i Invocation) time.Duration { return i.First }
func warm(i Invocation) time.Duration  { return i.Warm }

// median returns the median of the runs' durations, 0 for none.
func median(runs []Invocation, f func(Invocation) time.Duration) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	ds := make([]time.Duration, 0, len(runs))
	for _, r := range runs {
		ds = append(ds, f(r))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// num writes an integer with thousands separators.
func num(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + num(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func memLimit(n int64) string {
	if n <= 0 {
		return "none"
	}
	return mib(uint64(n))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
