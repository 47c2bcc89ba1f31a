package cost

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

const gib = 1 << 30

// inventory: an enabled member with 3 buckets (one tagged, 20 GiB), a paused member with 2
// buckets (one tagged, unknown size), an unlisted non-member, and the administrator with 1.
func testInventory() Inventory {
	return Inventory{Pairs: []Pair{
		{Account: "111111111111", Region: "us-east-1", Status: StatusAdministrator, Listed: true,
			Buckets: []Bucket{{Name: "results", SizeBytes: gib, SizeKnown: true}}},
		{Account: "333333333333", Region: "us-east-1", Status: string(plan.StatusEnabled), Listed: true, Buckets: []Bucket{
			{Name: "a", SizeBytes: 20 * gib, SizeKnown: true, InScope: true},
			{Name: "b", SizeBytes: 5 * gib, SizeKnown: true},
			{Name: "c", SizeKnown: true},
		}},
		{Account: "444444444444", Region: "us-east-1", Status: string(plan.StatusPaused), Listed: true, Buckets: []Bucket{
			{Name: "d", InScope: true}, {Name: "e"},
		}},
		{Account: "555555555555", Region: "us-east-1", Status: string(plan.StatusNone), Listed: false, Buckets: []Bucket{}},
	}}
}

func TestEstimateScopedAgainstEverywhere(t *testing.T) {
	p, _ := DefaultPrices()
	a := Assumptions{SamplingPercentage: 50, MonthlyChangePercent: 10, AssumeGBPerBucket: 2}
	e := p.Estimate(a, testInventory())
	// Scoped: admin 1 + member 3 buckets monitored; job over bucket a: 20 GiB * 50% = 10 GB
	// first run, 1 GB a month.
	want := Totals{MonitoredBuckets: 4, MonitoringUSD: 0.4, ScannedBuckets: 1, InitialGB: 10, InitialUSD: 10,
		JobGB: 1, JobUSD: 1, MonthlyUSD: 1.4, UnlistedPairs: 1}
	if e.Scoped != want {
		t.Errorf("scoped %+v\nwant   %+v", e.Scoped, want)
	}
	// Everywhere: 6 buckets; all of them scanned: 1+20+5+0 known GiB plus 2 unsized at 2 GB,
	// sampled at 50% = 15 GB first run, 1.5 GB a month.
	want = Totals{MonitoredBuckets: 6, MonitoringUSD: 0.6, ScannedBuckets: 6, UnsizedBuckets: 2, InitialGB: 15, InitialUSD: 15,
		JobGB: 1.5, JobUSD: 1.5, MonthlyUSD: 2.1, UnlistedPairs: 1}
	if e.Everywhere != want {
		t.Errorf("everywhere %+v\nwant       %+v", e.Everywhere, want)
	}
	if e.SavingUSD != 0.7 || e.Currency != "USD" || e.PriceTables["us-east-1"] != "us-east-1" || len(e.Warnings) != 0 {
		t.Errorf("estimate %+v", e)
	}
	if len(e.Pairs) != 4 || e.Pairs[2].Status != string(plan.StatusPaused) || e.Pairs[2].MonthlyUSD != 0 || e.Pairs[1].MonthlyUSD != 1.3 {
		t.Errorf("pairs %+v", e.Pairs)
	}
}

func TestEstimateCapsAtTheQuotaAndWarnsOfFallbackPrices(t *testing.T) {
	p, _ := DefaultPrices()
	inv := Inventory{Pairs: []Pair{{Account: "333333333333", Region: "eu-west-1", Status: string(plan.StatusEnabled), Listed: true,
		Buckets: []Bucket{{Name: "huge", SizeBytes: 100_000 * gib, SizeKnown: true, InScope: true}}}}}
	e := p.Estimate(Assumptions{SamplingPercentage: 100, MonthlyChangePercent: 10}, inv)
	if !e.Pairs[0].OverQuota || e.Scoped.JobGB != 5120 || e.Scoped.JobUSD != 5120 || e.Scoped.InitialUSD != 51200+(100_000-51200)*0.5 {
		t.Errorf("scoped %+v over %v", e.Scoped, e.Pairs[0].OverQuota)
	}
	if len(e.Warnings) != 2 || !strings.Contains(e.Warnings[0], "job quota") || !strings.Contains(e.Warnings[1], "no price table for eu-west-1") {
		t.Errorf("warnings %q", e.Warnings)
	}
}

func TestMonthlyChangeOfAPlan(t *testing.T) {
	p, _ := DefaultPrices()
	a := Assumptions{SamplingPercentage: 100, MonthlyChangePercent: 10, AssumeGBPerBucket: 10}
	after := StatusesAfter([]plan.Action{
		{Kind: plan.ResumeMember, Account: "444444444444", Region: "us-east-1"},
		{Kind: plan.PauseMember, Account: "333333333333", Region: "us-east-1"},
		{Kind: plan.CreateJob, Region: "us-east-1"},
	})
	if !reflect.DeepEqual(after, map[Key]string{{"444444444444", "us-east-1"}: string(plan.StatusEnabled), {"333333333333", "us-east-1"}: string(plan.StatusPaused)}) {
		t.Fatalf("after %v", after)
	}
	c := p.MonthlyChange(a, testInventory(), after)
	// before: 4 buckets 0.40 + 2 GB job = 2.40; after: 3 buckets 0.30 + 1 GB (unsized d at 10 GB) = 1.30.
	want := Change{BeforeUSD: 2.4, AfterUSD: 1.3, MonthlyUSD: -1.1, InitialUSD: -10, UnsizedBuckets: 1}
	if c != want {
		t.Errorf("change %+v\nwant   %+v", c, want)
	}
}

