package lambdafn

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

var scheduledEvent = json.RawMessage(`{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
	"detail-type":"Scheduled Event","source":"aws.events","account":"222222222222",
	"time":"2026-11-02T10:00:00Z","region":"eu-west-1",
	"resources":["arn:aws:events:eu-west-1:222222222222:rule/macie-selfservice-sweep"],"detail":{}}`)

func TestScheduledFullReconcile(t *testing.T) {
	f := newFixture(t, testConfig())
	out, err := f.h.Handle(context.Background(), scheduledEvent)
	if err != nil {
		t.Fatal(err)
	}
	s := out.(Summary)
	// Two workload accounts in two Regions; the administrator is never its own member and the
	// management account is excluded.
	if s.Units != 4 || s.Pending != 0 || s.DeadlineReached || len(s.Failures) != 0 {
		t.Errorf("summary = %+v, want 4 units, nothing pending or failed", s)
	}
	if s.Actions["CreateMember"] != 2 || s.Actions["CreateJob"] != 2 {
		t.Errorf("actions = %v, want 2 CreateMember and 2 CreateJob", s.Actions)
	}
	f.wantSwept(t)
	if v, ok := f.metric("Trigger", TriggerSchedule, "Reconciles"); !ok || v != 4 {
		t.Errorf("Reconciles metric = %v (%v), want 4", v, ok)
	}
}

// wantSwept checks the example organization as a sweep leaves it: each team enrolled in the
// Region of its tagged bucket, one job per Region.
func (f *fixture) wantSwept(t *testing.T) {
	t.Helper()
	for _, want := range []struct{ account, region, status string }{
		{teamA, euWest, "Enabled"}, {teamB, usEast, "Enabled"}, {teamA, usEast, ""}, {teamB, euWest, ""},
	} {
		if got := f.memberStatus(want.account, want.region); got != want.status {
			t.Errorf("%s in %s is %q, want %q", want.account, want.region, got, want.status)
		}
	}
	for _, r := range []string{euWest, usEast} {
		if jobs := f.sb.Macie().Jobs(admin, r); len(jobs) != 1 {
			t.Errorf("%d jobs in %s, want 1", len(jobs), r)
		}
	}
}

func TestScheduledStopsBeforeTheDeadline(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = 1 // in each Region: a Region's second pair waits for its first, which the deadline cuts
	f := newFixture(t, cfg)
	f.sb.SetFault("tagging:GetResources", sandbox.Fault{Latency: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	out, err := f.h.Handle(ctx, scheduledEvent)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the run took %v, past the deadline", elapsed)
	}
	s := out.(Summary)
	if !s.DeadlineReached || s.Pending == 0 || s.Units+s.Pending != 4 {
		t.Errorf("summary = %+v, want the deadline reached with pairs pending", s)
	}
	if v, _ := f.metric("Trigger", TriggerSchedule, "Pending"); int(v) != s.Pending {
		t.Errorf("Pending metric = %v, want %d", v, s.Pending)
	}
}

func TestScheduledFailsWhenNothingCanBeRead(t *testing.T) {
	f := newFixture(t, testConfig())
	f.sb.SetFault("organizations:ListAccounts", sandbox.Fault{Error: "AccessDeniedException", Rate: 1})
	if _, err := f.h.Handle(context.Background(), scheduledEvent); err == nil {
		t.Fatal("a sweep that could not list the organization succeeded")
	}
}
