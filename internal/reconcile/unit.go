package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/bounded"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// task is one (account, Region) to reconcile, with what is already known of it.
type task struct {
	Unit
	email string
	// status is the member status when the caller read it already ("" when not).
	status plan.MemberStatus
	// changes are the changes of each bucket's newest second, from events; they choose buckets
	// to read directly.
	changes []event.Change
}

// run reconciles the jobs and publication of the given Regions, then every task, and returns
// what happened. A task that enrols an account also checks its Region, once per run. The Regions
// run side by side, each with its own pool of Concurrency workers (lanes), so one Region's
// throttling or latency slows only that Region.
func (r *Reconciler) run(ctx context.Context, regionsFirst []string, tasks []task, c *collector) Result {
	regions := &regionGate{done: map[string]bool{}}
	eachRegion(byRegion(regionsFirst, tasks), func(l lane) {
		if l.check {
			r.region(ctx, l.region, regions, c)
		}
		r.pairs(ctx, l.region, slices.Values(l.tasks), constant(len(l.tasks)), func(ctx context.Context, t task) { r.unit(ctx, t, regions, c) })
	})
	return c.result()
}

// lane is the work of one Region in a run: its tasks, and whether its job and publication are
// checked before them.
type lane struct {
	region string
	check  bool
	tasks  []task
}

// byRegion groups the tasks by Region, in the order the Regions first appear (the Regions to
// check first, then the tasks'), keeping the tasks' order within each Region.
func byRegion(check []string, tasks []task) []lane {
	index := map[string]int{}
	var lanes []lane
	at := func(region string) *lane {
		i, ok := index[region]
		if !ok {
			i = len(lanes)
			index[region] = i
			lanes = append(lanes, lane{region: region})
		}
		return &lanes[i]
	}
	for _, region := range check {
		at(region).check = true
	}
	for _, t := range tasks {
		l := at(t.Region)
		l.tasks = append(l.tasks, t)
	}
	return lanes
}

// eachRegion calls f for every item, all at once, each in its own goroutine but the last, which
// runs in the caller's; it returns when every call has returned.
func eachRegion[T any](items []T, f func(T)) {
	var wg sync.WaitGroup
	for i, it := range items {
		if i == len(items)-1 {
			f(it)
			break
		}
		wg.Go(func() { f(it) })
	}
	wg.Wait()
}

// pairs calls f for every task of one Region as the sequence yields it, at most Concurrency at
// once, and tells Progress of each finished one out of total() (the pairs known so far, while the
// organization is still being listed). Once ctx ends, f still sees the tasks not started
// (bounded.ForEachSeq), so that it counts them as Pending.
func (r *Reconciler) pairs(ctx context.Context, region string, tasks iter.Seq[task], total func() int, f func(context.Context, task)) {
	finished := r.progress(region, total)
	bounded.ForEachSeq(ctx, cmp.Or(r.Concurrency, 16), tasks, func(ctx context.Context, t task) {
		defer finished()
		f(ctx, t)
	})
}

// constant returns a total that does not grow.
func constant(n int) func() int { return func() int { return n } }

// progress returns what to call once per finished pair of a Region's total() pairs in a run: it
// tells r.Progress, if set, first that none is done.
func (r *Reconciler) progress(region string, total func() int) func() {
	if r.Progress == nil {
		return func() {}
	}
	var mu sync.Mutex
	done := 0
	r.Progress(region, done, total())
	return func() {
		mu.Lock()
		defer mu.Unlock()
		done++
		r.Progress(region, done, total())
	}
}

// unit reconciles one pair under its lock.
func (r *Reconciler) unit(ctx context.Context, t task, regions *regionGate, c *collector) {
	if ctx.Err() != nil {
		c.pending()
		return
	}
	unlock := r.locks.lock(t.Account + "/" + t.Region)
	defer unlock()
	c.unit()
	m, err := r.observe(ctx, t)
	switch {
	case apierr.AssumeRoleDenied(err):
		r.notOnboarded(ctx, c, t.Unit, err)
		return
	case err != nil:
		r.fail(ctx, c, t.Unit, err)
		return
	}
	r.observed(c, m)
	acts, warns := plan.MemberActions(r.Rules, m)
	acts = append(acts, r.enrolDiscovery(ctx, t.Region, acts)...)
	if len(acts) == 0 {
		r.log().LogAttrs(ctx, slog.LevelInfo, "no change", slog.String("account", t.Account),
			slog.String("region", t.Region), slog.String("bucket", firstBucket(t.changes)),
			slog.String("action", "none"), slog.String("status", string(m.Status)))
	}
	if enrols(acts) {
		r.region(ctx, t.Region, regions, c)
	}
	p := plan.Plan{Actions: acts, Warnings: warns}
	rep := r.apply(ctx, p)
	c.add(p, rep, failureOf(t.Unit, rep))
}

