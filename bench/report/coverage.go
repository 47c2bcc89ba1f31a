package main

import (
	"context"
	"time"

	"github.com/macieselfservice/macie-selfservice/bench"
)

// coveragePlan is what the coverage section measures: the cost forecast of three organizations
// against their metered month, and the time from tag to first analysis.
type coveragePlan struct {
	orgs  []bench.ForecastOrg
	first bench.FirstAnalysisOptions
}

// coverageOrgs are three organizations of distinct shapes: a small one where the engine enrols
// every account, a medium one with backfills due at the forecast and the organization's automated
// discovery on under the policy off (so only the administrator keeps it), and a larger one with a
// Macie pilot already running and automated discovery on under the policy inherit.
func coverageOrgs() coveragePlan {
	return coveragePlan{
		orgs: []bench.ForecastOrg{
			{Name: "small", Accounts: 5, MaxBuckets: 3, Enrolled: 4, MonthlyChange: 5},
			{Name: "medium", Accounts: 50, MaxBuckets: 6, Enrolled: 30, LateTags: 15, MonthlyChange: 10, Discovery: "off"},
			{Name: "large", Accounts: 200, MaxBuckets: 5, Enrolled: 120, Pilot: 40, LateTags: 30, MonthlyChange: 20, Discovery: "inherit"},
		},
		first: bench.FirstAnalysisOptions{Accounts: 24, Buckets: 96, Every: 30 * time.Minute, After: 72 * time.Hour},
	}
}

// quickCoverage is the same measure at small sizes.
func quickCoverage() coveragePlan {
	c := coverageOrgs()
	c.orgs[1].Accounts, c.orgs[1].Enrolled, c.orgs[1].LateTags = 10, 6, 3
	c.orgs[2].Accounts, c.orgs[2].Enrolled, c.orgs[2].Pilot, c.orgs[2].LateTags = 20, 12, 4, 3
	c.first.Accounts, c.first.Buckets = 6, 24
	return c
}

// coverage runs the coverage section.
func coverage(ctx context.Context, p plan, blocks map[string]string) error {
	var rows []bench.ForecastRow
	for _, o := range p.coverage.orgs {
		r, err := bench.Forecast(ctx, o)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	var first []bench.FirstAnalysisRow
	for _, on := range []bool{true, false} {
		r, err := bench.FirstAnalysis(ctx, p.coverage.first, on)
		if err != nil {
			return err
		}
		first = append(first, r)
	}
	blocks["coverage"] = bench.ForecastTable(rows)
	blocks["coverage-lines"] = bench.ForecastLinesTable(rows)
	blocks["first-analysis"] = bench.FirstAnalysisTable(first)
	return nil
}
