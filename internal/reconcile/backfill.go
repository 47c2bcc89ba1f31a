package reconcile

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/bounded"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// CoverageReader reads what the backfill and the automated discovery policy decide on, in the
// administrator account.
type CoverageReader interface {
	// BackfillJobs lists the managed backfill jobs of a Region, any status, with their buckets.
	BackfillJobs(ctx context.Context, region string) ([]plan.BackfillJob, error)
	// DailyRun reads the creation and last run of a classification job.
	DailyRun(ctx context.Context, region, jobID string) (plan.DailyRun, error)
	// Inventoried lists the buckets Macie's inventory shows with the policy's tag.
	Inventoried(ctx context.Context, region string, p tagpolicy.Policy) ([]plan.InventoryBucket, error)
	// DiscoveryConfig reads the organization's automated discovery configuration of a Region.
	DiscoveryConfig(ctx context.Context, region string) (plan.DiscoveryState, error)
	// DiscoveryAccounts reads every account's automated discovery status in a Region.
	DiscoveryAccounts(ctx context.Context, region string) (map[string]string, error)
}

// observed records what a unit read of its pair, for the coverage step of a full reconcile: its
// status and its buckets in scope, all the step looks at (a sweep of 10,000 accounts in 17
// Regions reads 170,000 pairs, most of whose buckets are out of scope). Nothing is recorded
// without a coverage step.
func (r *Reconciler) observed(c *collector, m plan.Member) {
	if r.Coverage == nil {
		return
	}
	m.Email = ""
	m.Buckets = slices.DeleteFunc(slices.Clone(m.Buckets), func(b plan.Bucket) bool { return !r.Rules.Policy.InScope(b.Tags) })
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members = append(c.members, m)
}

// regionView is what the coverage step of a Region knows of its pairs.
type regionView struct {
	// read are the pairs of the Region the run read, with their buckets: every pair in a full
	// reconcile.
	read []plan.Member
	// unread are, in a sharded sweep, the Region's pairs that the run did not read (the sweep's
	// earlier steps did), with their member statuses: for those, Macie's inventory of tagged
	// buckets, confirmed by fresh reads, stands for the pairs' reads (inventoryScope).
	unread []plan.Member
	// acted are the actions the run planned.
	acted []plan.Action
}

// members are the pairs the view knows, read or not.
func (v regionView) members() []plan.Member { return append(slices.Clone(v.read), v.unread...) }

// readView is the view of a Region as c's run read it.
func (c *collector) readView(region string) regionView {
	c.mu.Lock()
	defer c.mu.Unlock()
	var v regionView
	for _, m := range c.members {
		if m.Region == region {
			v.read = append(v.read, m)
		}
	}
	v.acted = slices.Clone(c.res.Plan.Actions)
	return v
}

// coverage runs, after the pairs of one Region, the Region's backfill and automated discovery
// policy on what the view says of its pairs, into c.
func (r *Reconciler) coverage(ctx context.Context, region string, v regionView, c *collector) {
	if r.Coverage == nil || ctx.Err() != nil {
		return
	}
	p := r.coveragePlan(ctx, region, v, c)
	rep := r.apply(ctx, p)
	c.add(p, rep, failureOf(Unit{Region: region}, rep))
}

// PlanCoverage returns the backfill and automated discovery actions a full reconcile would take
// after the plan p built from snap, reading Macie and changing nothing, with what could not be
// read.
func (r *Reconciler) PlanCoverage(ctx context.Context, snap Snapshot, p plan.Plan) (plan.Plan, []Failure) {
	c := &collector{}
	if r.Coverage == nil {
		return plan.Plan{}, nil
	}
	var out plan.Plan
	for _, rs := range snap.Regions {
		cp := r.coveragePlan(ctx, rs.Region, regionView{read: snap.Members, acted: p.Actions}, c)
		var here []plan.Action
		for _, a := range p.Actions {
			if a.Region == rs.Region {
				here = append(here, a)
			}
		}
		cp.Actions = append(cp.Actions, r.enrolDiscovery(ctx, rs.Region, here)...)
		out.Actions, out.Warnings = append(out.Actions, cp.Actions...), append(out.Warnings, cp.Warnings...)
	}
	return out, c.result().Failures
}

