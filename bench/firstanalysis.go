package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// FirstAnalysisOptions shape the measure of the time from tagging a bucket to the first analysis
// of the objects it held: Accounts workload accounts in one Region, the first half holding a
// tagged bucket before the engine's first apply (so they are members from then on), the others
// enrolled by their first tag; Buckets more buckets, spread over the accounts, tagged one at a
// time, Every apart from the first apply on (so at every time of day), then After more hours.
type FirstAnalysisOptions struct {
	Accounts, Buckets int
	Every, After      time.Duration
}

// FirstAnalysisRow is the measure with the backfill on or off.
type FirstAnalysisRow struct {
	Options  FirstAnalysisOptions
	Backfill bool
	// Analysed counts the buckets whose objects from before the tag were analysed by the end;
	// P50 and Max are over every bucket tagged, a bucket never analysed counting as Never.
	Analysed int
	P50, Max time.Duration
}

// Never stands for a bucket whose existing objects were never analysed.
const Never = time.Duration(math.MaxInt64)

// FirstAnalysis tags the buckets as the options say, with the engine's backfill on or off, and
// measures for each the time from its tag to the first analysis of an object in it: no object is
// added after the tag and automated discovery is off, so the first analysis is of the objects it
// held. The engine sweeps every 6 hours and reconciles on every event; Macie refreshes its
// inventory daily; the daily job runs daily from its creation at the first apply.
func FirstAnalysis(ctx context.Context, o FirstAnalysisOptions, backfill bool) (FirstAnalysisRow, error) {
	text, tags := FirstAnalysisScenario(o, backfill)
	s, err := scenario.Parse("first-analysis.yaml", []byte(text))
	if err != nil {
		return FirstAnalysisRow{}, fmt.Errorf("the generated scenario: %w", err)
	}
	taggedAt := map[string]time.Time{}
	waits := make([]time.Duration, 0, len(tags))
	probe := func(_ context.Context, p simulate.Probe) {
		if name, ok := tags[p.Step]; ok {
			taggedAt[name] = p.At
		}
		if p.Step != len(s.Steps) {
			return
		}
		for _, c := range p.Sandbox.Coverage() {
			if at, ok := taggedAt[c.Bucket]; ok {
				waits = append(waits, waitFor(at, c.FirstAnalysis))
			}
		}
	}
	out, err := simulate.Run(ctx, s, simulate.Options{AfterStep: probe})
	if err != nil {
		return FirstAnalysisRow{}, err
	}
	if len(out.Failed) > 0 || len(waits) != o.Buckets {
		return FirstAnalysisRow{}, errors.New("the run failed or lost buckets")
	}
	slices.Sort(waits)
	row := FirstAnalysisRow{Options: o, Backfill: backfill, P50: waits[(len(waits)+1)/2-1], Max: waits[len(waits)-1]}
	for _, w := range waits {
		if w != Never {
			row.Analysed++
		}
	}
	return row, nil
}

// waitFor is the time from the tag to the first analysis; Never when there was none after it.
func waitFor(tagged, first time.Time) time.Duration {
	if first.IsZero() || first.Before(tagged) {
		return Never
	}
	return first.Sub(tagged)
}

// FirstAnalysisScenario writes the scenario and returns, for each tag step, the bucket it tags.
func FirstAnalysisScenario(o FirstAnalysisOptions, backfill bool) (string, map[int]string) {
	var b strings.Builder
	fmt.Fprintf(&b, "organization:\n  managementAccount: %q\n  adminAccount: %q\n  regions: [%s]\n  accounts:\n", Management, Admin, Region)
	for a := range o.Accounts {
		fmt.Fprintf(&b, "    - {id: %q}\n", simAccount(a))
	}
	fmt.Fprintf(&b, "config: {backfill: %s}\ninitial:\n  buckets:\n", map[bool]string{true: "on", false: "off"}[backfill])
	for a := range o.Accounts {
		tags := ""
		if a < o.Accounts/2 {
			tags = `, tags: {macie: "true"}`
		}
		fmt.Fprintf(&b, "    - {account: %q, region: %s, name: %s%s, objects: 100, sizeGB: 0.1, ageDays: 100}\n", simAccount(a), Region, simBucket(a, 0), tags)
	}
	later := func(i int) (string, string) { return simAccount(i % o.Accounts), fmt.Sprintf("later-%04d", i) }
	for i := range o.Buckets {
		account, name := later(i)
		fmt.Fprintf(&b, "    - {account: %q, region: %s, name: %s, objects: 100, sizeGB: 0.1, sensitiveObjects: 1, ageDays: 100}\n", account, Region, name)
	}
	b.WriteString("steps:\n  - reconcile: {}\n")
	tags, step := map[int]string{}, 1
	for i := range o.Buckets {
		account, name := later(i)
		fmt.Fprintf(&b, "  - advance: {minutes: %g}\n  - putTags: {account: %q, bucket: %s, tags: {macie: \"true\"}}\n", o.Every.Minutes(), account, name)
		step += 2
		tags[step] = name
	}
	fmt.Fprintf(&b, "  - advance: {hours: %g}\n", o.After.Hours())
	return b.String(), tags
}

// FirstAnalysisTable renders the rows.
func FirstAnalysisTable(rows []FirstAnalysisRow) string {
	var b strings.Builder
	b.WriteString("| backfill | buckets tagged (every …, over …) | existing objects analysed by the end | p50 (virtual hours) | max (virtual hours) |\n")
	b.WriteString("|---|---|---:|---:|---:|\n")
	for _, r := range rows {
		o := r.Options
		fmt.Fprintf(&b, "| %s | %d in %d accounts (every %s, over %s; the run goes on %s after the last) | %d of %d | %s | %s |\n",
			map[bool]string{true: "on", false: "off"}[r.Backfill], o.Buckets, o.Accounts, span(o.Every), span(time.Duration(o.Buckets)*o.Every),
			span(o.After), r.Analysed, o.Buckets, hours(r.P50), hours(r.Max))
	}
	return b.String()
}

func hours(d time.Duration) string {
	if d == Never {
		return "never"
	}
	return fmt.Sprintf("%.1f", d.Hours())
}

// span writes a duration in hours or minutes: 30 min, 48 h.
func span(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%g min", d.Minutes())
	}
	return fmt.Sprintf("%g h", d.Hours())
}
