package reconcile

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// coverageWorld is Macie's side of coverage beside a world: backfill jobs, the tagged
// inventory (what the world's tags were at the last refresh) and automated discovery.
type coverageWorld struct {
	w           *world
	mu          sync.Mutex
	backfills   map[string][]plan.BackfillJob     // region -> jobs
	inventoried map[string][]plan.InventoryBucket // region -> buckets
	discovery   plan.DiscoveryState
	accounts    map[string]string // account -> discovery status
	creates     int
	disabled    [][]string
}

func newCoverageWorld(w *world) *coverageWorld {
	return &coverageWorld{w: w, backfills: map[string][]plan.BackfillJob{}, inventoried: map[string][]plan.InventoryBucket{},
		discovery: plan.DiscoveryState{Status: plan.DiscoveryDisabled}, accounts: map[string]string{}}
}

// refresh makes the inventory show the world's tagged buckets of Enabled members and the administrator.
func (c *coverageWorld) refresh(p tagpolicy.Policy) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inventoried = map[string][]plan.InventoryBucket{}
	for account, bs := range c.w.buckets {
		for name, b := range bs {
			if p.InScope(b.tags) && (account == admin || c.w.members[b.region+"/"+account] == plan.StatusEnabled) {
				c.inventoried[b.region] = append(c.inventoried[b.region], plan.InventoryBucket{BucketRef: plan.BucketRef{Account: account, Name: name}})
			}
		}
	}
}

func (c *coverageWorld) BackfillJobs(_ context.Context, region string) ([]plan.BackfillJob, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.backfills[region]), nil
}

func (c *coverageWorld) DailyRun(_ context.Context, _, jobID string) (plan.DailyRun, error) {
	return plan.DailyRun{ID: jobID, CreatedAt: clock.Add(-72 * time.Hour), LastRunTime: clock.Add(-3 * time.Hour)}, nil
}

func (c *coverageWorld) Inventoried(_ context.Context, region string, _ tagpolicy.Policy) ([]plan.InventoryBucket, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.inventoried[region]), nil
}

func (c *coverageWorld) DiscoveryConfig(_ context.Context, region string) (plan.DiscoveryState, error) {
	ds := c.discovery
	ds.Region = region
	return ds, nil
}

func (c *coverageWorld) DiscoveryAccounts(context.Context, string) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]string{}
	for a, s := range c.accounts {
		out[a] = s
	}
	return out, nil
}

func (c *coverageWorld) CreateBackfillJob(_ context.Context, region string, spec plan.BackfillSpec) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.creates++
	c.backfills[region] = append(c.backfills[region], plan.BackfillJob{ID: spec.Name, Name: spec.Name, Status: plan.JobRunning, Buckets: spec.Buckets})
	return nil
}

func (c *coverageWorld) DisableDiscovery(_ context.Context, _ string, accounts []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disabled = append(c.disabled, accounts)
	for _, a := range accounts {
		c.accounts[a] = plan.DiscoveryDisabled
	}
	return nil
}

func coverageReconciler(w *world, c *coverageWorld) *Reconciler {
	r := newReconciler(w)
	r.Coverage = c
	r.Applier = &execute.Executor{Macie: w, Coverage: c}
	r.Rules.Backfill, r.Rules.Discovery = true, plan.DiscoveryOff
	return r
}

func backfillActions(p plan.Plan) []plan.Action {
	var out []plan.Action
	for _, a := range p.Actions {
		if a.Kind == plan.CreateBackfillJob {
			out = append(out, a)
		}
	}
	return out
}