func firstBucket(changes []event.Change) string {
	if len(changes) == 0 {
		return ""
	}
	return changes[0].Bucket
}

func enrols(acts []plan.Action) bool {
	return slices.ContainsFunc(acts, func(a plan.Action) bool {
		return a.Kind == plan.CreateMember || a.Kind == plan.ResumeMember
	})
}

func (r *Reconciler) apply(ctx context.Context, p plan.Plan) execute.Report {
	if r.Applier == nil || p.Empty() {
		return execute.Report{}
	}
	return r.Applier.Apply(ctx, p)
}

// failureOf returns the failure of a pair whose plan did not fully apply, or nil.
func failureOf(u Unit, rep execute.Report) *Failure {
	var errs []error
	retry := false
	for _, res := range rep.Failures() {
		errs = append(errs, res.Err)
		retry = retry || apierr.Retryable(res.Err)
	}
	if len(errs) == 0 {
		return nil
	}
	return &Failure{Unit: u, Err: errors.Join(errs...), Retryable: retry}
}

func (r *Reconciler) fail(ctx context.Context, c *collector, u Unit, err error) {
	f := Failure{Unit: u, Err: err, Retryable: apierr.Retryable(err) || errors.Is(err, ErrStale)}
	if se, ok := errors.AsType[*StaleError](err); ok {
		f.StaleBuckets = se.Buckets
	}
	r.log().LogAttrs(ctx, slog.LevelError, "reconcile failed", slog.String("account", u.Account),
		slog.String("region", u.Region), slog.Bool("retryable", f.Retryable), slog.String("error", err.Error()))
	c.add(plan.Plan{}, execute.Report{}, &f)
}

// notOnboarded records a pair whose account has no read role the engine may assume: the
// workload stack is not deployed there (the management account, an OU the StackSet does not
// target, an account that joined a moment ago). Nothing can be read, so nothing is changed; that
// is a warning, not a failure to retry.
func (r *Reconciler) notOnboarded(ctx context.Context, c *collector, u Unit, err error) {
	r.log().LogAttrs(ctx, slog.LevelWarn, "account not onboarded", slog.String("account", u.Account),
		slog.String("region", u.Region), slog.String("action", "none"), slog.String("error", err.Error()))
	c.warn(plan.Warning{Account: u.Account, Region: u.Region, Message: fmt.Sprintf(
		"account %s: the read role cannot be assumed, so its buckets cannot be read and it is left as it is; deploy the workload stack there or exclude the account", u.Account)})
}

// regionGate remembers the Regions whose job and publication were converged in a run.
type regionGate struct {
	mu   sync.Mutex
	done map[string]bool
}

func (g *regionGate) checked(region string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.done[region]
}

func (g *regionGate) mark(region string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done[region] = true
}

// region checks and converges one Region's job and publication, once per run: a Region is marked
// checked only when its check and changes succeeded, so a later pair of the run tries again.
func (r *Reconciler) region(ctx context.Context, region string, g *regionGate, c *collector) {
	unlock := r.locks.lock("/" + region)
	defer unlock()
	if g.checked(region) {
		return
	}
	rs, err := r.observeRegion(ctx, region)
	if err != nil {
		r.fail(ctx, c, Unit{Region: region}, err)
		return
	}
	p := plan.Plan{Actions: plan.RegionActions(r.Rules, rs)}
	rep := r.apply(ctx, p)
	f := failureOf(Unit{Region: region}, rep)
	c.add(p, rep, f)
	if f == nil {
		g.mark(region)
	}
}

func (r *Reconciler) observeRegion(ctx context.Context, region string) (plan.RegionState, error) {
	jobs, err := r.Macie.ManagedJobs(ctx, region)
	if err != nil {
		return plan.RegionState{}, fmt.Errorf("listing managed jobs in %s: %w", region, err)
	}
	pub, err := r.Macie.Publishing(ctx, region)
	if err != nil {
		return plan.RegionState{}, fmt.Errorf("reading findings publication in %s: %w", region, err)
	}
	return plan.RegionState{Region: region, Jobs: jobs, Publishing: pub}, nil
}
