package cost

import (
	"strings"
	"testing"
)

func TestForecastAddsTheBackfillsDue(t *testing.T) {
	prices, err := DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	a := Assumptions{SamplingPercentage: 50, MonthlyChangePercent: 10, AssumeGBPerBucket: 2}
	inv := Inventory{Pairs: []Pair{{Account: "333333333333", Region: "eu-west-1", Status: "Enabled", Listed: true, Buckets: []Bucket{
		{Name: "old-data", SizeBytes: 40 << 30, SizeKnown: true, InScope: true},
		{Name: "logs", SizeBytes: 1 << 30, SizeKnown: true},
	}}}}
	e := prices.Estimate(a, inv)
	due := []BackfillDue{{"333333333333", "eu-west-1", "old-data"}, {"444444444444", "eu-west-1", "new-member-data"}}
	f := prices.Forecast(a, inv, e, due, false)
	// 40 GB known and 2 GB assumed, half of it sampled: 21 GB at 1.00 USD.
	if f.BackfillBuckets != 2 || f.UnsizedBackfills != 1 || f.BackfillGB != 21 || f.BackfillUSD != 21 {
		t.Fatalf("%+v", f)
	}
	if f.MonitoringUSD != 0.2 || f.IncrementalUSD != e.Scoped.JobUSD || f.TotalUSD != 21.2+e.Scoped.JobUSD || f.Days != 30 {
		t.Fatalf("%+v against the estimate %+v", f, e.Scoped)
	}
	var b strings.Builder
	if err := prices.Forecast(a, inv, e, nil, true).WriteText(&b, "USD"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "backfills 0.00 (0 bucket(s)") || !strings.Contains(b.String(), "automated discovery: not in the figure") {
		t.Fatalf("%s", b.String())
	}
}
