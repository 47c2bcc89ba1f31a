package cost

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Report is what `maciectl cost` prints: the estimate, Macie's own figures, the sources of the
// prices, and what could not be read.
type Report struct {
	Estimate
	// Actual are Macie's usage totals per Region (GetUsageTotals, past 30 days).
	Actual  []Usage  `json:"actual"`
	Sources []Source `json:"sources"`
	// Unread lists what could not be read and is left out of the figures.
	Unread []string `json:"unread"`
}

// WriteText prints the report as tables.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	a := r.Assumptions
	fmt.Fprintf(tw, "Monthly Macie cost estimate (%s): %d%% sampling, %v%% of scanned data new or changed a month",
		r.Currency, a.SamplingPercentage, a.MonthlyChangePercent)
	if a.AssumeGBPerBucket > 0 {
		fmt.Fprintf(tw, ", %v GB per bucket of unknown size", a.AssumeGBPerBucket)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "\tmonitored buckets\tmonitoring\tscanned buckets\tjob a month\tmonthly\tfirst run (once)\tunsized\tunlisted")
	for _, row := range []struct {
		name string
		t    Totals
	}{{"tag-scoped", r.Scoped}, {"everywhere", r.Everywhere}} {
		t := row.t
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\n", row.name, t.MonitoredBuckets, t.MonitoringUSD,
			t.ScannedBuckets, t.JobUSD, t.MonthlyUSD, t.InitialUSD, t.UnsizedBuckets, t.UnlistedPairs)
	}
	fmt.Fprintf(tw, "\nTag scoping saves %.2f %s a month.\n\n", r.SavingUSD, r.Currency)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tSTATUS\tMONITORED\tSCANNED\tMONTHLY\tFIRST RUN")
	for _, p := range r.Pairs {
		buckets := fmt.Sprint(p.MonitoredBuckets)
		if p.UnlistedPairs > 0 {
			buckets = "unknown"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.2f\t%.2f\n", p.Account, p.Region, p.Status, buckets, p.ScannedBuckets, p.MonthlyUSD, p.InitialUSD)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return r.writeNotes(w)
}

// writeNotes prints Macie's own figures, the sources, warnings and what was not read.
func (r Report) writeNotes(w io.Writer) error {
	var b strings.Builder
	b.WriteString("\nMacie's own figures (GetUsageTotals, past 30 days, whole organization):\n")
	for _, u := range r.Actual {
		if u.Error != "" {
			fmt.Fprintf(&b, "  %s: not available: %s\n", u.Region, u.Error)
			continue
		}
		fmt.Fprintf(&b, "  %s: %.2f %s%s\n", u.Region, u.TotalUSD, u.Currency, byType(u.ByType))
	}
	b.WriteString("\nPrices:\n")
	for region, from := range sortedMap(r.PriceTables) {
		fmt.Fprintf(&b, "  %s: the %s price table\n", region, from)
	}
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "  [%s] %s (seen %s)\n", s.ID, s.URL, s.Seen)
	}
	for _, wr := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", wr)
	}
	for _, u := range r.Unread {
		fmt.Fprintf(&b, "not read: %s\n", u)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// byType renders the non-zero usage types, e.g. " (DATA_INVENTORY_EVALUATION 0.40)".
func byType(m map[string]float64) string {
	var parts []string
	for k, v := range sortedMap(m) {
		if v != 0 {
			parts = append(parts, fmt.Sprintf("%s %.2f", k, v))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// sortedMap iterates over a map in key order.
func sortedMap[V any](m map[string]V) func(func(string, V) bool) {
	return func(yield func(string, V) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}
