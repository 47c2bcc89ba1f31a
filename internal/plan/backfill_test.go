package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// inv is the inventory's view of buckets, without job details.
func inv(bs ...BucketRef) []InventoryBucket {
	out := make([]InventoryBucket, 0, len(bs))
	for _, b := range bs {
		out = append(out, InventoryBucket{BucketRef: b})
	}
	return out
}

var (
	t0      = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	a1, a2  = BucketRef{"333333333333", "a-pii"}, BucketRef{"333333333333", "a-raw"}
	b1      = BucketRef{"444444444444", "b-pii"}
	onRules = Rules{Backfill: true, Job: JobSpec{SamplingPercentage: 40}}
)

func TestBackfillStates(t *testing.T) {
	done := BucketRef{"333333333333", "done"}
	gave := BucketRef{"333333333333", "gave-up"}
	cs := CoverageState{
		Region:      "eu-west-1",
		Inventoried: inv(a1, b1, done, gave),
		InScope:     []BucketRef{a1, a2, b1, done, gave},
		Backfills: []BackfillJob{
			{ID: "j1", Status: JobRunning, Buckets: []BucketRef{b1}},
			{ID: "j2", Status: JobComplete, Buckets: []BucketRef{done}},
			{ID: "j3", Status: JobCancelled, Buckets: []BucketRef{a1, gave}},
			{ID: "j4", Status: JobComplete, Failed: true, Buckets: []BucketRef{gave}},
			{ID: "j5", Status: JobCancelled, Buckets: []BucketRef{gave}},
		},
	}
	got := map[string]string{}
	for _, st := range BackfillStates(cs) {
		got[st.Name] = fmt.Sprintf("%s %s %d", st.State, st.JobID, st.Failures)
	}
	want := map[string]string{
		"a-pii":   "pending  1",
		"a-raw":   BackfillWaiting + "  0",
		"b-pii":   "running j1 0",
		"done":    "done j2 0",
		"gave-up": "given up  3",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("states\n got %v\nwant %v", got, want)
	}
}

func TestBackfillActionsOneJobPerRegion(t *testing.T) {
	cs := CoverageState{Region: "eu-west-1", Daily: &DailyRun{ID: "d", CreatedAt: t0.Add(-48 * time.Hour), LastRunTime: t0.Add(-2 * time.Hour)},
		Inventoried: inv(a1, a2, b1), InScope: []BucketRef{b1, a2, a1}}
	acts, warns := BackfillActions(onRules, cs, t0)
	if len(acts) != 1 || len(warns) != 0 {
		t.Fatalf("actions %v, warnings %v", acts, warns)
	}
	a := acts[0]
	spec := a.Backfill
	if a.Kind != CreateBackfillJob || a.Region != "eu-west-1" || spec == nil {
		t.Fatalf("action %+v", a)
	}
	if fmt.Sprint(spec.Buckets) != fmt.Sprint([]BucketRef{a1, a2, b1}) || spec.Accounts() != 2 {
		t.Fatalf("buckets %v (%d accounts)", spec.Buckets, spec.Accounts())
	}
	if !spec.ModifiedBefore.Equal(t0.Add(-2*time.Hour)) || spec.SamplingPercentage != 40 {
		t.Fatalf("cutoff %s, sampling %d: want the daily job's last run and its sampling", spec.ModifiedBefore, spec.SamplingPercentage)
	}
	if !strings.HasPrefix(spec.Name, BackfillPrefix+"20261201t0600-") || !IsBackfill(spec.Name) || len(spec.Name) > 64 {
		t.Fatalf("name %q", spec.Name)
	}
	if !strings.Contains(a.Reason, "3 bucket(s) in scope in 2 account(s)") {
		t.Fatalf("reason %q", a.Reason)
	}
	again, _ := BackfillActions(onRules, cs, t0.Add(30*time.Second))
	if again[0].Backfill.Name != spec.Name {
		t.Fatalf("a retry in the same minute is a new job: %s, %s", again[0].Backfill.Name, spec.Name)
	}
}

