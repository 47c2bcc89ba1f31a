package execute

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// fakeCoverage records the coverage calls; errs scripts the next errors.
type fakeCoverage struct {
	backfills []string
	disabled  [][]string
	errs      []error
}

func (f *fakeCoverage) next() error {
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}

func (f *fakeCoverage) CreateBackfillJob(_ context.Context, region string, spec plan.BackfillSpec) error {
	f.backfills = append(f.backfills, region+"/"+spec.Name)
	return f.next()
}

func (f *fakeCoverage) DisableDiscovery(_ context.Context, region string, accounts []string) error {
	f.disabled = append(f.disabled, accounts)
	return f.next()
}

func coveragePlan() plan.Plan {
	return plan.Plan{Actions: []plan.Action{
		{Kind: plan.CreateBackfillJob, Region: "eu-west-1", Backfill: &plan.BackfillSpec{Name: plan.BackfillPrefix + "x"}},
		{Kind: plan.DisableDiscovery, Region: "eu-west-1", Accounts: []string{"333333333333", "444444444444"}},
	}}
}

func TestApplyCoverageActions(t *testing.T) {
	cov := &fakeCoverage{errs: []error{apiErr("ConflictException")}}
	e := &Executor{Macie: newFake(), Coverage: cov}
	rep := e.Apply(context.Background(), coveragePlan())
	if rep.Count(Done) != 2 || fmt.Sprint(cov.backfills) != "[eu-west-1/"+plan.BackfillPrefix+"x]" || fmt.Sprint(cov.disabled) != "[[333333333333 444444444444]]" {
		t.Fatalf("report %+v, backfills %v, disabled %v", rep, cov.backfills, cov.disabled)
	}
	if rep.Results[0].Detail != "already exists" {
		t.Fatalf("a backfill job that exists already is done: %+v", rep.Results[0])
	}
}

func TestApplyCoverageActionsDryRunAndNoPort(t *testing.T) {
	cov := &fakeCoverage{}
	dry := (&Executor{Macie: newFake(), Coverage: cov, DryRun: true}).Apply(context.Background(), coveragePlan())
	if dry.Count(Skipped) != 2 || len(cov.backfills)+len(cov.disabled) != 0 {
		t.Fatalf("dry run changed something: %+v", dry)
	}
	none := (&Executor{Macie: newFake()}).Apply(context.Background(), coveragePlan())
	if none.Count(Failed) != 2 || !strings.Contains(none.Results[0].Detail, "no coverage port") {
		t.Fatalf("%+v", none)
	}
}
