package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// applyJSON is the JSON output of apply.
type applyJSON struct {
	Plan planview.View `json:"plan"`
	planview.Applied
}

// member returns an account's relationship status under the fixture's administrator.
func (f *planFixture) member(account, region string) string {
	for _, m := range f.srv.Sandbox().Macie().Members(pfAdmin, region) {
		if m.Account == account {
			return m.Status
		}
	}
	return "None"
}

func TestPlanApplyPlanConverges(t *testing.T) {
	f := newPlanFixture(t)
	if code, _, _ := f.run(t, nil, "plan"); code != 2 {
		t.Fatalf("first plan: exit %d, want 2", code)
	}
	code, out, _ := f.run(t, nil, "apply", "--yes", "--json")
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	res := decode[applyJSON](t, out)
	if res.Done != 8 || res.Skipped != 0 || res.Failed != 0 || len(res.Results) != 8 || res.DryRun ||
		res.Plan.Summary.Changes != 8 {
		t.Fatalf("apply result %+v", res)
	}
	for _, r := range res.Results {
		if r.Outcome != execute.Done || r.Action.Reason == "" {
			t.Errorf("result %+v", r)
		}
	}
	code, out, _ = f.run(t, nil, "plan", "--json")
	v := decode[planview.View](t, out)
	if code != 0 || len(v.Actions) != 0 || v.Summary.Changes != 0 {
		t.Fatalf("plan after apply: exit %d, %+v", code, v.Actions)
	}
	checkFixtureWarnings(t, v.Warnings)
	for _, c := range []struct{ account, region, want string }{
		{pfNew, "eu-west-1", "Enabled"}, {pfNew, "us-east-1", "None"}, {pfMixed, "eu-west-1", "Enabled"},
		{pfMixed, "us-east-1", "Paused"}, {pfNoRole, "eu-west-1", "Enabled"},
	} {
		if got := f.member(c.account, c.region); got != c.want {
			t.Errorf("%s in %s: %s, want %s", c.account, c.region, got, c.want)
		}
	}
	f.checkJobs(t)
	if !f.autoEnable(t) {
		t.Error("autoEnable was switched off")
	}
	if n := f.srv.Sandbox().Calls()["macie2:UpdateOrganizationConfiguration"]; n != 0 {
		t.Errorf("UpdateOrganizationConfiguration called %d times", n)
	}
}

// checkJobs checks that each Region has one active managed job with the wanted definition and
// that the old one is cancelled.
func (f *planFixture) checkJobs(t *testing.T) {
	t.Helper()
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		var active []string
		for _, j := range f.srv.Sandbox().Macie().Jobs(pfAdmin, region) {
			if j.JobID == f.oldJob && j.JobStatus != macie.JobCancelled {
				t.Errorf("old job is %s", j.JobStatus)
			}
			if j.JobStatus != macie.JobCancelled {
				active = append(active, j.Name)
			}
		}
		if len(active) != 1 || !strings.HasPrefix(active[0], plan.JobPrefix) {
			t.Errorf("%s: active jobs %v", region, active)
		}
	}
}

func TestApplyRefusesWithoutATerminalAndWithoutYes(t *testing.T) {
	f := newPlanFixture(t)
	var out, errOut bytes.Buffer
	root := newRootCmd(streams{In: strings.NewReader("yes\n"), Out: &out, ErrOut: &errOut})
	root.SetArgs(append([]string{"apply"}, f.args...))
	err := root.ExecuteContext(context.Background())
	if code := exitCode(err, &errOut); code != 2 || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("exit %d, err %v", code, err)
	}
	if calls := f.srv.Sandbox().Calls(); len(calls) != 0 {
		t.Fatalf("calls made: %v", calls)
	}
	if out.Len() != 0 {
		t.Fatalf("output %q", out.String())
	}
}

