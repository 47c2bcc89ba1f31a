package simulate

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// one has a single workload account, its member enabled, and two buckets: a-tagged is in scope
// from the start, b-later is not. Automated discovery is off unless a test turns it on.
const one = `organization:
  managementAccount: "111111111111"
  adminAccount: "222222222222"
  regions: [eu-west-1]
  accounts: [{id: "333333333333"}, {id: "444444444444"}]
initial:
  buckets:
    - {account: "333333333333", region: eu-west-1, name: a-tagged, tags: {macie: "true"}, objects: 1000, sizeGB: 1, sensitiveObjects: 2, ageDays: 700}
    - {account: "333333333333", region: eu-west-1, name: b-later, objects: 5000, sizeGB: 5, ageDays: 700}
  members: [{account: "333333333333", region: eu-west-1, status: Enabled}]
steps:
  - reconcile: {}
`

// raw leaves the engine's backfill and automated discovery policy out, to show the model alone.
func raw(s string) string {
	return strings.Replace(s, "initial:\n", "config: {backfill: off, automatedDiscovery: inherit}\ninitial:\n", 1)
}

func bucketCoverage(t *testing.T, o *Output, bucket string) Coverage {
	t.Helper()
	for _, c := range o.Coverage {
		if c.Bucket == bucket {
			return c
		}
	}
	t.Fatalf("no coverage for %s in %+v", bucket, o.Coverage)
	return Coverage{}
}

func TestScheduledRunsAreIncremental(t *testing.T) {
	out := run(t, "incremental.yaml", one+
		"  - advance: {hours: 25}\n"+
		"  - putObjects: {account: \"333333333333\", bucket: a-tagged, objects: 10, sizeGB: 0.01}\n"+
		"  - advance: {hours: 24}\n"+
		"  - advance: {hours: 48}\n")
	a := bucketCoverage(t, out, "a-tagged")
	// The first run (at creation) analyses the 1,000 existing objects; the run at 24 h finds
	// nothing new; the run at 48 h only the 10 objects put at 25 h; later runs nothing.
	if a.Objects != 1010 || a.Analysed != 1010 || a.Analyses != 1010 || a.AnalysedWhileOutOfScope != 0 || !a.InScope {
		t.Fatalf("a-tagged %+v", a)
	}
	if b := bucketCoverage(t, out, "b-later"); b.Analyses != 0 || b.InScope {
		t.Fatalf("an untagged bucket was analysed: %+v", b)
	}
	if out.Usage.GBInspected < 1 || out.Usage.GBInspected > 1.02 || out.Usage.USD <= 0 || out.Usage.BucketMonitorDays <= 0 {
		t.Fatalf("usage %+v", out.Usage)
	}
	if len(out.Findings) != 1 || out.Findings[0].Bucket != "a-tagged" || out.Findings[0].Count < 1 {
		t.Fatalf("findings %+v", out.Findings)
	}
}

func TestABucketTaggedAfterTheFirstRunKeepsItsOldObjectsUnanalysed(t *testing.T) {
	out := run(t, "gap.yaml", raw(one)+
		"  - advance: {hours: 2}\n"+
		"  - putTags: {account: \"333333333333\", bucket: b-later, tags: {macie: \"true\"}}\n"+
		"  - putObjects: {account: \"333333333333\", bucket: b-later, objects: 20, sizeGB: 0.02}\n"+
		"  - advance: {hours: 72}\n")
	b := bucketCoverage(t, out, "b-later")
	// Only the 20 objects put after the first run are analysed: the 5,000 it held are not.
	if !b.InScope || b.Objects != 5020 || b.Analysed != 20 || b.Analyses != 20 {
		t.Fatalf("b-later %+v", b)
	}
}

// lag untags a-tagged (keeping the member enabled through c-keep) and puts new objects in it,
// so that the next daily run sees it tagged only if the inventory was not refreshed since.
func lag(refreshHours string) string {
	s := strings.Replace(one, "steps:\n", "  inventoryRefreshHours: "+refreshHours+"\nsteps:\n", 1)
	s = strings.Replace(s, "    - {account: \"333333333333\", region: eu-west-1, name: b-later",
		"    - {account: \"333333333333\", region: eu-west-1, name: c-keep, tags: {macie: \"true\"}}\n"+
			"    - {account: \"333333333333\", region: eu-west-1, name: b-later", 1)
	return s + "  - advance: {hours: 1}\n" +
		"  - deleteTags: {account: \"333333333333\", bucket: a-tagged}\n" +
		"  - putObjects: {account: \"333333333333\", bucket: a-tagged, objects: 30, sizeGB: 0.03}\n" +
		"  - advance: {hours: 30}\n"
}

