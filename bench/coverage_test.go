package bench

import (
	"context"
	"testing"
	"time"
)

// TestForecastWithinTenPercentOfTheMeteredMonth is the guard on `maciectl cost`'s forecast: a
// small organization with every line of the forecast (monitoring, incremental runs, backfills due,
// automated discovery kept by the policy inherit), simulated for the 30 days after the forecast.
func TestForecastWithinTenPercentOfTheMeteredMonth(t *testing.T) {
	o := ForecastOrg{Name: "guard", Accounts: 6, MaxBuckets: 3, Enrolled: 4, Pilot: 2, LateTags: 2, MonthlyChange: 10, Discovery: "inherit"}
	r, err := Forecast(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Forecast.UnsizedBuckets != 0 || r.FirstApply.UnsizedBuckets == 0 {
		t.Errorf("buckets of unknown size: %d at the forecast, %d right after the first apply", r.Forecast.UnsizedBuckets, r.FirstApply.UnsizedBuckets)
	}
	for _, l := range append(r.lines(), ForecastLine{"total", r.Forecasted.Total, r.Metered.Total}) {
		if l.metered <= 0 || !within(l.forecast/l.metered, 0.10) {
			t.Errorf("%s: forecast %.2f USD, metered %.2f USD", l.name, l.forecast, l.metered)
		}
	}
}

// TestBackfillAnalysesExistingObjectsWithinADay checks the tag-to-first-analysis measure at small
// size: with the backfill, every bucket's objects within a day of its tag; without, never (the
// daily job's initial run was at its creation, before the tags).
func TestBackfillAnalysesExistingObjectsWithinADay(t *testing.T) {
	o := FirstAnalysisOptions{Accounts: 4, Buckets: 8, Every: 3 * time.Hour, After: 30 * time.Hour}
	on, err := FirstAnalysis(context.Background(), o, true)
	if err != nil {
		t.Fatal(err)
	}
	if on.Analysed != o.Buckets || on.Max > 24*time.Hour || on.P50 <= 0 {
		t.Errorf("backfill on: %+v", on)
	}
	off, err := FirstAnalysis(context.Background(), o, false)
	if err != nil {
		t.Fatal(err)
	}
	if off.Analysed != 0 || off.P50 != Never {
		t.Errorf("backfill off: %+v", off)
	}
}