func TestBackfillActionsNothingToDo(t *testing.T) {
	daily := &DailyRun{ID: "d", CreatedAt: t0}
	cases := map[string]struct {
		r  Rules
		cs CoverageState
	}{
		"backfill off":              {Rules{}, CoverageState{Daily: daily, Inventoried: inv(a1), InScope: []BucketRef{a1}}},
		"no daily job":              {onRules, CoverageState{Inventoried: inv(a1), InScope: []BucketRef{a1}}},
		"not inventoried":           {onRules, CoverageState{Daily: daily, InScope: []BucketRef{a1}}},
		"inventoried, not in scope": {onRules, CoverageState{Daily: daily, Inventoried: inv(a1)}},
		"paused backfill counts":    {onRules, CoverageState{Daily: daily, Inventoried: inv(a1), InScope: []BucketRef{a1}, Backfills: []BackfillJob{{ID: "j", Status: JobUserPaused, Buckets: []BucketRef{a1}}}}},
	}
	for name, tc := range cases {
		if acts, _ := BackfillActions(tc.r, tc.cs, t0); len(acts) != 0 {
			t.Errorf("%s: %v", name, acts)
		}
	}
}

func TestBackfillActionsBatchesAtMost1000(t *testing.T) {
	cs := CoverageState{Region: "us-east-1", Daily: &DailyRun{ID: "d", CreatedAt: t0}}
	for i := range 2500 {
		b := BucketRef{fmt.Sprintf("%012d", 100000000000+i%100), fmt.Sprintf("bucket-%04d", i)}
		cs.Inventoried = append(cs.Inventoried, InventoryBucket{BucketRef: b})
		cs.InScope = append(cs.InScope, b)
	}
	acts, _ := BackfillActions(onRules, cs, t0)
	if len(acts) != 1 || len(acts[0].Backfill.Buckets) != MaxBackfillBuckets {
		t.Fatalf("%d actions, first with %d buckets", len(acts), len(acts[0].Backfill.Buckets))
	}
	if !strings.Contains(acts[0].Reason, "1500 more in a later sweep") {
		t.Fatalf("reason %q", acts[0].Reason)
	}
	if !acts[0].Backfill.ModifiedBefore.Equal(t0) {
		t.Fatalf("before the daily job's first run the cutoff is its creation, got %s", acts[0].Backfill.ModifiedBefore)
	}
}

func TestBackfillGivenUpWarns(t *testing.T) {
	var jobs []BackfillJob
	for i := range MaxBackfillAttempts {
		jobs = append(jobs, BackfillJob{ID: fmt.Sprint(i), Status: JobCancelled, Buckets: []BucketRef{a1}})
	}
	cs := CoverageState{Region: "eu-west-1", Daily: &DailyRun{CreatedAt: t0}, Inventoried: inv(a1), InScope: []BucketRef{a1}, Backfills: jobs}
	acts, warns := BackfillActions(onRules, cs, t0)
	if len(acts) != 0 || len(warns) != 1 || warns[0].Bucket != "a-pii" {
		t.Fatalf("actions %v, warnings %v", acts, warns)
	}
}

func TestRegionActionsLeaveBackfillJobsAlone(t *testing.T) {
	r := Rules{Job: JobSpec{Name: JobPrefix + "abc", TagKey: "macie", TagValue: "true"}}
	rs := RegionState{Region: "eu-west-1", Publishing: true, Jobs: []Job{
		{ID: "d", Name: r.Job.Name, Status: JobRunning},
		{ID: "b", Name: BackfillPrefix + "x", Status: JobRunning},
	}}
	if acts := RegionActions(r, rs); len(acts) != 0 {
		t.Fatalf("a running backfill job is not an old daily job: %v", acts)
	}
}
