package execute

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func testPlan() plan.Plan {
	spec := plan.NewJobSpec(tagpolicy.Default(), nil, 100)
	return plan.Plan{Actions: []plan.Action{
		{Kind: plan.CreateJob, Region: "eu-west-1", Job: &spec, Reason: "r"},
		{Kind: plan.EnablePublication, Region: "eu-west-1", Reason: "r"},
		{Kind: plan.CreateMember, Region: "eu-west-1", Account: "333333333333", Email: "a@example.com", Reason: "r"},
		{Kind: plan.CreateMember, Region: "eu-west-1", Account: "444444444444", Email: "b@example.com", Reason: "r"},
		{Kind: plan.PauseMember, Region: "eu-west-1", Account: "555555555555", Reason: "r"},
	}}
}

func newExec(f *fakeMacie) *Executor {
	return &Executor{Macie: f}
}

func TestApplyChangesEverything(t *testing.T) {
	f := newFake()
	rep := newExec(f).Apply(context.Background(), testPlan())
	if rep.Count(Done) != 5 {
		t.Fatalf("report %+v", rep)
	}
	if f.members["eu-west-1/333333333333"] != "Enabled" || f.members["eu-west-1/555555555555"] != "Paused" || !f.publish["eu-west-1"] {
		t.Fatalf("state %+v %+v", f.members, f.publish)
	}
}

func TestApplyTwiceIsIdempotent(t *testing.T) {
	f := newFake()
	e := newExec(f)
	e.Apply(context.Background(), testPlan())
	before := map[string]string{}
	for k, v := range f.members {
		before[k] = v
	}
	rep := e.Apply(context.Background(), testPlan())
	if rep.Count(Failed) != 0 || rep.Count(Done) != 5 {
		t.Fatalf("second apply: %+v", rep)
	}
	for k, v := range before {
		if f.members[k] != v {
			t.Fatalf("second apply changed %s: %s -> %s", k, v, f.members[k])
		}
	}
	if len(f.jobs) != 1 {
		t.Fatalf("jobs %v", f.jobs)
	}
}

func TestDryRunCallsNothing(t *testing.T) {
	f := newFake()
	var logs bytes.Buffer
	e := newExec(f)
	e.DryRun = true
	e.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	rep := e.Apply(context.Background(), testPlan())
	if rep.Count(Skipped) != 5 || len(f.calls) != 0 {
		t.Fatalf("dry run: %+v calls %v", rep, f.calls)
	}
	line := strings.Split(logs.String(), "\n")[2]
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"account", "region", "bucket", "action", "dry_run"} {
		if _, ok := entry[k]; !ok {
			t.Fatalf("log line lacks %s: %s", k, line)
		}
	}
	if entry["dry_run"] != true {
		t.Fatalf("dry_run = %v", entry["dry_run"])
	}
}

// The executor makes each call once: retries belong to the SDK's retryer alone. A throttled
// write fails its action, with context, and leaves the others alone.
func TestThrottledCallIsTriedOnce(t *testing.T) {
	f := newFake()
	f.errs["CreateMember 333333333333"] = []error{apiErr("ThrottlingException"), apiErr("ThrottlingException")}
	rep := newExec(f).Apply(context.Background(), testPlan())
	fails := rep.Failures()
	if len(fails) != 1 || fails[0].Action.Account != "333333333333" || f.calls["CreateMember"] != 2 {
		t.Fatalf("failures %+v calls %v, want one failure and one call per member", fails, f.calls)
	}
	if !strings.Contains(fails[0].Detail, "CreateMember 333333333333 in eu-west-1") {
		t.Fatalf("detail lacks context: %s", fails[0].Detail)
	}
}

func TestAccessDeniedFailsOneAccountOnly(t *testing.T) {
	f := newFake()
	f.errs["CreateMember 444444444444"] = []error{apiErr("AccessDeniedException")}
	rep := newExec(f).Apply(context.Background(), testPlan())
	if rep.Count(Failed) != 1 || rep.Count(Done) != 4 || f.calls["CreateMember"] != 2 {
		t.Fatalf("report %+v calls %v", rep, f.calls)
	}
	if f.members["eu-west-1/333333333333"] != "Enabled" || f.members["eu-west-1/555555555555"] != "Paused" {
		t.Fatalf("others not applied: %v", f.members)
	}
}

func TestConflictCountsAsDone(t *testing.T) {
	f := newFake()
	f.members["eu-west-1/333333333333"] = "Enabled"
	f.errs["CreateJob "+testPlan().Actions[0].Job.Name] = []error{apiErr("ConflictException")}
	rep := newExec(f).Apply(context.Background(), testPlan())
	if rep.Count(Done) != 5 || rep.Results[2].Detail != "already exists" || rep.Results[0].Detail != "already exists" {
		t.Fatalf("report %+v", rep)
	}
}

func TestCancelledContextCallsNothing(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := &Executor{Macie: f}
	rep := e.Apply(ctx, testPlan())
	if len(f.calls) != 0 || rep.Count(Failed) != 5 {
		t.Fatalf("calls %v report %+v", f.calls, rep.Failures())
	}
}
