package convergence

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// engineOps are the operations the engine calls, where faults are injected.
var engineOps = []string{
	"s3:GetBucketTagging", "tagging:GetResources", "sts:AssumeRole",
	"organizations:ListAccounts", "organizations:DescribeAccount",
	"macie2:GetMember", "macie2:ListMembers", "macie2:CreateMember", "macie2:UpdateMemberSession",
	"macie2:ListClassificationJobs", "macie2:CreateClassificationJob", "macie2:UpdateClassificationJob",
	"macie2:GetFindingsPublicationConfiguration", "macie2:PutFindingsPublicationConfiguration",
}

// step kinds with their weights; only those marked events run in the events-only mode.
var steps = []struct {
	weight int
	events bool
	do     func(*runner, context.Context)
}{
	{30, true, (*runner).tag},
	{10, true, (*runner).untag},
	{6, true, (*runner).flipFlop},
	{12, true, (*runner).create},
	{8, true, (*runner).remove},
	{10, true, (*runner).put},
	{25, true, (*runner).deliverRandom},
	{4, false, func(r *runner, _ context.Context) { r.drop() }},
	{8, false, func(r *runner, _ context.Context) { r.fault() }},
	{2, false, (*runner).sweep},
}

// sequence fills some of the buckets that exist, then runs the random steps of the mode; time
// passes between them.
func (r *runner) sequence(ctx context.Context) {
	r.fill(ctx)
	total := 0
	for _, s := range steps {
		if s.events || !r.opts.EventsOnly {
			total += s.weight
		}
	}
	n := 1 + r.rng.IntN(max(1, r.opts.MaxSteps))
	for range n {
		if ctx.Err() != nil {
			return
		}
		r.rep.Steps++
		r.clk.Advance(time.Duration(r.rng.IntN(3000)) * time.Millisecond)
		w := r.rng.IntN(total)
		for _, s := range steps {
			if !s.events && r.opts.EventsOnly {
				continue
			}
			if w -= s.weight; w < 0 {
				s.do(r, ctx)
				break
			}
		}
		r.enqueue()
	}
}

// owner picks who owns a new bucket: mostly workload accounts, sometimes the administrator or an
// account outside the organization.
func (r *runner) owner() owned {
	region := allRegions[r.rng.IntN(len(allRegions))]
	switch x := r.rng.IntN(20); {
	case x == 0:
		return owned{adminAccount, region}
	case x == 1 && len(r.org.Outsiders) > 0:
		return owned{r.org.Outsiders[r.rng.IntN(len(r.org.Outsiders))], region}
	}
	return owned{r.org.Workloads[r.rng.IntN(len(r.org.Workloads))], region}
}

func (r *runner) tag(ctx context.Context) {
	if name, o, ok := r.team.pick(r.rng.IntN); ok {
		r.rep.TeamCalls++
		_ = r.team.putTags(ctx, name, o, tagPalette[r.rng.IntN(len(tagPalette))]) // a failed call changes nothing
	}
}

// flipFlop changes one bucket's tags two to four times within one second, as a script or an
// infrastructure tool that untags and retags does: CloudTrail gives the events one time.
func (r *runner) flipFlop(ctx context.Context) {
	name, o, ok := r.team.pick(r.rng.IntN)
	if !ok {
		return
	}
	for i := range 2 + r.rng.IntN(3) {
		r.rep.TeamCalls++
		if (i+r.rng.IntN(2))%2 == 0 {
			_ = r.team.untag(ctx, name, o)
			continue
		}
		_ = r.team.putTags(ctx, name, o, tagPalette[r.rng.IntN(2)]) // both in scope
	}
}

func (r *runner) untag(ctx context.Context) {
	if name, o, ok := r.team.pick(r.rng.IntN); ok {
		r.rep.TeamCalls++
		_ = r.team.untag(ctx, name, o)
	}
}

// create creates a bucket and, mostly, tags it right away.
func (r *runner) create(ctx context.Context) {
	o := r.owner()
	r.rep.TeamCalls++
	name, err := r.team.create(ctx, o)
	if err == nil && r.rng.IntN(3) > 0 {
		r.rep.TeamCalls++
		_ = r.team.putTags(ctx, name, o, tagPalette[r.rng.IntN(len(tagPalette))])
	}
}