func TestInventoryLagDelaysMatching(t *testing.T) {
	// Refreshed every 24 hours, the inventory sees the untagging before the run at 24 h.
	fresh := bucketCoverage(t, run(t, "fresh.yaml", raw(lag("24"))), "a-tagged")
	// Refreshed every 48 hours, the run at 24 h still matches the bucket by its old tags.
	stale := bucketCoverage(t, run(t, "stale.yaml", raw(lag("48"))), "a-tagged")
	if fresh.InScope || fresh.AnalysedWhileOutOfScope != 0 || fresh.Analyses != 1000 {
		t.Fatalf("with a daily refresh: %+v", fresh)
	}
	if stale.AnalysedWhileOutOfScope != 30 || stale.Analyses != 1030 {
		t.Fatalf("with a refresh every 48 hours: %+v", stale)
	}
}

func TestAutomatedDiscoverySamplesUntaggedBuckets(t *testing.T) {
	on := strings.Replace(raw(one), "steps:\n", "  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: ALL}\nsteps:\n", 1)
	b := bucketCoverage(t, run(t, "asdd.yaml", on+"  - advance: {hours: 49}\n"), "b-later")
	if b.InScope || b.Analyses == 0 || b.AnalysedWhileOutOfScope != b.Analyses || b.Analysed > b.Objects {
		t.Fatalf("automated discovery on: b-later %+v", b)
	}
	// With NONE, an account the engine makes a member later does not get automated discovery.
	none := strings.Replace(raw(one), "steps:\n", "  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: NONE}\nsteps:\n", 1)
	none = strings.Replace(none, "    - {account: \"333333333333\", region: eu-west-1, name: b-later",
		"    - {account: \"444444444444\", region: eu-west-1, name: d-new, tags: {macie: \"true\"}}\n"+
			"    - {account: \"444444444444\", region: eu-west-1, name: d-untagged, objects: 100}\n"+
			"    - {account: \"333333333333\", region: eu-west-1, name: b-later", 1)
	out := run(t, "none.yaml", none+"  - advance: {hours: 49}\n")
	if status(out)["444444444444/eu-west-1"] != "Enabled" {
		t.Fatalf("members %v", status(out))
	}
	if d := bucketCoverage(t, out, "d-untagged"); d.Analyses != 0 {
		t.Fatalf("autoEnable NONE: a new member's untagged bucket was sampled: %+v", d)
	}
}

func TestPausedMembersAreSkippedAndUnbilled(t *testing.T) {
	base := strings.Replace(one, "steps:\n", "  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: ALL}\nsteps:\n", 1)
	without := run(t, "without.yaml", base+"  - advance: {hours: 49}\n")
	paused := strings.Replace(base, "  members: [", "  members: [{account: \"444444444444\", region: eu-west-1, status: Paused}, ", 1)
	paused = strings.Replace(paused, "    - {account: \"333333333333\", region: eu-west-1, name: b-later",
		"    - {account: \"444444444444\", region: eu-west-1, name: e-paused-one, objects: 400, sizeGB: 4}\n"+
			"    - {account: \"444444444444\", region: eu-west-1, name: e-paused-two, objects: 400, sizeGB: 4}\n"+
			"    - {account: \"333333333333\", region: eu-west-1, name: b-later", 1)
	with := run(t, "paused.yaml", paused+"  - advance: {hours: 49}\n")
	if status(with)["444444444444/eu-west-1"] != "Paused" {
		t.Fatalf("members %v", status(with))
	}
	for _, name := range []string{"e-paused-one", "e-paused-two"} {
		if c := bucketCoverage(t, with, name); c.Analyses != 0 {
			t.Fatalf("a paused member's bucket was analysed: %+v", c)
		}
	}
	if w, wo := with.Usage, without.Usage; w.GBInspected != wo.GBInspected || w.BucketMonitorDays != wo.BucketMonitorDays || math.Abs(w.USD-wo.USD) > 1e-9 {
		t.Fatalf("a paused member changed the bill: %+v, without it %+v", with.Usage, without.Usage)
	}
}

