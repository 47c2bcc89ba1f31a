package simulate

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// tally is what Macie has recorded so far.
type tally struct {
	// gb, days and objectDays are the metered job GB, bucket-days, automated discovery GB and
	// object-days: sums of whole numbers (of bytes, of days), so they compare exactly.
	gb, days, discoveryGB, objectDays float64
	// runs counts each job's runs, by Region and job name.
	runs map[string]int
	// analyses and findings (the findings' counts: a finding found again counts once more) are
	// summed over every bucket; usd is the bill so far.
	analyses, findings int64
	usd                float64
}

// quickTally reads what tells whether Macie did anything: the metering and the job runs. Objects
// are only analysed by job runs and automated discovery cycles, which both change them.
func (r *runner) quickTally() tally {
	m := r.sb.Macie()
	u := m.Metered()
	t := tally{gb: u.GBInspected, days: u.BucketMonitorDays, discoveryGB: u.DiscoveryGBAnalysed,
		objectDays: u.DiscoveryObjectDays, usd: u.USD, runs: map[string]int{}}
	for _, region := range r.s.Organization.Regions {
		for _, j := range m.Jobs(r.s.Organization.AdminAccount, region) {
			t.runs[region+" "+j.Name] = j.Runs
		}
	}
	return t
}

// same reports whether Macie did nothing between a and b.
func same(a, b tally) bool {
	return a.gb == b.gb && a.days == b.days && a.discoveryGB == b.discoveryGB && a.objectDays == b.objectDays &&
		maps.Equal(a.runs, b.runs)
}

// fullTally adds the analyses and findings, summed over every bucket.
func (r *runner) fullTally(t tally) tally {
	for _, c := range r.sb.Coverage() {
		t.analyses += c.Analyses
	}
	for _, f := range r.sb.Macie().FindingCounts() {
		t.findings += f.Count
	}
	return t
}

// activity describes what Macie did between two full tallies; "" when no job ran, no automated
// discovery cycle ran and nothing was analysed. Job runs and a cycle due at the same moment are
// named together, their analyses summed.
func activity(before, after tally) string {
	var ran []string
	for _, job := range slices.Sorted(maps.Keys(after.runs)) {
		if after.runs[job] > before.runs[job] {
			ran = append(ran, fmt.Sprintf("job %s ran (run %d)", job, after.runs[job]))
		}
	}
	if after.objectDays > before.objectDays || after.discoveryGB > before.discoveryGB {
		ran = append(ran, "automated discovery cycle")
	}
	analyses := after.analyses - before.analyses
	if len(ran) == 0 && analyses == 0 {
		return ""
	}
	return fmt.Sprintf("Macie: %s; %s analysed (%.2f GB by jobs, %.2f GB by automated discovery), findings count +%d; %.2f USD billed so far",
		orNone(ran, "nothing ran"), plural(int(analyses), "object"), after.gb-before.gb, after.discoveryGB-before.discoveryGB,
		after.findings-before.findings, after.usd)
}

// noteActivity adds what Macie did since the last note to e's runs, and delivers the events
// produced meanwhile (findings) unless they are held. Every step that can make Macie act (one
// that reaches the engine, or lets time pass) ends with a note, so the last full tally is
// always up to date when Macie acts again.
func (r *runner) noteActivity(ctx context.Context, e *Entry) {
	now := r.quickTally()
	if same(r.last, now) {
		r.deliverUnlessHeld(ctx, e)
		return
	}
	now = r.fullTally(now)
	what := activity(r.last, now)
	r.last = now
	if what == "" {
		r.deliverUnlessHeld(ctx, e)
		return
	}
	sub := Entry{At: r.clock.Now(), What: what}
	r.deliverUnlessHeld(ctx, &sub)
	e.Runs = append(e.Runs, sub)
}
