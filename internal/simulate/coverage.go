package simulate

import (
	"cmp"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// Coverage is what Macie analysed of one bucket of a managed Region over the scenario.
type Coverage struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Bucket  string `json:"bucket"`
	// InScope says whether the bucket's final tags put it in scope under the tag policy.
	InScope bool `json:"inScope"`
	// Objects is the number of objects at the end.
	Objects int64 `json:"objects"`
	// Analysed counts the distinct objects analysed at least once, by any job or by automated
	// sensitive data discovery.
	Analysed int64 `json:"analysed"`
	// Analyses counts every object analysis, repeats included.
	Analyses int64 `json:"analyses"`
	// AnalysedWhileOutOfScope counts the analyses made while the bucket's tags were out of scope.
	AnalysedWhileOutOfScope int64 `json:"analysedWhileOutOfScope"`
}

// Usage is what Macie would bill for the scenario, at the sandbox's sourced prices.
type Usage struct {
	GBInspected       float64 `json:"gbInspected"`
	BucketMonitorDays float64 `json:"bucketMonitorDays"`
	USD               float64 `json:"usd"`
}

// Findings counts the sensitive data findings of one bucket.
type Findings struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Bucket  string `json:"bucket"`
	Count   int64  `json:"count"`
}

// Gap returns the buckets in scope whose objects were not all analysed, leaving out those of
// excluded accounts (which the engine never touches).
func (o *Output) Gap() []Coverage {
	var gap []Coverage
	for _, c := range o.Coverage {
		if c.InScope && c.Analysed < c.Objects && !o.excludedAccount(c.Account) {
			gap = append(gap, c)
		}
	}
	return gap
}

func (o *Output) excludedAccount(id string) bool {
	return o.scenario != nil && slices.Contains(o.scenario.Config.ExcludedAccounts, id)
}

// coverage reads the coverage, usage and findings from the sandbox.
func (r *runner) coverage() {
	o := r.out
	policy := EngineConfig(r.s).Policy
	o.Coverage = []Coverage{}
	for _, c := range r.sb.Coverage() {
		if !slices.Contains(r.s.Organization.Regions, c.Region) {
			continue
		}
		o.Coverage = append(o.Coverage, coverageOf(c, policy.InScope(c.Tags)))
	}
	m := r.sb.Macie()
	u := m.Metered()
	o.Usage = Usage{GBInspected: u.GBInspected, BucketMonitorDays: u.BucketMonitorDays, USD: u.USD}
	o.Findings = []Findings{}
	for _, f := range m.FindingCounts() {
		o.Findings = append(o.Findings, Findings{Account: f.Account, Region: f.Region, Bucket: f.Bucket, Count: f.Count})
	}
	slices.SortFunc(o.Findings, func(a, b Findings) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket))
	})
}

func coverageOf(c sandbox.BucketCoverage, inScope bool) Coverage {
	return Coverage{Account: c.Account, Region: c.Region, Bucket: c.Bucket, InScope: inScope, Objects: c.Objects,
		Analysed: c.Analysed, Analyses: c.Analyses, AnalysedWhileOutOfScope: c.AnalysedWhileOutOfScope}
}
