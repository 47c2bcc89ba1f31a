package convergence

import (
	"context"
	"fmt"
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

// step kinds with their weights.
var steps = []struct {
	weight int
	do     func(*runner, context.Context)
}{
	{30, (*runner).tag},
	{10, (*runner).untag},
	{12, (*runner).create},
	{8, (*runner).remove},
	{25, (*runner).deliverRandom},
	{4, func(r *runner, _ context.Context) { r.drop() }},
	{8, func(r *runner, _ context.Context) { r.fault() }},
	{2, (*runner).sweep},
}

// sequence runs the random steps; time passes between them.
func (r *runner) sequence(ctx context.Context) {
	total := 0
	for _, s := range steps {
		total += s.weight
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
	r.tally(r.eng.Full(ctx))
}

// finish clears the faults, delivers everything still queued, runs one full reconcile and checks
// the outcome; a second full reconcile must then find nothing to do.
func (r *runner) finish(ctx context.Context) {
	for op := range r.faulted {
		r.sb.SetFault(op, sandbox.Fault{})
	}
	r.flaky.setRate(0)
	for len(r.q.pending) > 0 && ctx.Err() == nil {
		r.clk.Advance(30 * time.Second) // the visibility timeout of the retried messages
		r.deliverRandom(ctx)
	}
	r.rep.DeadLettered = len(r.q.dead)
	r.rep.Timeouts = r.flaky.count()
	full := r.eng.Full(ctx)
	for _, f := range full.Failures {
		r.rep.Divergences = append(r.rep.Divergences, "final full reconcile failed: "+f.Err.Error())
	}
	r.checkCalls()
	if r.rep.PermanentFailures > 0 {
		r.rep.Divergences = append(r.rep.Divergences, fmt.Sprintf(
			"%d pairs failed for good although every injected fault is transient (their messages were not retried): %q",
			r.rep.PermanentFailures, r.rep.PermanentErrors))
	}
	r.rep.Divergences = append(r.rep.Divergences, diverge(r.org, readFinal(r.sb, r.org), r.sb)...)
	again := r.eng.Full(ctx)
	if onlyBackfills(again.Plan.Actions) && createdJobs(full.Plan.Actions) {
		// A Region's backfill waits for the sweep after the one that created its daily job
		// (one CreateClassificationJob per Region per sweep): a third sweep must find nothing.
		again = r.eng.Full(ctx)
	}
	if len(again.Plan.Actions) > 0 || len(again.Failures) > 0 {
		r.rep.Divergences = append(r.rep.Divergences, "a second full reconcile still has work: "+describe(again.Plan.Actions))
	}
}

func onlyBackfills(acts []plan.Action) bool {
	return len(acts) > 0 && !slices.ContainsFunc(acts, func(a plan.Action) bool { return a.Kind != plan.CreateBackfillJob })
}

func createdJobs(acts []plan.Action) bool {
	return slices.ContainsFunc(acts, func(a plan.Action) bool { return a.Kind == plan.CreateJob })
}

// describe lists actions briefly, for a failure message.
func describe(acts []plan.Action) string {
	var parts []string
	for _, a := range acts {
		parts = append(parts, string(a.Kind)+" "+a.Account+" "+a.Region)
	}
	return strings.Join(parts, ", ")
}
