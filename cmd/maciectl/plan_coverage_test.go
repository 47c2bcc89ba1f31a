package main

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/status"
)

func TestPlanShowsTheBackfillAfterTheDailyJobExists(t *testing.T) {
	f := newPlanFixture(t)
	if code, out, stderr := f.run(t, nil, "apply", "--yes"); code != 0 || stderr != "" {
		t.Fatalf("apply: exit %d, stderr %q\n%s", code, stderr, out)
	}
	f.srv.Sandbox().Macie().RefreshInventory() // Macie's daily refresh sees the new members' buckets
	code, out, _ := f.run(t, nil, "plan")
	if code != 2 || !strings.Contains(out, "  + CreateBackfillJob  (2 buckets in 2 accounts)") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	_, js, _ := f.run(t, nil, "plan", "--json")
	v := decode[planview.View](t, js)
	var bf *plan.BackfillSpec
	for _, a := range v.Actions {
		if a.Kind == plan.CreateBackfillJob {
			bf = a.Backfill
		}
	}
	if bf == nil || v.Summary.CreateBackfillJob != 1 || !plan.IsBackfill(bf.Name) || bf.SamplingPercentage != 100 {
		t.Fatalf("plan --json: %+v", v.Summary)
	}
	if code, out, _ := f.run(t, nil, "plan", "--backfill", "off"); code != 0 || strings.Contains(out, "CreateBackfillJob") {
		t.Fatalf("--backfill off: exit %d\n%s", code, out)
	}
	if code, _, _ := f.run(t, nil, "plan", "--backfill", "yes"); code != 2 {
		t.Fatalf("--backfill yes: exit %d", code)
	}
	if code, _, _ := f.run(t, nil, "plan", "--automated-discovery", "on"); code != 2 {
		t.Fatalf("--automated-discovery on: exit %d", code)
	}
}

func TestStatusShowsEachBucketsBackfill(t *testing.T) {
	f := newPlanFixture(t)
	if code, _, stderr := f.run(t, nil, "apply", "--yes"); code != 0 {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	_, out, _ := f.run(t, nil, "status")
	if !strings.Contains(out, "new-data [macie=true]: scanned by job macie-selfservice-a95f894e94eb; backfill waiting for Macie's inventory") {
		t.Fatalf("before the inventory shows the new member's bucket:\n%s", out)
	}
	f.srv.Sandbox().Macie().RefreshInventory()
	_, out, _ = f.run(t, nil, "status")
	if !strings.Contains(out, "new-data [macie=true]: scanned by job macie-selfservice-a95f894e94eb; backfill pending: the next scheduled reconcile creates its job; isMonitoredByJob yes") {
		t.Fatalf("once the inventory shows it:\n%s", out)
	}
	if code, _, stderr := f.run(t, nil, "apply", "--yes"); code != 0 {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	_, js, _ := f.run(t, nil, "status", "--json")
	rep := decode[status.Report](t, js)
	var got []string
	for _, a := range rep.Accounts {
		for _, b := range a.Buckets {
			if b.Backfill != nil {
				got = append(got, b.Name+" "+b.Backfill.State+" "+fmt.Sprint(b.Backfill.JobID != ""))
			}
		}
	}
	if fmt.Sprint(got) != "[new-data running true mixed-data running true]" && fmt.Sprint(got) != "[new-data done true mixed-data done true]" {
		t.Fatalf("after the backfill job was created: %v", got)
	}
}

func TestCostForecastsTheBackfillsDue(t *testing.T) {
	f := newPlanFixture(t)
	if code, _, stderr := f.run(t, nil, "apply", "--yes"); code != 0 {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	f.srv.Sandbox().Macie().RefreshInventory()
	_, js, _ := f.run(t, nil, "cost", "--json")
	out := decode[cost.Output](t, js)
	fc := out.Forecast
	// new-data (2 GB) and mixed-data are due; the fixture sizes only new-data.
	if fc.Days != 30 || fc.BackfillBuckets != 2 || fc.BackfillGB < 2 || fc.BackfillUSD < 2 ||
		fc.TotalUSD != math.Round((fc.MonitoringUSD+fc.IncrementalUSD+fc.BackfillUSD)*100)/100 {
		t.Fatalf("forecast %+v", fc)
	}
	_, text, _ := f.run(t, nil, "cost")
	if !strings.Contains(text, "Forecast, next 30 days (USD): ") || !strings.Contains(text, "backfills ") {
		t.Fatalf("%s", text)
	}
	_, js, _ = f.run(t, nil, "cost", "--json", "--backfill", "off")
	if fc := decode[cost.Output](t, js).Forecast; fc.BackfillBuckets != 0 {
		t.Fatalf("--backfill off: %+v", fc)
	}
}

// The forecast prices automated discovery where the organization has it on and it stays on: with
// the policy inherit for every account Macie bills, with off for the administrator only.
func TestCostForecastsAutomatedDiscoveryWhereItStaysOn(t *testing.T) {
	f := newPlanFixture(t)
	if code, _, stderr := f.run(t, nil, "apply", "--yes"); code != 0 {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	m := f.srv.Sandbox().Macie()
	m.SetAutomatedDiscovery("eu-west-1", "ENABLED", "ALL")
	m.RefreshInventory()
	forecast := func(args ...string) cost.DiscoveryForecast {
		t.Helper()
		code, js, stderr := f.run(t, nil, append([]string{"cost", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("cost %v: exit %d, %s", args, code, stderr)
		}
		return decode[cost.Output](t, js).Forecast.Discovery
	}
	// inherit: the administrator, the enrolled and the resumed member in eu-west-1 (new-data, 2 GB:
	// 1% a day for 30 days, grown by half the month's 10 %; mixed-data, empty); the member without
	// a read role is not listed.
	if d := forecast("--automated-discovery", "inherit"); d.Pairs != 3 || d.Buckets != 2 || d.GB != 0.63 || d.USD != 0.63 {
		t.Fatalf("inherit: %+v", d)
	}
	if d := forecast("--automated-discovery", "inherit", "--discovery-daily-percent", "2"); d.GB != 1.26 {
		t.Fatalf("2%% a day: %+v", d)
	}
	if d := forecast(); d.Pairs != 1 || d.Buckets != 0 || d.USD != 0 {
		t.Fatalf("off: %+v", d)
	}
}