func TestFullBackfillsInventoriedBucketsOnceAcrossAccounts(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	c := newCoverageWorld(w)
	r := coverageReconciler(w, c)
	ctx := context.Background()
	w.put(acctA, euw1, "a-pii", on)
	w.put(acctB, euw1, "b-pii", on)
	w.put(acctB, euw1, "b-new", on)
	w.put(admin, euw1, "admin-pii", on)
	c.refresh(r.Rules.Policy) // the administrator's bucket is in the inventory already

	first := r.Full(ctx)
	if got := backfillActions(first.Plan); len(got) != 0 || len(first.Failures) != 0 {
		t.Fatalf("the sweep that creates the daily job and enrols creates no backfill: %v %v", got, first.Failures)
	}
	w.mu.Lock()
	w.buckets[acctB]["b-new"] = bucket{region: euw1, tags: on}
	w.mu.Unlock()
	c.refresh(r.Rules.Policy)
	c.mu.Lock()
	c.inventoried[euw1] = slices.DeleteFunc(c.inventoried[euw1], func(b plan.InventoryBucket) bool { return b.Name == "b-new" })
	c.mu.Unlock()

	second := r.Full(ctx)
	got := backfillActions(second.Plan)
	if len(got) != 1 || c.creates != 1 || len(second.Failures) != 0 {
		t.Fatalf("want one backfill job in eu-west-1: %v, %d created, failures %v", got, c.creates, second.Failures)
	}
	want := []plan.BucketRef{{Account: admin, Name: "admin-pii"}, {Account: acctA, Name: "a-pii"}, {Account: acctB, Name: "b-pii"}}
	if fmt.Sprint(got[0].Backfill.Buckets) != fmt.Sprint(want) || got[0].Region != euw1 {
		t.Fatalf("buckets %v, want %v (b-new waits for Macie's inventory)", got[0].Backfill.Buckets, want)
	}

	third := r.Full(ctx)
	if got := backfillActions(third.Plan); len(got) != 0 || c.creates != 1 {
		t.Fatalf("what was backfilled is read back from Macie: %v", got)
	}
	c.refresh(r.Rules.Policy)
	c.mu.Lock()
	c.backfills[euw1][0].Status = plan.JobCancelled
	c.mu.Unlock()
	fourth := backfillActions(r.Full(ctx).Plan)
	if len(fourth) != 1 || len(fourth[0].Backfill.Buckets) != 4 {
		t.Fatalf("a cancelled backfill is retried with the newly inventoried bucket: %v", fourth)
	}
}

func TestBackfillOffCreatesNothing(t *testing.T) {
	w := newWorld(t, admin, acctA)
	c := newCoverageWorld(w)
	r := coverageReconciler(w, c)
	r.Rules.Backfill = false
	w.put(acctA, euw1, "a-pii", on)
	r.Full(context.Background())
	c.refresh(r.Rules.Policy)
	if res := r.Full(context.Background()); len(backfillActions(res.Plan)) != 0 || c.creates != 0 {
		t.Fatalf("backfill off: %v", kinds(res.Plan))
	}
}

func TestDiscoveryOffOnEnrolmentAndInTheSweep(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB, excl)
	c := newCoverageWorld(w)
	c.discovery = plan.DiscoveryState{Status: plan.DiscoveryEnabled, AutoEnable: "ALL"}
	r := coverageReconciler(w, c)
	ctx := context.Background()

	res := r.Changes(ctx, []event.Change{w.put(acctA, euw1, "a-pii", on)})
	if len(c.disabled) != 1 || fmt.Sprint(c.disabled[0]) != "["+acctA+"]" || len(res.Failures) != 0 {
		t.Fatalf("enrolment turns discovery off for the account: %v %v", c.disabled, res.Failures)
	}
	i := slices.IndexFunc(res.Plan.Actions, func(a plan.Action) bool { return a.Kind == plan.DisableDiscovery })
	if i < 0 || res.Plan.Actions[i-1].Kind != plan.CreateMember {
		t.Fatalf("DisableDiscovery follows CreateMember: %v", kinds(res.Plan))
	}

	// Drift: someone turned it back on for A, and for the excluded account and the administrator.
	c.accounts[acctA], c.accounts[excl], c.accounts[admin] = plan.DiscoveryEnabled, plan.DiscoveryEnabled, plan.DiscoveryEnabled
	w.members[euw1+"/"+excl] = plan.StatusEnabled
	r.Full(ctx)
	if len(c.disabled) != 2 || fmt.Sprint(c.disabled[1]) != "["+acctA+"]" {
		t.Fatalf("the sweep repairs A only: %v", c.disabled)
	}

	r.Rules.Discovery = plan.DiscoveryInherit
	c.accounts[acctA] = plan.DiscoveryEnabled
	r.Changes(ctx, []event.Change{w.put(acctB, euw1, "b-pii", on)})
	r.Full(ctx)
	if len(c.disabled) != 2 {
		t.Fatalf("inherit changes nothing: %v", c.disabled)
	}
}