// coveragePlan is the backfill and automated discovery plan of one Region after the actions the
// view's run planned; what cannot be read is recorded in c.
func (r *Reconciler) coveragePlan(ctx context.Context, region string, v regionView, c *collector) plan.Plan {
	var p plan.Plan
	if r.Rules.Backfill && !createsJob(v.acted, region) {
		a, w, err := r.backfillActions(ctx, region, v, c)
		if err != nil {
			r.fail(ctx, c, Unit{Region: region}, err)
		}
		p.Actions, p.Warnings = a, w
	}
	a, err := r.discoveryActions(ctx, region, enabledAccounts(v.members(), v.acted, region))
	if err != nil {
		r.fail(ctx, c, Unit{Region: region}, err)
	}
	p.Actions = append(p.Actions, a...)
	return p
}

// createsJob reports whether the actions create the daily job of a Region: its backfill waits
// for the next sweep, after the job exists (one CreateClassificationJob per Region per sweep).
func createsJob(acts []plan.Action, region string) bool {
	return slices.ContainsFunc(acts, func(a plan.Action) bool { return a.Kind == plan.CreateJob && a.Region == region })
}

// backfillActions reads a Region's coverage and applies the backfill rules.
func (r *Reconciler) backfillActions(ctx context.Context, region string, v regionView, c *collector) ([]plan.Action, []plan.Warning, error) {
	cs, err := r.coverageState(ctx, region, v, c)
	if err != nil {
		return nil, nil, err
	}
	acts, warns := plan.BackfillActions(r.Rules, cs, r.now())
	for _, a := range acts {
		r.log().LogAttrs(ctx, slog.LevelInfo, "backfill", slog.String("region", region), slog.String("action", string(a.Kind)),
			slog.Int("buckets", len(a.Backfill.Buckets)), slog.Int("accounts", a.Backfill.Accounts()), slog.String("job", a.Backfill.Name))
	}
	return acts, warns, nil
}

// coverageState reads what the backfill rules of a Region need: the active daily job's runs, the
// backfill jobs, Macie's tagged inventory; the buckets in scope come from the pairs' reads, a
// read of the administrator's own tagged buckets (one Tagging API call per 100) and, for the
// pairs the view did not read, the inventory confirmed by fresh reads (candidate reads that fail
// are recorded in c).
func (r *Reconciler) coverageState(ctx context.Context, region string, v regionView, c *collector) (plan.CoverageState, error) {
	cs := plan.CoverageState{Region: region}
	jobs, err := r.Macie.ManagedJobs(ctx, region)
	if err != nil {
		return cs, fmt.Errorf("listing managed jobs in %s: %w", region, err)
	}
	i := slices.IndexFunc(jobs, func(j plan.Job) bool {
		return j.Name == r.Rules.Job.Name && j.Status != plan.JobCancelled && j.Status != plan.JobComplete
	})
	if i < 0 {
		return cs, nil
	}
	daily, err := r.Coverage.DailyRun(ctx, region, jobs[i].ID)
	if err != nil {
		return cs, fmt.Errorf("reading the daily job's runs in %s: %w", region, err)
	}
	cs.Daily = &daily
	if cs.Backfills, err = r.Coverage.BackfillJobs(ctx, region); err != nil {
		return cs, fmt.Errorf("reading backfill jobs in %s: %w", region, err)
	}
	if cs.Inventoried, err = r.Coverage.Inventoried(ctx, region, r.Rules.Policy); err != nil {
		return cs, fmt.Errorf("reading Macie's inventory in %s: %w", region, err)
	}
	own, err := r.Buckets.TaggedBuckets(ctx, r.Rules.Admin, region)
	if err != nil {
		return cs, fmt.Errorf("listing the administrator's tagged buckets in %s: %w", region, err)
	}
	read := append(slices.Clone(v.read), plan.Member{Account: r.Rules.Admin, Region: region, Buckets: own})
	cs.InScope = r.inScope(region, read)
	cs.InScope = append(cs.InScope, r.inventoryScope(ctx, cs, v.unread, c)...)
	return cs, nil
}

// inScope lists the buckets in scope of a Region by the reads of the pairs and of the
// administrator's own buckets.
func (r *Reconciler) inScope(region string, members []plan.Member) []plan.BucketRef {
	var out []plan.BucketRef
	for _, m := range members {
		if m.Region != region || r.Rules.Excluded[m.Account] {
			continue
		}
		for _, b := range m.Buckets {
			if r.Rules.Policy.InScope(b.Tags) {
				out = append(out, plan.BucketRef{Account: m.Account, Name: b.Name})
			}
		}
	}
	return out
}

