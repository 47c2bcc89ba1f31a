package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

var sweepAt = clock

// shardedWorld is an organization of n workload accounts (ids 100000000001...) beside the
// administrator, the excluded account and a suspended one, with one tagged bucket in eu-west-1 in
// every other account.
func shardedWorld(t *testing.T, n int) (*world, []string) {
	var workloads []string
	for i := range n {
		workloads = append(workloads, fmt.Sprintf("1%011d", i+1))
	}
	w := newWorld(t, append([]string{admin, excl, "999999999999"}, workloads...)...)
	w.states["999999999999"] = orgtypes.AccountStateSuspended
	for i, a := range workloads {
		if i%2 == 0 {
			w.put(a, euw1, "b-"+a, on)
		}
	}
	return w, workloads
}

// chain runs the shards of one sweep the way the queue carries them: each shard alone in a
// batch, the next one after it, until every Region's sweep ended. It returns every result.
func chain(t *testing.T, r *Reconciler, sweep time.Time) []BatchResult {
	t.Helper()
	var out []BatchResult
	queue := r.FirstShards(sweep)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		res := r.Batch(context.Background(), nil, []event.Shard{s})
		out = append(out, res)
		sr := res.Shards[0]
		if sr.Err != nil {
			t.Fatalf("shard %s could not start: %v", s, sr.Err)
		}
		if !sr.End {
			queue = append(queue, sr.Next)
		}
	}
	return out
}

func TestShardsWalkTheSweepsSelectionInAccountOrder(t *testing.T) {
	w, workloads := shardedWorld(t, 7)
	r := newReconciler(w)
	r.ShardAccounts = 3
	results := chain(t, r, sweepAt)
	var walked []string
	var ends int
	for _, res := range results {
		sr := res.Shards[0]
		if sr.Shard.Region != euw1 {
			continue
		}
		if sr.End {
			ends++
		}
		if sr.Pairs > 3 {
			t.Errorf("shard %s has %d pairs, more than its size", sr.Shard, sr.Pairs)
		}
		var enrolled []string // the pairs of a shard run in parallel
		for _, a := range res.Report.Results {
			if a.Action.Kind == plan.CreateMember {
				enrolled = append(enrolled, a.Action.Account)
			}
		}
		slices.Sort(enrolled)
		walked = append(walked, enrolled...)
	}
	// Every other workload account has a tagged bucket: those are enrolled, shard after shard in
	// account order, once each; the administrator, the excluded and the suspended accounts are never looked at.
	var want []string
	for i, a := range workloads {
		if i%2 == 0 {
			want = append(want, a)
		}
	}
	if !slices.Equal(walked, want) || ends != 1 {
		t.Fatalf("enrolled %v, want %v in order; %d shards ended the Region, want 1", walked, want, ends)
	}
	if n := len(results); n != 2*3 {
		t.Errorf("%d shards for 7 accounts in shards of 3 in two Regions, want 6", n)
	}
	for _, a := range workloads {
		want := plan.StatusNone
		if slices.Contains(want2(workloads), a) {
			want = plan.StatusEnabled
		}
		if got := w.status(a, euw1); got != want {
			t.Errorf("%s is %s after the sharded sweep, want %s", a, got, want)
		}
	}
	if w.calls["GetMember"] != 0 {
		t.Errorf("shards read member statuses one by one (%d GetMember): they come from the Region's listing", w.calls["GetMember"])
	}
}

func want2(workloads []string) []string {
	var out []string
	for i, a := range workloads {
		if i%2 == 0 {
			out = append(out, a)
		}
	}
	return out
}

func TestShardsOfASweepListEachRegionsMembersOnce(t *testing.T) {
	w, _ := shardedWorld(t, 7)
	r := newReconciler(w)
	r.ShardAccounts = 2
	now := clock
	r.Now = func() time.Time { return now }
	chain(t, r, sweepAt)
	if got := w.calls["ListMembers"]; got != 2 {
		t.Fatalf("%d ListMembers for the 8 shards of a sweep in two Regions, want 2", got)
	}
	chain(t, r, sweepAt.Add(6*time.Hour))
	if got := w.calls["ListMembers"]; got != 4 {
		t.Fatalf("%d ListMembers after a second sweep, want 4: each sweep lists afresh", got)
	}
	now = now.Add(MemberCacheTTL)
	r.Batch(context.Background(), nil, []event.Shard{{Sweep: sweepAt.Add(6 * time.Hour), Region: euw1, Accounts: 2}})
	if got := w.calls["ListMembers"]; got != 5 {
		t.Fatalf("%d ListMembers once the listing is %v old, want 5", got, MemberCacheTTL)
	}
}