func TestCoverageUsageAndFindingsInJSON(t *testing.T) {
	// A bucket outside the managed Regions is left out of the coverage.
	far := strings.Replace(one, "  members:", "    - {account: \"333333333333\", region: us-west-2, name: c-far, tags: {macie: \"true\"}, objects: 9}\n  members:", 1)
	out := run(t, "json.yaml", far+"  - advance: {hours: 24}\n")
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Coverage []map[string]any `json:"coverage"`
		Usage    map[string]any   `json:"usage"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Coverage) != 2 || len(m.Coverage[0]) != 8 || m.Coverage[0]["bucket"] != "a-tagged" || m.Coverage[0]["inScope"] != true ||
		m.Coverage[0]["objects"] != 1000.0 || m.Coverage[0]["analysed"] != 1000.0 || m.Coverage[0]["analyses"] != 1000.0 ||
		m.Coverage[0]["analysedWhileOutOfScope"] != 0.0 || m.Coverage[0]["account"] != "333333333333" || m.Coverage[0]["region"] != "eu-west-1" {
		t.Fatalf("coverage %s", raw)
	}
	for _, k := range []string{"gbInspected", "bucketMonitorDays", "usd"} {
		if v, ok := m.Usage[k].(float64); !ok || v <= 0 || len(m.Usage) != 3 {
			t.Fatalf("usage %v", m.Usage)
		}
	}
	if len(m.Findings) != 1 || len(m.Findings[0]) != 4 || m.Findings[0]["bucket"] != "a-tagged" || m.Findings[0]["count"] != 2.0 {
		t.Fatalf("findings %v", m.Findings)
	}
}

func TestTextShowsRunsAndCoverage(t *testing.T) {
	out := run(t, "text.yaml", one+"  - advance: {hours: 24}\n")
	var b strings.Builder
	if err := out.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"advance 24h: day 0 00:00 to day 1 00:00, 4 scheduled full reconciles",
		"Macie: job eu-west-1 macie-selfservice",
		"1,000 objects analysed",
		"Coverage (every bucket of a managed Region",
		"Objects of buckets in scope never analysed: 0 of 1,000 (excluded accounts left out). Analyses while out of scope: 0.",
		"Sensitive data findings, in 1 bucket",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 45 * time.Minute: "45m",
		30 * time.Second: "30s", time.Hour + 30*time.Second: "1h0m30s"} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTheExampleMonth(t *testing.T) {
	s, err := scenario.Load("testdata/month.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Timeline[len(out.Timeline)-1].At; !got.Equal(start.Add(265 * time.Hour)) {
		t.Fatalf("the last step starts at %v", got)
	}
	// The bucket tagged on the third day: its existing objects are analysed by a backfill job,
	// the new ones by the daily job, at most 5 % of them twice.
	a := bucketCoverage(t, out, "analytics-exports")
	if !a.InScope || a.Objects != 9000 || a.Analysed != a.Objects || a.Analyses-a.Analysed > a.Objects/20 {
		t.Fatalf("analytics-exports %+v", a)
	}
	// The untagged logs: the engine turned automated discovery off for the member at the first
	// reconcile, before its first cycle, so nothing out of scope was analysed.
	l := bucketCoverage(t, out, "payments-logs")
	if l.InScope || l.AnalysedWhileOutOfScope != 0 {
		t.Fatalf("payments-logs %+v", l)
	}
	if i := bucketCoverage(t, out, "payments-invoices"); i.Analysed != i.Objects || len(out.Failed) != 0 {
		t.Fatalf("payments-invoices %+v, failed %v", i, out.Failed)
	}
}

func TestFindingEventsAreDeliveredOrHeldLikeOthers(t *testing.T) {
	out := run(t, "held-findings.yaml", raw(one)+
		"  - hold: true\n"+
		"  - advance: {hours: 1}\n"+
		"  - putObjects: {account: \"333333333333\", bucket: a-tagged, objects: 10, sizeGB: 0.01, sensitiveObjects: 3}\n"+
		"  - advance: {hours: 24}\n"+
		"  - deliver: {}\n")
	// The first run, at the reconcile step, finds the 2 initial sensitive objects: delivered then.
	if first := out.Timeline[0]; len(first.Runs) != 1 || first.Runs[0].Events != 2 {
		t.Fatalf("the first run's events: %+v", first.Runs)
	}
	advance, deliver := out.Timeline[4], out.Timeline[5]
	for _, r := range advance.Runs {
		if r.Events != 0 {
			t.Fatalf("held events were delivered during the advance: %+v", r)
		}
	}
	// The run at 24 h finds the 3 new sensitive objects; their events wait for the deliver step,
	// which hands them to the engine, which ignores them.
	if deliver.Events != 3 || deliver.Retries != 0 || len(deliver.Results) != 0 || len(out.Failed) != 0 {
		t.Fatalf("deliver %+v, failed %v", deliver, out.Failed)
	}
	if out.Findings[0].Count != 5 {
		t.Fatalf("findings %+v", out.Findings)
	}
}
