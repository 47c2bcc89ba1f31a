package main

import (
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// newCostFixture is the plan fixture (near-miss tag, paused member, missing read role, stale
// job, autoEnable on) with a sized tagged bucket in the enabled member's us-east-1.
func newCostFixture(t *testing.T) *planFixture {
	t.Helper()
	f := newPlanFixture(t)
	err := f.srv.Sandbox().PutBucket(sandbox.Bucket{Account: pfMixed, Region: "us-east-1", Name: "mixed-archive",
		Tags: map[string]string{"macie": "true"}, SizeBytes: 8 << 30, Objects: 100})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCostJSONFieldByField(t *testing.T) {
	f := newCostFixture(t)
	code, out, stderr := f.run(t, nil, "cost", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	r := decode[cost.Report](t, out)
	if r.Currency != "USD" || r.Assumptions != (cost.Assumptions{SamplingPercentage: 100, MonthlyChangePercent: 10, DiscoveryDailyPercent: 1}) ||
		r.PriceTables["eu-west-1"] != "us-east-1" || r.PriceTables["us-east-1"] != "us-east-1" {
		t.Errorf("header %+v %v", r.Assumptions, r.PriceTables)
	}
	// Tag-scoped: the enabled member 444 in us-east-1 (2 buckets monitored, the 8 GiB tagged one
	// scanned: 8 GB first run, 0.8 GB a month); 555 is enabled but its buckets cannot be listed.
	want := cost.Totals{MonitoredBuckets: 2, MonitoringUSD: 0.2, ScannedBuckets: 1, InitialGB: 8, InitialUSD: 8,
		JobGB: 0.8, JobUSD: 0.8, MonthlyUSD: 1, UnlistedPairs: 2}
	if r.Scoped != want {
		t.Errorf("scoped %+v\nwant   %+v", r.Scoped, want)
	}
	// Everywhere: every listed bucket of the managed Regions (5), three of them of unknown size.
	want = cost.Totals{MonitoredBuckets: 5, MonitoringUSD: 0.5, ScannedBuckets: 5, UnsizedBuckets: 3, InitialGB: 8, InitialUSD: 8,
		JobGB: 0.8, JobUSD: 0.8, MonthlyUSD: 1.3, UnlistedPairs: 2}
	if r.Everywhere != want {
		t.Errorf("everywhere %+v\nwant       %+v", r.Everywhere, want)
	}
	if r.SavingUSD != 0.3 || len(r.Pairs) != 10 || len(r.Sources) == 0 {
		t.Errorf("saving %v, %d pairs, sources %v", r.SavingUSD, len(r.Pairs), r.Sources)
	}
	checkCostPairs(t, r.Pairs)
	// Macie's own figures, per managed Region: the sandbox meters usage day by day, none yet.
	if len(r.Actual) != 2 || r.Actual[0].Region != "eu-west-1" || r.Actual[0].TotalUSD != 0 ||
		len(r.Actual[1].ByType) != 4 || r.Actual[1].Error != "" {
		t.Errorf("actual %+v", r.Actual)
	}
	if !hasSubstring(r.Unread, pfNoRole) || !hasSubstring(r.Warnings, "no price table for eu-west-1") {
		t.Errorf("unread %q warnings %q", r.Unread, r.Warnings)
	}
}

func checkCostPairs(t *testing.T, pairs []cost.PairCost) {
	t.Helper()
	byKey := map[string]cost.PairCost{}
	for _, p := range pairs {
		byKey[p.Account+"/"+p.Region] = p
	}
	if p := byKey[pfMixed+"/us-east-1"]; p.Status != "Enabled" || p.MonthlyUSD != 1 || p.ScannedBuckets != 1 {
		t.Errorf("enabled member %+v", p)
	}
	if p := byKey[pfMixed+"/eu-west-1"]; p.Status != "Paused" || p.MonthlyUSD != 0 || p.MonitoredBuckets != 0 {
		t.Errorf("paused member %+v", p)
	}
	if p := byKey[pfNoRole+"/eu-west-1"]; p.Status != "Enabled" || p.UnlistedPairs != 1 {
		t.Errorf("member without read role %+v", p)
	}
	if p := byKey[pfAdmin+"/eu-west-1"]; p.Status != cost.StatusAdministrator {
		t.Errorf("administrator %+v", p)
	}
}

func hasSubstring(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func TestCostAssumptionFlagsAndText(t *testing.T) {
	f := newCostFixture(t)
	code, out, _ := f.run(t, nil, "cost", "--json", "--assume-gb-per-bucket", "10", "--monthly-change", "50", "--sampling", "50")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	r := decode[cost.Report](t, out)
	// Everywhere: (8 known + 3 unsized x 10) GB x 50% sampling = 19 GB first run, half of it a month.
	if r.Everywhere.InitialGB != 19 || r.Everywhere.JobGB != 9.5 || r.Scoped.InitialGB != 4 || r.Scoped.JobGB != 2 {
		t.Errorf("scoped %+v everywhere %+v", r.Scoped, r.Everywhere)
	}
	code, out, _ = f.run(t, nil, "cost")
	for _, want := range []string{"tag-scoped", "everywhere", "Tag scoping saves 0.30 USD a month", pfMixed, "GetUsageTotals", "https://aws.amazon.com/macie/pricing/", "not read: "} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; text lacks %q:\n%s", code, want, out)
		}
	}
	for _, bad := range [][]string{{"--monthly-change", "120"}, {"--discovery-daily-percent", "-1"}} {
		if code, _, _ := f.run(t, nil, append([]string{"cost"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d", bad, code)
		}
	}
}

func TestCostNotReadLinesNameAccountAndRegions(t *testing.T) {
	srv := sandboxEnv(t)
	code, out, errOut := runMaciectl(t, "cost", "--endpoint", srv.URL())
	var notRead []string
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "not read: ") {
			notRead = append(notRead, strings.TrimSpace(line))
		}
	}
	// The management account of the example has no read role: one line, both Regions.
	want := "not read: " + sandbox.ExampleManagement + " in eu-west-1, us-east-1: AccessDenied: "
	if code != 0 || len(notRead) != 1 || !strings.HasPrefix(notRead[0], want) {
		t.Fatalf("exit %d; not-read lines %q, want one starting %q\n%s", code, notRead, want, errOut)
	}
}