// fill puts an object into about a third of the buckets that exist before the first step, most
// of them untagged or tagged out of scope: objects from before a bucket enters scope are the
// backfill's to analyse.
func (r *runner) fill(ctx context.Context) {
	for _, name := range slices.Sorted(maps.Keys(r.team.buckets)) {
		if r.rng.IntN(3) == 0 {
			r.putInto(ctx, name, r.team.buckets[name])
		}
	}
}

// put puts an object into a bucket.
func (r *runner) put(ctx context.Context) {
	if name, o, ok := r.team.pick(r.rng.IntN); ok {
		r.putInto(ctx, name, o)
	}
}

// putInto puts an object into a bucket, under one of a few keys: a key used before replaces
// its object, a change the daily job must analyse again.
func (r *runner) putInto(ctx context.Context, name string, o owned) {
	r.rep.TeamCalls++
	_ = r.team.putObject(ctx, name, o, fmt.Sprintf("report-%d.txt", r.rng.IntN(4))) // a failed call changes nothing
}

func (r *runner) remove(ctx context.Context) {
	if name, o, ok := r.team.pick(r.rng.IntN); ok {
		r.rep.TeamCalls++
		_ = r.team.delete(ctx, name, o)
	}
}

// fault sets or clears a fault: throttling or a 500 on one engine operation, or timeouts on
// every engine call, at a random rate up to MaxFaultRate.
func (r *runner) fault() {
	rate := r.rng.Float64() * r.opts.MaxFaultRate
	switch x := r.rng.IntN(10); {
	case x < 2:
		r.flaky.setRate(rate)
	case x < 4:
		op := engineOps[r.rng.IntN(len(engineOps))]
		r.sb.SetFault(op, sandbox.Fault{})
		delete(r.faulted, op)
	default:
		op := engineOps[r.rng.IntN(len(engineOps))]
		kind := []string{sandbox.FaultThrottle, sandbox.FaultInternal}[r.rng.IntN(2)]
		r.sb.SetFault(op, sandbox.Fault{Error: kind, Rate: rate, Seed: int64(r.rng.Uint64() | 1)})
		r.faulted[op] = true
	}
}

// sweep runs the scheduled full reconcile, under whatever faults are on.
func (r *runner) sweep(ctx context.Context) {
	r.rep.Sweeps++
	r.tally(r.scheduledSweep(ctx))
}

// finish clears the faults, delivers everything still queued, runs one full reconcile and checks
// the outcome; a second full reconcile must then find nothing to do. In the events-only mode no
// full reconcile runs before the check: the events alone must have converged.
func (r *runner) finish(ctx context.Context) {
	for op := range r.faulted {
		r.sb.SetFault(op, sandbox.Fault{})
	}
	r.flaky.setRate(0)
	r.drain(ctx)
	r.rep.DeadLettered = len(r.q.dead)
	r.rep.Timeouts = r.flaky.count()
	// Events never create backfill jobs, so a first sweep may; so may the sweep after the one
	// that created a daily job.
	backfillsDue := r.opts.EventsOnly
	if r.opts.EventsOnly {
		r.checkEventsOnly()
	} else {
		full := r.finalSweep(ctx)
		backfillsDue = createdJobs(full.Plan.Actions)
		for _, f := range full.Failures {
			r.rep.Divergences = append(r.rep.Divergences, "final full reconcile failed: "+f.Err.Error())
		}
	}
	r.checkCalls()
	if r.rep.PermanentFailures > 0 {
		r.rep.Divergences = append(r.rep.Divergences, fmt.Sprintf(
			"%d pairs failed for good although every injected fault is transient (their messages were not retried): %q",
			r.rep.PermanentFailures, r.rep.PermanentErrors))
	}
	r.rep.Divergences = append(r.rep.Divergences, diverge(r.org, readFinal(r.sb, r.org), r.sb)...)
	again := r.eng.Full(ctx)
	if onlyBackfills(again.Plan.Actions) && backfillsDue {
		again = r.eng.Full(ctx) // then one more sweep must find nothing
	}
	if len(again.Plan.Actions) > 0 || len(again.Failures) > 0 {
		r.rep.Divergences = append(r.rep.Divergences, "a second full reconcile still has work: "+describe(again.Plan.Actions))
	}
	var since map[string]time.Time // the full mode: every object
	if r.opts.EventsOnly {
		since = dailyRuns(r.sb, r.org.Managed)
	}
	r.quiet(ctx)
	r.rep.Divergences = append(r.rep.Divergences, divergeCoverage(r.org, readFinal(r.sb, r.org), r.team.scoped, since)...)
}

