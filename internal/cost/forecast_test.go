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
	f := prices.Forecast(a, inv, e, due, nil)
	// 40 GB known and 2 GB assumed, half of it sampled: 21 GB at 1.00 USD.
	if f.BackfillBuckets != 2 || f.UnsizedBackfills != 1 || f.BackfillGB != 21 || f.BackfillUSD != 21 || f.UnsizedBuckets != 1 {
		t.Fatalf("%+v", f)
	}
	if f.MonitoringUSD != 0.2 || f.IncrementalUSD != e.Scoped.JobUSD || f.TotalUSD != 21.2+e.Scoped.JobUSD || f.Days != 30 {
		t.Fatalf("%+v against the estimate %+v", f, e.Scoped)
	}
	if f.Discovery != (DiscoveryForecast{}) {
		t.Fatalf("automated discovery priced where it is not on: %+v", f.Discovery)
	}
	var b strings.Builder
	if err := prices.Forecast(a, inv, e, nil, nil).WriteText(&b, "USD", a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "backfills 0.00 (0 bucket(s)") || !strings.Contains(b.String(), "automated discovery: none") {
		t.Fatalf("%s", b.String())
	}
}

// Automated discovery is priced where it stays on and Macie bills: every object of every bucket of
// the account monitored, and the daily share of all their data analysed, for 30 days.
func TestForecastPricesAutomatedDiscoveryWhereItStaysOn(t *testing.T) {
	prices, _ := DefaultPrices()
	a := Assumptions{SamplingPercentage: 100, MonthlyChangePercent: 10, AssumeGBPerBucket: 1, DiscoveryDailyPercent: 1}
	pair := func(account, status string, bs ...Bucket) Pair {
		return Pair{Account: account, Region: "us-east-1", Status: status, Listed: true, Buckets: bs}
	}
	inv := Inventory{Pairs: []Pair{
		pair("222222222222", StatusAdministrator, Bucket{Name: "logs", SizeBytes: 20 << 30, Objects: 2_000_000, SizeKnown: true}),
		pair("333333333333", "Enabled", Bucket{Name: "data", SizeBytes: 80 << 30, Objects: 8_000_000, SizeKnown: true, InScope: true},
			Bucket{Name: "new", InScope: true}),
		pair("444444444444", "Paused", Bucket{Name: "idle", SizeBytes: 500 << 30, Objects: 1_000_000, SizeKnown: true}),
		pair("555555555555", "Enabled", Bucket{Name: "off", SizeBytes: 500 << 30, Objects: 1_000_000, SizeKnown: true}),
	}}
	on := []Key{{"222222222222", "us-east-1"}, {"333333333333", "us-east-1"}, {"444444444444", "us-east-1"}}
	f := prices.Forecast(a, inv, prices.Estimate(a, inv), nil, on)
	d := f.Discovery
	// The paused member is not billed; 555 has it off. 10 million objects at 0.01 per 100,000;
	// (20 + 80 + 1 assumed) GB x 1% x 30 days = 30.3 GB at 1.00; both grown by half the month's
	// 10 %.
	want := DiscoveryForecast{Pairs: 2, Buckets: 3, Unsized: 1, Objects: 10_000_000, MonitoringUSD: 1.05, GB: 31.815, AnalysisUSD: 31.82, USD: 32.87}
	if d != want {
		t.Fatalf("automated discovery %+v\nwant                 %+v", d, want)
	}
	// "new" is scanned and sampled: one bucket of unknown size.
	if f.UnsizedBuckets != 1 || f.TotalUSD != cents(f.MonitoringUSD+f.IncrementalUSD+32.87) {
		t.Fatalf("%+v", f)
	}
	var b strings.Builder
	if err := f.WriteText(&b, "USD", a); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"automated discovery: 32.87 (2 account(s)", "10000000 objects monitored", "31.815 GB analysed at 1% a day", "1 bucket(s) of unknown size"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, b.String())
		}
	}
}
