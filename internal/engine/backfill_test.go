package engine

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// sweeper runs the engine's sweeps against the example organization on a virtual clock, with
// the backfill on, counting each sweep's calls.
type sweeper struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	srv *sandbox.Server
	clk *vclock.Clock
	e   *Engine
}

func newSweeper(t *testing.T) *sweeper {
	clk := vclock.New(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 1, Now: clk.Now})
	cfg := exampleConfig()
	cfg.Backfill = true
	e := New(srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1"), cfg, Options{Endpoint: srv.URL()})
	e.Now = clk.Now
	return &sweeper{t: t, sb: srv.Sandbox(), srv: srv, clk: clk, e: e}
}

// sweep lets d pass, runs a full reconcile and returns its backfill jobs and how many
// DescribeClassificationJob calls it made.
func (s *sweeper) sweep(d time.Duration) ([]plan.BackfillSpec, int) {
	s.t.Helper()
	s.clk.Advance(d)
	s.sb.ResetCalls()
	res := s.e.Full(context.Background())
	if len(res.Failures) > 0 {
		s.t.Fatalf("sweep failed: %+v", res.Failures)
	}
	var specs []plan.BackfillSpec
	for _, a := range res.Plan.Actions {
		if a.Kind == plan.CreateBackfillJob {
			specs = append(specs, *a.Backfill)
		}
	}
	return specs, s.sb.Calls()["macie2:DescribeClassificationJob"]
}

// backfill creates a backfill job over the buckets of workload A, as an earlier sweep would.
func (s *sweeper) backfill(buckets ...string) {
	s.t.Helper()
	var refs []plan.BucketRef
	for _, b := range buckets {
		refs = append(refs, plan.BucketRef{Account: sandbox.ExampleWorkloadA, Name: b})
	}
	s.clk.Advance(time.Minute) // a name per minute
	if err := s.e.Macie.CreateBackfillJob(context.Background(), "eu-west-1", plan.NewBackfillSpec(refs, s.clk.Now(), 100, s.clk.Now())); err != nil {
		s.t.Fatal(err)
	}
}

// The daily job's last run costs one DescribeClassificationJob per Region and sweep; a backfill
// job costs one in the first sweep that lists it and none after, however many accumulate.
func TestSweepDescribesEachBackfillJobOnce(t *testing.T) {
	s := newSweeper(t)
	s.sweep(0)                                  // enrols workload A and creates the daily job
	specs, described := s.sweep(25 * time.Hour) // the inventory shows A's tagged bucket by now
	if len(specs) != 1 || described != 1 {
		t.Fatalf("first backfill sweep: %+v, %d DescribeClassificationJob; want one backfill, the daily job described", specs, described)
	}
	for range 50 {
		s.backfill("team-a-customer-exports")
	}
	// The sweep's own backfill and the 50 are new to it.
	if specs, described = s.sweep(time.Hour); len(specs) != 0 || described != 1+51 {
		t.Fatalf("the sweep after 50 more jobs: %+v, %d DescribeClassificationJob; want the 51 new jobs described once", specs, described)
	}
	if _, described = s.sweep(6 * time.Hour); described != 1 {
		t.Fatalf("a warm sweep with 51 backfill jobs made %d DescribeClassificationJob calls, want 1 (the daily job's)", described)
	}
}

// A backfill job whose run ended in error is seen as failed from the listing: its buckets still
// in scope are backfilled again by the next sweep.
func TestSweepBackfillsAgainWhatAFailedJobNamed(t *testing.T) {
	s := newSweeper(t)
	s.sweep(0)
	s.sweep(25 * time.Hour)
	for _, b := range []sandbox.Bucket{
		{Account: sandbox.ExampleWorkloadA, Region: "eu-west-1", Name: "team-a-new", Tags: map[string]string{"macie": "true"}, Objects: 10, SizeBytes: 10},
		{Account: sandbox.ExampleWorkloadA, Region: "eu-west-1", Name: "team-a-gone", Tags: map[string]string{"macie": "true"}},
	} {
		if err := s.sb.PutBucket(b); err != nil { // as set-up, the inventory knows them at once
			t.Fatal(err)
		}
	}
	s.backfill("team-a-new", "team-a-gone")
	a := s3.NewFromConfig(s.srv.Config(context.Background(), sandbox.ExampleWorkloadA, "eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := a.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String("team-a-gone")}); err != nil {
		t.Fatal(err) // before the job runs, which the sweep's first Macie call makes happen
	}
	specs, _ := s.sweep(time.Hour)
	want := []plan.BucketRef{{Account: sandbox.ExampleWorkloadA, Name: "team-a-new"}}
	if len(specs) != 1 || !reflect.DeepEqual(specs[0].Buckets, want) {
		t.Fatalf("after the failed job the sweep created %+v, want one backfill of %v", specs, want)
	}
}

// Objects last modified in the second before the daily job's last run, in a bucket that run did
// not analyse them for, are the backfill's: its cutoff is rounded up to the second, not down.
func TestBackfillTakesTheObjectsOfTheSecondBeforeTheDailyRun(t *testing.T) {
	s := newSweeper(t)
	s.sb.Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadA, "Enabled")
	s.clk.Advance(200 * time.Millisecond)
	if err := s.sb.PutObjects(sandbox.ExampleWorkloadA, "team-a-customer-exports", sandbox.ObjectGroup{Count: 5, SizeBytes: 5}); err != nil {
		t.Fatal(err)
	}
	s.sweep(300 * time.Millisecond) // the daily job, created and first run half a second in
	if specs, _ := s.sweep(time.Minute); len(specs) != 1 {
		t.Fatalf("backfills %+v, want one", specs)
	}
	for range 3 {
		s.sweep(24 * time.Hour)
	}
	for _, c := range s.sb.Coverage() {
		if c.Bucket == "team-a-customer-exports" && c.Analysed != c.Objects {
			t.Fatalf("%d of %d objects analysed", c.Analysed, c.Objects)
		}
	}
}