// An event between two shards enrols an account of the second shard: the second shard sees the
// enrolment, although the Region was listed before it.
func TestShardsSeeWhatEventsDidSinceTheListing(t *testing.T) {
	w, workloads := shardedWorld(t, 4)
	r := newReconciler(w)
	r.ShardAccounts = 2
	ctx := context.Background()
	first := r.Batch(ctx, nil, []event.Shard{{Sweep: sweepAt, Region: euw1, Accounts: 2}}).Shards[0]
	late := workloads[3] // untagged, not a member, in the second shard
	if first.Last >= late {
		t.Fatalf("the first shard reached %s", first.Last)
	}
	r.Changes(ctx, []event.Change{w.put(late, euw1, "new", on)})
	if w.status(late, euw1) != plan.StatusEnabled {
		t.Fatal("the event did not enrol the account")
	}
	w.untag(late, euw1, "new")
	res := r.Batch(ctx, nil, []event.Shard{first.Next})
	acted := func(k plan.Kind) bool {
		return slices.ContainsFunc(res.Plan.Actions, func(a plan.Action) bool { return a.Kind == k && a.Account == late })
	}
	if acted(plan.CreateMember) || !acted(plan.PauseMember) {
		t.Fatalf("the second shard planned %v from the listing before the event, want the account paused", kinds(res.Plan))
	}
}

func TestAShardThatCannotListDoesNotStart(t *testing.T) {
	for _, op := range []string{"ListAccounts", "ListMembers"} {
		w, _ := shardedWorld(t, 3)
		r := newReconciler(w)
		w.fail[op] = errors.New("throttled")
		res := r.Batch(context.Background(), nil, []event.Shard{{Sweep: sweepAt, Region: euw1, Accounts: 5}})
		if sr := res.Shards[0]; sr.Err == nil || sr.Pairs != 0 || res.Units != 0 {
			t.Errorf("%s failing: shard %+v, %d pairs looked at; want it not started", op, sr, res.Units)
		}
	}
}

func TestAShardOfARegionNoLongerManagedEndsItsSweep(t *testing.T) {
	w, _ := shardedWorld(t, 3)
	r := newReconciler(w)
	res := r.Batch(context.Background(), nil, []event.Shard{{Sweep: sweepAt, Region: "ap-south-1", Accounts: 5}})
	if sr := res.Shards[0]; !sr.End || sr.Err != nil || res.Units != 0 || len(res.Plan.Warnings) != 1 {
		t.Fatalf("shard %+v, %d pairs, warnings %v", sr, res.Units, res.Plan.Warnings)
	}
}

// A pair named by an event and by a shard of the same batch runs once, and the world fails the
// test when any pair is worked on twice at once.
func TestAPairOfAnEventAndAShardRunsOnce(t *testing.T) {
	w, workloads := shardedWorld(t, 6)
	r := newReconciler(w)
	var changes []event.Change
	for _, a := range workloads {
		changes = append(changes, w.put(a, euw1, "e-"+a, on))
	}
	w.resetCalls()
	res := r.Batch(context.Background(), changes, []event.Shard{
		{Sweep: sweepAt, Region: euw1, Accounts: 4}, {Sweep: sweepAt, Region: euw1, Accounts: 4}})
	if res.Units != len(workloads) || w.calls["CreateMember"] != len(workloads) {
		t.Fatalf("%d pairs looked at, %d CreateMember; want each of the %d pairs once", res.Units, w.calls["CreateMember"], len(workloads))
	}
	if w.calls["GetMember"] != len(workloads) {
		t.Errorf("%d GetMember: the events' pairs keep their own fresh read", w.calls["GetMember"])
	}
}

// The first shard of a Region checks its job and publication, as a full reconcile does first;
// the others do not.
func TestTheFirstShardChecksTheRegion(t *testing.T) {
	w, _ := shardedWorld(t, 4)
	r := newReconciler(w)
	r.ShardAccounts = 2
	first := r.Batch(context.Background(), nil, []event.Shard{{Sweep: sweepAt, Region: use1, Accounts: 2}})
	if !slices.Contains(kinds(first.Plan), plan.CreateJob) {
		t.Fatalf("the first shard of us-east-1 planned %v, want its job created", kinds(first.Plan))
	}
	calls := w.calls["ListClassificationJobs"]
	r.Batch(context.Background(), nil, []event.Shard{first.Shards[0].Next})
	if w.calls["ListClassificationJobs"] != calls {
		t.Errorf("a later shard checked the Region's jobs again")
	}
}

// shardedCoverage is a world with Macie's coverage side, deployed (the daily jobs, publication),
// the accounts with a tagged bucket enabled, with automated discovery on, and the inventory
// refreshed.
func shardedCoverage(t *testing.T) (*world, *coverageWorld, *Reconciler, []string) {
	w, workloads := shardedWorld(t, 9)
	c := newCoverageWorld(w)
	r := coverageReconciler(w, c)
	r.ShardAccounts = 2
	c.discovery = plan.DiscoveryState{Status: plan.DiscoveryEnabled, AutoEnable: "ALL"}
	for _, a := range want2(workloads) {
		w.members[euw1+"/"+a] = plan.StatusEnabled
		c.accounts[a] = plan.DiscoveryEnabled
	}
	w.put(admin, euw1, "admin-pii", on)
	w.put(workloads[6], euw1, "second", on)
	for _, region := range r.Regions {
		w.jobs = append(w.jobs, plan.Job{ID: region + "/" + r.Rules.Job.Name, Name: r.Rules.Job.Name, Status: plan.JobIdle})
		w.publish[region] = true
	}
	c.refresh(r.Rules.Policy)
	return w, c, r, workloads
}