func TestApplyDryRunChangesNothing(t *testing.T) {
	f := newPlanFixture(t)
	code, out, _ := f.run(t, nil, "apply", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	res := decode[applyJSON](t, out)
	if !res.DryRun || res.Skipped != 8 || res.Done != 0 || res.Failed != 0 || len(res.Results) != 8 {
		t.Fatalf("dry run %+v", res)
	}
	for _, r := range res.Results {
		if r.Outcome != execute.Skipped || r.Detail != "dry run" {
			t.Errorf("result %+v", r)
		}
	}
	if calls := f.mutatingCalls(); len(calls) != 0 {
		t.Fatalf("dry run changed something: %v", calls)
	}
	if code, _, _ := f.run(t, nil, "plan"); code != 2 {
		t.Fatalf("plan after dry run: exit %d, want 2", code)
	}
}

func TestApplyNoPauseLeavesPauseCandidatesEnabled(t *testing.T) {
	f := newPlanFixture(t)
	code, out, _ := f.run(t, nil, "apply", "--yes", "--policy", "no-pause", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	res := decode[applyJSON](t, out)
	if res.PausesHeldBack != 1 || res.Plan.Summary.PausesHeldBack != 1 || res.Plan.Summary.Pause != 0 || res.Done != 7 {
		t.Fatalf("result %+v", res)
	}
	if slices.ContainsFunc(res.Results, func(r execute.Result) bool { return r.Action.Kind == plan.PauseMember }) {
		t.Fatal("a pause was applied")
	}
	if got := f.member(pfMixed, "us-east-1"); got != "Enabled" {
		t.Fatalf("pause candidate is %s", got)
	}
	code, out, _ = f.run(t, nil, "plan", "--json")
	v := decode[planview.View](t, out)
	if code != 2 || len(v.Actions) != 1 || v.Actions[0].Kind != plan.PauseMember || v.Actions[0].Account != pfMixed {
		t.Fatalf("plan after no-pause apply: exit %d, %+v", code, v.Actions)
	}
}

// runApply runs apply through its command with opts changed by edit before the run.
func (f *planFixture) runApply(t *testing.T, in string, edit func(*applyOptions), args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newApplyCmd(streams{In: strings.NewReader(in), Out: &out, ErrOut: &errOut},
		func(ctx context.Context, opts *applyOptions) error {
			edit(opts)
			return applyRun(ctx, opts)
		})
	cmd.SetArgs(append(args, f.args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return exitCode(cmd.ExecuteContext(context.Background()), &errOut), out.String()
}

func TestApplyWaitsOnTheRateLimitBeforeEveryCall(t *testing.T) {
	f := newPlanFixture(t)
	var waits atomic.Int32
	code, out := f.runApply(t, "", func(o *applyOptions) {
		o.Throttle = func(context.Context) error { waits.Add(1); return nil }
	}, "--yes", "--rate", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	calls := 0
	for _, op := range f.mutatingCalls() {
		calls += f.srv.Sandbox().Calls()[op]
	}
	if calls != 8 || int(waits.Load()) != calls {
		t.Fatalf("%d waits for %d changing calls", waits.Load(), calls)
	}
}

func TestApplyRejectsABadRateOrPolicyBeforeAnyCall(t *testing.T) {
	f := newPlanFixture(t)
	for _, args := range [][]string{{"--rate", "0"}, {"--rate", "NaN"}, {"--policy", "pause-only"}} {
		code, _, _ := f.run(t, nil, append([]string{"apply", "--yes"}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if calls := f.srv.Sandbox().Calls(); len(calls) != 0 {
		t.Fatalf("calls made: %v", calls)
	}
}

func TestApplyAsksOnATerminalAndTakesOnlyYes(t *testing.T) {
	f := newPlanFixture(t)
	onTerminal := func(o *applyOptions) { o.Terminal = func(s any) bool { return s == o.IO.In } }
	code, out := f.runApply(t, "y\n", onTerminal)
	if code != 1 || !strings.Contains(out, "Apply these 8 changes? Only 'yes' is accepted:") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if calls := f.mutatingCalls(); len(calls) != 0 {
		t.Fatalf("refused apply changed something: %v", calls)
	}
	code, out = f.runApply(t, "yes\n", onTerminal)
	if code != 0 || !strings.Contains(out, "Apply: 8 done, 0 skipped, 0 failed.") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestApplyExitsOneWhenAChangeFails(t *testing.T) {
	f := newPlanFixture(t)
	f.srv.Sandbox().SetFault("macie2:CreateMember", sandboxFault("AccessDeniedException"))
	code, out, _ := f.run(t, nil, "apply", "--yes", "--json")
	res := decode[applyJSON](t, out)
	if code != 1 || res.Failed != 1 || res.Done != 7 {
		t.Fatalf("exit %d, %+v", code, res)
	}
	failed := slices.IndexFunc(res.Results, func(r execute.Result) bool { return r.Outcome == execute.Failed })
	if r := res.Results[failed]; r.Action.Kind != plan.CreateMember || !strings.Contains(r.Detail, "AccessDenied") {
		t.Fatalf("failed result %+v", r)
	}
}