// inventoryScope returns the buckets in scope of the pairs a run did not read that the backfill
// rules act on: of the Enabled members among them, the buckets Macie's inventory shows with the
// tag whose backfill would be pending or given up, each confirmed by a fresh read of its tags
// (the inventory is refreshed about daily, so a bucket it shows tagged may be untagged now). They
// are read in the order a backfill job takes them, only until a job would be full
// (MaxBackfillBuckets pending, counting those of the read pairs): the rest wait for a later
// sweep, as they would in a full reconcile. A candidate whose read fails is recorded in c and left
// to the next sweep, as a pair that fails in a full reconcile leaves its buckets out.
func (r *Reconciler) inventoryScope(ctx context.Context, cs plan.CoverageState, unread []plan.Member, c *collector) []plan.BucketRef {
	enabled := map[string]bool{}
	for _, m := range unread {
		if m.Region == cs.Region && m.Status == plan.StatusEnabled && !r.Rules.Excluded[m.Account] {
			enabled[m.Account] = true
		}
	}
	candidates := plan.CoverageState{Region: cs.Region, Backfills: cs.Backfills, Inventoried: cs.Inventoried}
	for _, b := range cs.Inventoried {
		if enabled[b.Account] {
			candidates.InScope = append(candidates.InScope, b.BucketRef)
		}
	}
	todo := slices.DeleteFunc(plan.BackfillStates(candidates), func(st plan.BucketBackfill) bool {
		return st.State != plan.BackfillPending && st.State != plan.BackfillGaveUp
	})
	pending := countState(plan.BackfillStates(cs), plan.BackfillPending)
	var out []plan.BucketRef
	for len(todo) > 0 && pending < plan.MaxBackfillBuckets && ctx.Err() == nil {
		n := min(len(todo), plan.MaxBackfillBuckets-pending)
		confirmed := r.confirm(ctx, cs.Region, todo[:n], c)
		for _, st := range confirmed {
			out = append(out, st.BucketRef)
		}
		pending += countState(confirmed, plan.BackfillPending)
		todo = todo[n:]
	}
	return out
}

// confirm reads the tags of each bucket, bounded, and returns those in scope.
func (r *Reconciler) confirm(ctx context.Context, region string, buckets []plan.BucketBackfill, c *collector) []plan.BucketBackfill {
	in := make([]bool, len(buckets))
	bounded.ForEach(ctx, cmp.Or(r.Concurrency, 16), indexes(len(buckets)), func(ctx context.Context, i int) {
		b := buckets[i]
		got, ok, err := r.Buckets.Bucket(ctx, b.Account, region, b.Name)
		if err != nil {
			r.fail(ctx, c, Unit{Account: b.Account, Region: region}, fmt.Errorf("reading bucket %s of %s for its backfill: %w", b.Name, b.Account, err))
			return
		}
		in[i] = ok && r.Rules.Policy.InScope(got.Tags)
	})
	var out []plan.BucketBackfill
	for i, b := range buckets {
		if in[i] {
			out = append(out, b)
		}
	}
	return out
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func countState(states []plan.BucketBackfill, state string) int {
	n := 0
	for _, st := range states {
		if st.State == state {
			n++
		}
	}
	return n
}

// BackfillStates reads each Region of a snapshot and returns the backfill state of every bucket
// in scope there, and what could not be read. A Region without an active daily job has none.
func (r *Reconciler) BackfillStates(ctx context.Context, snap Snapshot) ([]plan.BucketBackfill, []Failure) {
	c := &collector{}
	var out []plan.BucketBackfill
	if r.Coverage == nil {
		return nil, nil
	}
	for _, rs := range snap.Regions {
		cs, err := r.coverageState(ctx, rs.Region, regionView{read: snap.Members}, c)
		if err != nil {
			r.fail(ctx, c, Unit{Region: rs.Region}, err)
			continue
		}
		for _, st := range plan.BackfillStates(cs) {
			st.Region = rs.Region
			out = append(out, st)
		}
	}
	return out, c.result().Failures
}
