package awsapi

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
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

	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	spec := plan.NewBackfillSpec(want, day, 100, day)
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
	cutoff0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	spec := plan.NewBackfillSpec([]plan.BucketRef{{Account: "444444444444", Name: "b"}, {Account: "333333333333", Name: "a2"}, {Account: "333333333333", Name: "a1"}}, cutoff0, 30, cutoff0)
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
	if got := cutoff(cutoff0.Add(250 * time.Millisecond)); got != "2026-11-30T06:00:01Z" {
		t.Fatalf("a cutoff a quarter second in is written %s, want the next second", got)
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

// backfillSandbox is the example organization on a virtual clock, with workload A an Enabled
// member in eu-west-1, and the administrator's Macie adapter.
func backfillSandbox(t *testing.T) (*sandbox.Sandbox, *sandbox.Server, *vclock.Clock, *Macie) {
	t.Helper()
	clk := vclock.New(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	srv := sandboxtest.Example(t, sandbox.Options{Now: clk.Now, PageSize: 20})
	srv.Sandbox().Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadA, "Enabled")
	cfg := srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1")
	return srv.Sandbox(), srv, clk, NewMacie(NewClients(cfg, ClientOptions{Endpoint: srv.URL(), MaxAttempts: 1}))
}

func TestBackfillJobsDescribeEachJobOnce(t *testing.T) {
	sb, _, clk, m := backfillSandbox(t)
	ctx := context.Background()
	bucket := []plan.BucketRef{{Account: sandbox.ExampleWorkloadA, Name: "team-a-customer-exports"}}
	for range 50 {
		clk.Advance(time.Minute) // a name per minute: 50 jobs
		if err := m.CreateBackfillJob(ctx, "eu-west-1", plan.NewBackfillSpec(bucket, clk.Now(), 100, clk.Now())); err != nil {
			t.Fatal(err)
		}
	}
	list := func(m *Macie) ([]plan.BackfillJob, map[string]int) {
		t.Helper()
		sb.ResetCalls()
		jobs, err := m.BackfillJobs(ctx, "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		return jobs, sb.Calls()
	}
	cold, calls := list(m)
	if len(cold) != 50 || calls["macie2:DescribeClassificationJob"] != 50 {
		t.Fatalf("cold: %d jobs, calls %v; want 50 jobs, each described once", len(cold), calls)
	}
	warm, calls := list(m)
	if calls["macie2:DescribeClassificationJob"] != 0 || calls["macie2:ListClassificationJobs"] != 3 {
		t.Fatalf("warm: calls %v; want the three pages of the listing only", calls)
	}
	if !reflect.DeepEqual(warm, cold) || warm[49].Status != plan.JobComplete || !reflect.DeepEqual(warm[49].Buckets, bucket) {
		t.Fatalf("warm listing %+v differs from the cold one", warm[49])
	}
	if _, calls := list(NewMacie(m.clients.(*Clients))); calls["macie2:DescribeClassificationJob"] != 50 {
		t.Fatalf("another adapter: calls %v; the cache is the adapter's own", calls)
	}
}

// A recurring job with a backfill's name is used so that the status and the error of a job
// whose buckets are cached change afterwards: a one-time job runs as soon as it is created.
func TestBackfillJobsTakeStatusAndErrorFromTheListing(t *testing.T) {
	sb, srv, clk, m := backfillSandbox(t)
	ctx := context.Background()
	out, err := m.clients.Macie("eu-west-1").CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{
		ClientToken: aws.String("recurring"), Name: aws.String(plan.BackfillPrefix + "recurring"),
		JobType: types.JobTypeScheduled, ScheduleFrequency: &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}},
		S3JobDefinition: &types.S3JobDefinition{BucketDefinitions: []types.S3BucketDefinitionForJob{
			{AccountId: aws.String(sandbox.ExampleWorkloadA), Buckets: []string{"team-a-scratch"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	only := func(wantStatus string, wantFailed bool) {
		t.Helper()
		sb.ResetCalls()
		jobs, err := m.BackfillJobs(ctx, "eu-west-1")
		if err != nil || len(jobs) != 1 || jobs[0].ID != aws.ToString(out.JobId) {
			t.Fatalf("jobs %+v, %v", jobs, err)
		}
		if jobs[0].Status != wantStatus || jobs[0].Failed != wantFailed || len(jobs[0].Buckets) != 1 {
			t.Fatalf("job %+v, want status %s, failed %v, one bucket", jobs[0], wantStatus, wantFailed)
		}
	}
	only(plan.JobRunning, false) // described here, once
	s3c := s3.NewFromConfig(srv.Config(ctx, sandbox.ExampleWorkloadA, "eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("team-a-scratch")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(25 * time.Hour) // the next run finds the bucket gone
	only(plan.JobRunning, true)
	if err := m.UpdateJobStatus(ctx, "eu-west-1", aws.ToString(out.JobId), plan.JobCancelled); err != nil {
		t.Fatal(err)
	}
	only(plan.JobCancelled, true)
	if n := sb.Calls()["macie2:DescribeClassificationJob"]; n != 0 {
		t.Fatalf("%d DescribeClassificationJob calls after the first listing", n)
	}
}