// The quiet period that ends every sequence, before the coverage property is checked (oracle.go):
// no team changes anything, Macie refreshes its inventory and runs its jobs, and the scheduled
// sweep runs. Three days are three inventory refreshes and three runs of the daily job: a bucket
// tagged at the end is inventoried by the first refresh, backfilled by the sweep after it, and
// its objects changed since the daily job's last run are analysed by the run after that.
const (
	quietPeriod = 72 * time.Hour
	// quietSweepEvery is the schedule of the sweep in the quiet period: rate(1 day), a schedule
	// the central stack's ScheduleExpression accepts (its default, rate(6 hours), sweeps four
	// times as often). It is the harder case, as a backfill waits for the first sweep after the
	// refresh, and it keeps the suite's run time: each sweep reads every pair again.
	quietSweepEvery = 24 * time.Hour
)

// quiet lets the quiet period pass from one due moment to the next: Macie's (inventory
// refreshes, job runs, daily cycles) and, except in the events-only mode, the sweep's, which
// first runs a day after the sequence. Nothing is injected any more, so a sweep that fails is a
// divergence.
func (r *runner) quiet(ctx context.Context) {
	end := r.clk.Now().Add(quietPeriod)
	sweep := r.clk.Now().Add(quietSweepEvery)
	for ctx.Err() == nil {
		sweeping := !r.opts.EventsOnly && sweep.Before(end)
		at := end
		if sweeping {
			at = sweep
		}
		if due, _ := r.sb.Macie().NextDue(); due.After(r.clk.Now()) && due.Before(at) {
			at, sweeping = due, false
		}
		r.clk.Set(at)
		r.sb.Macie().RunDue()
		if sweeping {
			for _, f := range r.eng.Full(ctx).Failures {
				r.rep.Divergences = append(r.rep.Divergences, "a sweep of the quiet period failed: "+f.Err.Error())
			}
			sweep = sweep.Add(quietSweepEvery)
		}
		if !at.Before(end) {
			return
		}
	}
}

func onlyBackfills(acts []plan.Action) bool {
	return len(acts) > 0 && !slices.ContainsFunc(acts, func(a plan.Action) bool { return a.Kind != plan.CreateBackfillJob })
}

func createdJobs(acts []plan.Action) bool {
	return slices.ContainsFunc(acts, func(a plan.Action) bool { return a.Kind == plan.CreateJob })
}

// drain delivers every queued message, letting at least 30 seconds pass between batches, and
// more when no message is visible sooner.
func (r *runner) drain(ctx context.Context) {
	for len(r.q.pending) > 0 && ctx.Err() == nil {
		r.clk.Advance(max(30*time.Second, r.q.nextVisible().Sub(r.clk.Now())))
		r.deliverRandom(ctx)
	}
}

// checkEventsOnly fails an events-only sequence in which a message was dead-lettered: with no
// drops, no faults and no sweep, every event must have been handled.
func (r *runner) checkEventsOnly() {
	if n := len(r.q.dead); n > 0 {
		r.rep.Divergences = append(r.rep.Divergences, fmt.Sprintf("%d messages dead-lettered with no fault injected", n))
	}
	if r.rep.RetryableFailures > 0 {
		r.rep.Divergences = append(r.rep.Divergences, fmt.Sprintf("%d pairs failed with no fault injected", r.rep.RetryableFailures))
	}
}

// describe lists actions briefly, for a failure message.
func describe(acts []plan.Action) string {
	var parts []string
	for _, a := range acts {
		parts = append(parts, string(a.Kind)+" "+a.Account+" "+a.Region)
	}
	return strings.Join(parts, ", ")
}