// TestShardedSweepBackfillsLikeAFullOne runs a full reconcile and a sharded sweep on two equal
// worlds whose inventory is a day old: one bucket was untagged since, one tagged bucket belongs
// to a member paused since, one account enabled in between has its bucket not yet inventoried.
// Both create the same backfill job and turn automated discovery off for the same accounts.
func TestShardedSweepBackfillsLikeAFullOne(t *testing.T) {
	plans := map[string][]plan.Action{}
	for _, mode := range []string{"full", "sharded"} {
		w, _, r, workloads := shardedCoverage(t)
		w.untag(workloads[2], euw1, "b-"+workloads[2])       // the inventory still shows it tagged
		w.untag(workloads[6], euw1, "second")                // ... and this one, of an enabled member
		w.members[euw1+"/"+workloads[4]] = plan.StatusPaused // ... and this member's bucket
		w.untag(workloads[4], euw1, "b-"+workloads[4])
		w.put(workloads[1], euw1, "late", on) // not yet in the inventory
		w.resetCalls()
		switch mode {
		case "full":
			res := r.Full(context.Background())
			plans[mode] = coverageActions(res.Plan)
		default:
			var acts []plan.Action
			for _, res := range chain(t, r, sweepAt) {
				if len(res.Coverage.Failures) != 0 {
					t.Fatalf("coverage failures %v", res.Coverage.Failures)
				}
				acts = append(acts, coverageActions(res.Plan)...)
				acts = append(acts, coverageActions(res.Coverage.Plan)...)
			}
			plans[mode] = acts
			// Of the accounts the last shard did not read, the enabled ones' inventoried buckets
			// whose backfill would be pending: the first account's and the seventh's two (the
			// third account was paused by its shard, the fifth is paused).
			if got := w.calls["GetBucketTagging"]; got != 3 {
				t.Errorf("%d fresh tag reads at the coverage step, want 3", got)
			}
		}
	}
	full, sharded := plans["full"], plans["sharded"]
	if len(full) == 0 || !slices.ContainsFunc(full, func(a plan.Action) bool { return a.Kind == plan.CreateBackfillJob }) {
		t.Fatalf("the full reconcile planned no backfill: %v", full)
	}
	if fmt.Sprint(describeCoverage(full)) != fmt.Sprint(describeCoverage(sharded)) {
		t.Fatalf("coverage actions differ:\nfull    %v\nsharded %v", describeCoverage(full), describeCoverage(sharded))
	}
}

func coverageActions(p plan.Plan) []plan.Action {
	var out []plan.Action
	for _, a := range p.Actions {
		if a.Kind == plan.CreateBackfillJob || a.Kind == plan.DisableDiscovery {
			out = append(out, a)
		}
	}
	return out
}

func describeCoverage(acts []plan.Action) []string {
	var out []string
	for _, a := range acts {
		switch a.Kind {
		case plan.CreateBackfillJob:
			out = append(out, fmt.Sprintf("%s %s %v before %s", a.Kind, a.Region, a.Backfill.Buckets, a.Backfill.ModifiedBefore))
		default:
			out = append(out, fmt.Sprintf("%s %s %s", a.Kind, a.Region, strings.Join(a.Accounts, ",")))
		}
	}
	slices.Sort(out)
	return out
}

// A job names at most MaxBackfillBuckets buckets: the coverage step of a shard reads no more
// candidates than it can put in the job.
func TestShardCoverageReadsNoMoreCandidatesThanAJobTakes(t *testing.T) {
	w, c, r, workloads := shardedCoverage(t)
	for i := range plan.MaxBackfillBuckets + 100 {
		w.put(workloads[0], euw1, fmt.Sprintf("many-%04d", i), on)
	}
	c.refresh(r.Rules.Policy)
	w.resetCalls()
	var jobs []plan.Action
	for _, res := range chain(t, r, sweepAt) {
		jobs = append(jobs, backfillActions(res.Coverage.Plan)...)
	}
	if got := w.calls["GetBucketTagging"]; got > plan.MaxBackfillBuckets {
		t.Errorf("%d fresh tag reads, more than a job takes (%d)", got, plan.MaxBackfillBuckets)
	}
	if len(jobs) != 1 || len(jobs[0].Backfill.Buckets) != plan.MaxBackfillBuckets {
		t.Fatalf("backfill jobs %d, want one of %d buckets", len(jobs), plan.MaxBackfillBuckets)
	}
}
