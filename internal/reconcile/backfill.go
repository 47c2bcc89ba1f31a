package reconcile

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

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

// observed records what a unit read of its pair, for the coverage step of a full reconcile.
func (c *collector) observed(m plan.Member) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members = append(c.members, m)
}

// coverage runs, after the pairs of one Region of a full reconcile, the Region's backfill and
// automated discovery policy on what its pairs read.
func (r *Reconciler) coverage(ctx context.Context, region string, c *collector) {
	if r.Coverage == nil || ctx.Err() != nil {
		return
	}
	c.mu.Lock()
	var members []plan.Member
	for _, m := range c.members {
		if m.Region == region {
			members = append(members, m)
		}
	}
	acted := slices.Clone(c.res.Plan.Actions)
	c.mu.Unlock()
	p := r.coveragePlan(ctx, region, members, acted, c)
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
		cp := r.coveragePlan(ctx, rs.Region, snap.Members, p.Actions, c)
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

// coveragePlan is the backfill and automated discovery plan of one Region after the actions
// acted; what cannot be read is recorded in c.
func (r *Reconciler) coveragePlan(ctx context.Context, region string, members []plan.Member, acted []plan.Action, c *collector) plan.Plan {
	var p plan.Plan
	if r.Rules.Backfill && !createsJob(acted, region) {
		a, w, err := r.backfillActions(ctx, region, members)
		if err != nil {
			r.fail(ctx, c, Unit{Region: region}, err)
		}
		p.Actions, p.Warnings = a, w
	}
	a, err := r.discoveryActions(ctx, region, enabledAccounts(members, acted, region))
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
func (r *Reconciler) backfillActions(ctx context.Context, region string, members []plan.Member) ([]plan.Action, []plan.Warning, error) {
	cs, err := r.coverageState(ctx, region, members)
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
// backfill jobs, Macie's tagged inventory; the buckets in scope come from the pairs' reads and a
// read of the administrator's own tagged buckets (one Tagging API call per 100).
func (r *Reconciler) coverageState(ctx context.Context, region string, members []plan.Member) (plan.CoverageState, error) {
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
	members = append(slices.Clone(members), plan.Member{Account: r.Rules.Admin, Region: region, Buckets: own})
	cs.InScope = r.inScope(region, members)
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

// BackfillStates reads each Region of a snapshot and returns the backfill state of every bucket
// in scope there, and what could not be read. A Region without an active daily job has none.
func (r *Reconciler) BackfillStates(ctx context.Context, snap Snapshot) ([]plan.BucketBackfill, []Failure) {
	c := &collector{}
	var out []plan.BucketBackfill
	if r.Coverage == nil {
		return nil, nil
	}
	for _, rs := range snap.Regions {
		cs, err := r.coverageState(ctx, rs.Region, snap.Members)
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
