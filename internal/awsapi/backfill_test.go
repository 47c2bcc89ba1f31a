package awsapi

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func TestBackfillJobsRoundTripThroughTheSandbox(t *testing.T) {
	sb, c := exampleClients(t)
	sb.Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadA, "Enabled")
	m := NewMacie(c)
	ctx := context.Background()

	inv, err := m.Inventoried(ctx, "eu-west-1", tagpolicy.Policy{Key: "macie", Value: "true"})
	if err != nil {
		t.Fatal(err)
	}
	want := []plan.BucketRef{{Account: sandbox.ExampleWorkloadA, Name: "team-a-customer-exports"}}
	if len(inv) != 1 || inv[0].BucketRef != want[0] || inv[0].MonitoredByJob || inv[0].LastJobID != "" {
		t.Fatalf("inventoried %+v, want %v, no job yet", inv, want)
	}

	cutoff := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	spec := plan.NewBackfillSpec(want, cutoff, 100, cutoff)
	if err := m.CreateBackfillJob(ctx, "eu-west-1", spec); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateBackfillJob(ctx, "eu-west-1", spec); err != nil {
		t.Fatalf("a retried create is the same job: %v", err)
	}
	if err := m.CreateJob(ctx, "eu-west-1", plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, nil, 100)); err != nil {
		t.Fatal(err)
	}
	jobs, err := m.BackfillJobs(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != spec.Name || jobs[0].Failed || !reflect.DeepEqual(jobs[0].Buckets, want) {
		t.Fatalf("backfill jobs %+v: want only the one created, naming %v", jobs, want)
	}
	d, err := m.DailyRun(ctx, "eu-west-1", jobs[0].ID)
	if err != nil || d.CreatedAt.IsZero() {
		t.Fatalf("daily run %+v, %v", d, err)
	}
	inv, err = m.Inventoried(ctx, "eu-west-1", tagpolicy.Policy{Key: "macie", Value: "true"})
	if err != nil || len(inv) != 1 || !inv[0].MonitoredByJob {
		t.Fatalf("after the daily job, the inventory says it monitors the bucket: %+v, %v", inv, err)
	}
}

func TestBackfillInputNamesBucketsPerAccountAndExcludesNewerObjects(t *testing.T) {
	cutoff := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	spec := plan.NewBackfillSpec([]plan.BucketRef{{Account: "444444444444", Name: "b"}, {Account: "333333333333", Name: "a2"}, {Account: "333333333333", Name: "a1"}}, cutoff, 30, cutoff)
	in, err := backfillInput(spec)
	if err != nil {
		t.Fatal(err)
	}
	if in.JobType != types.JobTypeOneTime || in.ScheduleFrequency != nil || aws.ToInt32(in.SamplingPercentage) != 30 ||
		in.ManagedDataIdentifierSelector != types.ManagedDataIdentifierSelectorRecommended || aws.ToString(in.ClientToken) != spec.Name {
		t.Fatalf("request %+v", in)
	}
	defs := in.S3JobDefinition.BucketDefinitions
	if len(defs) != 2 || aws.ToString(defs[0].AccountId) != "333333333333" || !reflect.DeepEqual(defs[0].Buckets, []string{"a1", "a2"}) || !reflect.DeepEqual(defs[1].Buckets, []string{"b"}) {
		t.Fatalf("bucket definitions %+v", defs)
	}
	term := in.S3JobDefinition.Scoping.Excludes.And[0].SimpleScopeTerm
	if term.Key != types.ScopeFilterKeyObjectLastModifiedDate || term.Comparator != types.JobComparatorGt || term.Values[0] != "2026-11-30T06:00:00Z" {
		t.Fatalf("scoping %+v", term)
	}
	if in.S3JobDefinition.BucketCriteria != nil || len([]rune(aws.ToString(in.Description))) > maxDescription {
		t.Fatal("a backfill names its buckets only, with a description Macie accepts")
	}
	for _, bad := range []plan.BackfillSpec{{Name: "other", Buckets: spec.Buckets}, {Name: spec.Name}} {
		if _, err := backfillInput(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
