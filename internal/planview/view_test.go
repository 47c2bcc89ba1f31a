package planview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

func opErr(service, op, code string) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op,
		Err: &smithy.GenericAPIError{Code: code, Message: "text is never read"}}
}

// roleErr is the shape of the error the SDK returns when a call's credentials come from a role
// that cannot be assumed: the STS error inside the error of the call that needed them.
func roleErr(code string) error {
	inner := fmt.Errorf("failed to refresh cached credentials, %w", opErr("STS", "AssumeRole", code))
	outer := &smithy.OperationError{ServiceID: "Resource Groups Tagging API", OperationName: "GetResources", Err: inner}
	return fmt.Errorf("listing tagged buckets of 1 in eu-west-1: %w", outer)
}

func TestNewTurnsRoleFailuresIntoOneWarningPerAccountAndTheRestIntoErrors(t *testing.T) {
	p := plan.Plan{Actions: []plan.Action{
		{Kind: plan.CreateMember, Region: "eu-west-1", Account: "1"},
		{Kind: plan.CreateJob, Region: "eu-west-1"}, {Kind: plan.EnablePublication, Region: "us-east-1"},
	}}
	fails := []reconcile.Failure{
		{Unit: reconcile.Unit{Account: "2", Region: "eu-west-1"}, Err: roleErr("AccessDenied")},
		{Unit: reconcile.Unit{Account: "2", Region: "us-east-1"}, Err: roleErr("AccessDenied")},
		{Unit: reconcile.Unit{Region: "us-east-1"}, Err: opErr("Macie2", "ListMembers", "ThrottlingException"), Retryable: true},
	}
	v := New(p, 3, []plan.Warning{{Account: "1", Region: "us-west-2", Bucket: "b", Message: "far"}}, fails, "ReadRole")
	if len(v.Warnings) != 2 || v.Warnings[0].Account != "1" || v.Warnings[1].Account != "2" ||
		!strings.Contains(v.Warnings[1].Message, "read role ReadRole cannot be assumed (sts:AssumeRole denied) in eu-west-1, us-east-1,") ||
		!strings.Contains(v.Warnings[1].Message, "deploy the workload stack there, or exclude the account in the configuration") ||
		v.Warnings[1].Region != "" {
		t.Fatalf("warnings %+v", v.Warnings)
	}
	if len(v.Errors) != 1 || v.Errors[0].Region != "us-east-1" || !v.Errors[0].Retryable ||
		!strings.Contains(v.Errors[0].Message, "ListMembers") {
		t.Fatalf("errors %+v", v.Errors)
	}
	want := Summary{Enrol: 1, CreateJob: 1, EnablePublication: 1, Changes: 3, PausesHeldBack: 3, Warnings: 2, Errors: 1}
	if v.Summary != want {
		t.Fatalf("summary %+v", v.Summary)
	}
}

func TestTheSameWarningInSeveralRegionsIsShownOnce(t *testing.T) {
	p := plan.Plan{Warnings: []plan.Warning{
		{Account: "3", Region: "us-east-1", Message: "account 3 is protected: kept enabled in us-east-1 although no bucket there is tagged macie=true"},
		{Account: "3", Region: "eu-west-1", Message: "account 3 is protected: kept enabled in eu-west-1 although no bucket there is tagged macie=true"},
		{Account: "3", Region: "eu-west-1", Bucket: "b", Message: "near-miss on b"},
		{Account: "4", Region: "eu-west-1", Message: "account 4 is protected: kept enabled in eu-west-1 although no bucket there is tagged macie=true"},
	}}
	v := New(p, 0, nil, nil, "ReadRole")
	want := []plan.Warning{
		{Account: "3", Message: "account 3 is protected: kept enabled in eu-west-1, us-east-1 although no bucket there is tagged macie=true"},
		{Account: "3", Region: "eu-west-1", Bucket: "b", Message: "near-miss on b"},
		{Account: "4", Region: "eu-west-1", Message: "account 4 is protected: kept enabled in eu-west-1 although no bucket there is tagged macie=true"},
	}
	if fmt.Sprint(v.Warnings) != fmt.Sprint(want) || v.Summary.Warnings != 3 {
		t.Fatalf("warnings %+v (%d counted), want %+v", v.Warnings, v.Summary.Warnings, want)
	}
}

func TestSummaryLine(t *testing.T) {
	if got := SummaryLine(Summary{}); got != "Plan: 0 to enrol, 0 to resume, 0 to pause." {
		t.Errorf("empty: %q", got)
	}
	got := SummaryLine(Summary{Enrol: 3, Resume: 1, Pause: 2, CancelJob: 1, PausesHeldBack: 2, Warnings: 4, Errors: 1})
	want := "Plan: 3 to enrol, 1 to resume, 2 to pause, 1 job(s) to cancel. 2 pause(s) held back by policy no-pause. 4 warning(s). 1 part(s) of the organization could not be read."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestWriteTextOfAnEmptyPlanAndOfTheCost(t *testing.T) {
	var b strings.Builder
	v := New(plan.Plan{}, 0, nil, nil, "R")
	v.Cost = Cost{Available: true, Currency: "USD", Before: 10, After: 12.5, Change: 2.5, InitialChange: 4, Note: "assumes x"}
	if err := v.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No changes:", "USD a month under tag scoping): 10.00 now, 12.50 after this plan: +2.50 a month, +4.00 once",
		"  assumes x", "Plan: 0 to enrol"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
	if v.Actions == nil || v.Warnings == nil || v.Errors == nil {
		t.Error("empty lists must be [] in JSON, not null")
	}
}

func TestAppliedCountsAndText(t *testing.T) {
	rep := execute.Report{Results: []execute.Result{
		{Action: plan.Action{Kind: plan.CreateMember, Region: "eu-west-1", Account: "1"}, Outcome: execute.Skipped, Detail: "dry run"},
		{Action: plan.Action{Kind: plan.CreateJob, Region: "eu-west-1", Job: &plan.JobSpec{Name: "macie-selfservice-x"}}, Outcome: execute.Skipped, Detail: "dry run"},
	}}
	a := NewApplied(rep, 1, true)
	if a.Skipped != 2 || a.Done != 0 || a.Failed != 0 || !a.DryRun || a.PausesHeldBack != 1 {
		t.Fatalf("%+v", a)
	}
	var b strings.Builder
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"skipped  + CreateMember  1", "+ CreateJob     macie-selfservice-x",
		"Dry run: 2 change(s) would be applied; nothing was changed. 1 pause(s) held back"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
}
