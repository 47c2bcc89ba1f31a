// Package execute applies a plan through the Macie port. Dry-run is decided here and nowhere else.
//
// Applying is idempotent: an "already exists" answer counts as done, so applying the same plan
// twice changes nothing the second time. One account's failure does not stop the others.
// The executor does not retry: every call goes through the SDK's standard retryer (see
// internal/awsapi, Clients), which retries throttling and server errors with exponential backoff,
// full jitter and a retry quota that stops retrying when most calls fail. A second loop here
// would multiply the attempts per write and bypass that quota. What still fails is reported, and
// the pair is reconciled again later (the message is retried, or the next sweep comes).
package execute

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/bounded"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Outcome is what became of one action.
type Outcome string

// The outcomes.
const (
	Done    Outcome = "done"
	Skipped Outcome = "skipped"
	Failed  Outcome = "failed"
)

// Result is the outcome of one action.
type Result struct {
	Action  plan.Action `json:"action"`
	Outcome Outcome     `json:"outcome"`
	Detail  string      `json:"detail,omitempty"`
	// Err is the last error of a failed action.
	Err error `json:"-"`
}

// Report lists the outcome of every action of a plan, in plan order.
type Report struct {
	Results []Result `json:"results"`
}

// Count returns how many results have the outcome.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Failures returns the failed results.
func (r Report) Failures() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Outcome == Failed {
			out = append(out, res)
		}
	}
	return out
}

// Executor applies plans.
type Executor struct {
	Macie Macie
	// Coverage creates backfill jobs and turns automated discovery off; nil fails those actions.
	Coverage Coverage
	DryRun   bool
	Logger   *slog.Logger
	// Concurrency bounds how many accounts are changed at once (default 8).
	Concurrency int
	// Throttle, when set, is waited on before every call (a request-rate limit).
	Throttle func(context.Context) error
}

// Apply applies every action of p. Actions of one Region's job and publication run in order; the
// actions of distinct accounts run in parallel.
func (e *Executor) Apply(ctx context.Context, p plan.Plan) Report {
	results := make([]Result, len(p.Actions))
	bounded.ForEach(ctx, e.concurrency(), groupActions(p.Actions), func(ctx context.Context, idx []int) {
		for _, i := range idx {
			results[i] = e.applyOne(ctx, p.Actions[i])
		}
	})
	return Report{Results: results}
}

func (e *Executor) concurrency() int {
	if e.Concurrency <= 0 {
		return 8
	}
	return e.Concurrency
}

// groupActions returns the indexes of the actions grouped by (Region, account), in plan order.
func groupActions(acts []plan.Action) [][]int {
	pos := map[[2]string]int{}
	var groups [][]int
	for i, a := range acts {
		k := [2]string{a.Region, a.Account}
		g, ok := pos[k]
		if !ok {
			g = len(groups)
			pos[k] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

func (e *Executor) applyOne(ctx context.Context, a plan.Action) Result {
	res := Result{Action: a}
	switch {
	case e.DryRun:
		res.Outcome, res.Detail = Skipped, "dry run"
	case ctx.Err() != nil:
		res.Outcome, res.Detail, res.Err = Failed, ctx.Err().Error(), ctx.Err()
	default:
		res.Outcome, res.Detail, res.Err = classify(a, e.call(ctx, a))
	}
	e.log(ctx, res)
	return res
}

// classify turns the final error of an action into its outcome.
func classify(a plan.Action, err error) (Outcome, string, error) {
	switch {
	case err == nil:
		return Done, "", nil
	case apierr.Is(err, apierr.Conflict) && (a.Kind == plan.CreateMember || a.Kind == plan.CreateJob || a.Kind == plan.CreateBackfillJob):
		return Done, "already exists", nil
	default:
		return Failed, err.Error(), err
	}
}

func (e *Executor) call(ctx context.Context, a plan.Action) error {
	if e.Throttle != nil {
		if err := e.Throttle(ctx); err != nil {
			return err
		}
	}
	m := e.Macie
	switch a.Kind {
	case plan.CreateMember:
		return wrap(a, m.CreateMember(ctx, a.Region, a.Account, a.Email))
	case plan.ResumeMember:
		return wrap(a, m.UpdateMemberSession(ctx, a.Region, a.Account, "ENABLED"))
	case plan.PauseMember:
		return wrap(a, m.UpdateMemberSession(ctx, a.Region, a.Account, "PAUSED"))
	case plan.CreateJob:
		if a.Job == nil {
			return fmt.Errorf("%s in %s: no job definition", a.Kind, a.Region)
		}
		return wrap(a, m.CreateJob(ctx, a.Region, *a.Job))
	case plan.ResumeJob:
		return wrap(a, m.UpdateJobStatus(ctx, a.Region, a.JobID, plan.JobRunning))
	case plan.CancelJob:
		return wrap(a, m.UpdateJobStatus(ctx, a.Region, a.JobID, plan.JobCancelled))
	case plan.EnablePublication:
		return wrap(a, m.EnablePublication(ctx, a.Region))
	}
	return e.callCoverage(ctx, a)
}

func wrap(a plan.Action, err error) error {
	if err == nil {
		return nil
	}
	target := a.Account
	if target == "" {
		target = a.JobID
	}
	if target == "" {
		return fmt.Errorf("%s in %s: %w", a.Kind, a.Region, err)
	}
	return fmt.Errorf("%s %s in %s: %w", a.Kind, target, a.Region, err)
}

func (e *Executor) log(ctx context.Context, r Result) {
	if e.Logger == nil {
		return
	}
	level := slog.LevelInfo
	if r.Outcome == Failed {
		level = slog.LevelError
	}
	e.Logger.LogAttrs(ctx, level, "action",
		slog.String("account", r.Action.Account), slog.String("region", r.Action.Region),
		slog.String("bucket", r.Action.Bucket), slog.String("action", string(r.Action.Kind)), slog.Bool("dry_run", e.DryRun),
		slog.String("outcome", string(r.Outcome)), slog.String("reason", r.Action.Reason),
		slog.String("detail", r.Detail))
}