func TestAssumptionsValidate(t *testing.T) {
	if err := (Assumptions{SamplingPercentage: 100, MonthlyChangePercent: 10}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Assumptions{{SamplingPercentage: 0}, {SamplingPercentage: 100, MonthlyChangePercent: 101},
		{SamplingPercentage: 100, AssumeGBPerBucket: -1}} {
		if a.Validate() == nil {
			t.Errorf("%+v accepted", a)
		}
	}
}

type fakeReader struct {
	statuses map[string]map[string]plan.MemberStatus
	macie    map[string][]SizedBucket
	names    map[string]map[string][]string
	tagged   map[string][]plan.Bucket
}

func (f fakeReader) MemberStatuses(_ context.Context, region string) (map[string]plan.MemberStatus, error) {
	return f.statuses[region], nil
}
func (f fakeReader) MacieBuckets(_ context.Context, region string) ([]SizedBucket, error) {
	if region == "eu-west-1" {
		return nil, errors.New("no inventory")
	}
	return f.macie[region], nil
}
func (f fakeReader) BucketNames(_ context.Context, account string) (map[string][]string, error) {
	n, ok := f.names[account]
	if !ok {
		return nil, errors.New("AccessDenied")
	}
	return n, nil
}
func (f fakeReader) TaggedBuckets(_ context.Context, account, region string) ([]plan.Bucket, error) {
	return f.tagged[account+"/"+region], nil
}

func TestGather(t *testing.T) {
	r := fakeReader{
		statuses: map[string]map[string]plan.MemberStatus{"us-east-1": {"333333333333": "Enabled"}},
		macie:    map[string][]SizedBucket{"us-east-1": {{Account: "333333333333", Name: "a", SizeBytes: 7}, {Account: "222222222222", Name: "own", SizeBytes: 3}}},
		names: map[string]map[string][]string{
			"222222222222": {"us-east-1": {"own"}},
			"333333333333": {"us-east-1": {"a", "b"}, "eu-west-1": {"c"}},
		},
		tagged: map[string][]plan.Bucket{"222222222222/us-east-1": {{Name: "own", Tags: map[string]string{"macie": "true"}}}},
	}
	s := Scope{Admin: "222222222222", Accounts: []string{"333333333333", "444444444444"}, Regions: []string{"us-east-1", "eu-west-1"},
		Policy: tagpolicy.Default(), Members: []plan.Member{{Account: "333333333333", Region: "us-east-1",
			Buckets: []plan.Bucket{{Name: "a", Tags: map[string]string{"macie": "true"}}, {Name: "b", Tags: map[string]string{"Macie": "true"}}}}}}
	inv, errs := Gather(context.Background(), r, s)
	if len(errs) != 2 {
		t.Errorf("errors %v", errs)
	}
	want := []Pair{
		{Account: "222222222222", Region: "us-east-1", Status: StatusAdministrator, Listed: true, Buckets: []Bucket{{Name: "own", SizeBytes: 3, SizeKnown: true, InScope: true}}},
		{Account: "222222222222", Region: "eu-west-1", Status: StatusAdministrator, Listed: true, Buckets: []Bucket{}},
		{Account: "333333333333", Region: "us-east-1", Status: "Enabled", Listed: true, Buckets: []Bucket{{Name: "a", SizeBytes: 7, SizeKnown: true, InScope: true}, {Name: "b"}}},
		{Account: "333333333333", Region: "eu-west-1", Status: "None", Listed: true, Buckets: []Bucket{{Name: "c"}}},
		{Account: "444444444444", Region: "us-east-1", Status: "None", Buckets: []Bucket{}},
		{Account: "444444444444", Region: "eu-west-1", Status: "None", Buckets: []Bucket{}},
	}
	if !reflect.DeepEqual(inv.Pairs, want) {
		t.Errorf("pairs\n%+v\nwant\n%+v", inv.Pairs, want)
	}
}

type usageFake map[string]Usage

func (u usageFake) UsageTotals(_ context.Context, region string) (Usage, error) {
	v, ok := u[region]
	if !ok {
		return Usage{}, errors.New("AccessDeniedException")
	}
	return v, nil
}

func TestActual(t *testing.T) {
	got := Actual(context.Background(), usageFake{"us-east-1": {TotalUSD: 3}}, []string{"us-east-1", "eu-west-1"})
	if len(got) != 2 || got[0].Region != "eu-west-1" || got[0].Error != "AccessDeniedException" || got[1].TotalUSD != 3 || got[1].Region != "us-east-1" {
		t.Errorf("usage %+v", got)
	}
}
