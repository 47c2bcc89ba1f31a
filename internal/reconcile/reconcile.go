// Package reconcile converges Macie membership on what bucket tags say, one (account, Region) at a
// time: read fresh state, plan, apply.
//
// An event only chooses which (account, Region) to look at and which bucket to read directly; the
// decision always comes from fresh reads, so duplicated, reordered and lost events all end in the
// same state once every changed pair has been looked at again. A burst of events is coalesced so
// that each pair is reconciled once per batch; distinct pairs run in parallel, bounded, and the
// same pair never runs twice at once. The Regions of a run proceed side by side, each with its
// own bound, since Macie's request quotas apply per account and Region: one Region's throttling
// or latency slows only that Region.
package reconcile

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Applier applies a plan; *execute.Executor is one.
type Applier interface {
	Apply(ctx context.Context, p plan.Plan) execute.Report
}

// Reconciler reads, plans and applies.
type Reconciler struct {
	Macie     MacieReader
	Buckets   BucketReader
	Directory Directory
	// Coverage reads backfill jobs, Macie's inventory and automated discovery; nil leaves the
	// backfill and the discovery policy out.
	Coverage CoverageReader
	// Applier applies plans; nil makes every run plan-only.
	Applier Applier
	Rules   plan.Rules
	// Regions are the managed Regions.
	Regions []string
	// Concurrency bounds how many (account, Region) pairs of one Region are worked on at once
	// (default 16). The Regions of a run proceed side by side, each with its own bound, so up to
	// Concurrency times the number of Regions pairs are at work at once.
	Concurrency int
	// StaleWindow is how long after an event a read that contradicts it is taken for a stale read
	// and retried later rather than acted on (default 5 minutes).
	StaleWindow time.Duration
	Now         func() time.Time
	Logger      *slog.Logger
	// Progress, when set, is told, per Region, how many of its pairs in a run are finished out
	// of how many: first with done 0, then once per finished pair. The Regions' lanes call it at
	// the same time, so it must be safe for concurrent use.
	Progress func(region string, done, total int)
	// ShardAccounts is how many accounts of a Region a sweep shard reconciles (default
	// event.DefaultShardAccounts).
	ShardAccounts int

	locks keyedMutex
	// members are the member statuses of the newest sweep's Regions, for its shards.
	members memberCache
}

// Unit is the unit of work.
type Unit struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Failure is a pair that could not be reconciled.
type Failure struct {
	Unit
	Err error
	// Retryable reports whether reconciling the pair again later can succeed.
	Retryable bool
	// StaleBuckets, for a stale read (ErrStale), are the buckets whose reads contradicted their
	// events: only their messages need to come back (see Result.RetryMessages).
	StaleBuckets []string
}

// Result is what a run planned, did and could not do.
type Result struct {
	Plan     plan.Plan
	Report   execute.Report
	Failures []Failure
	// Units counts the pairs looked at.
	Units int
	// Pending counts the pairs not looked at because the context ended first (a deadline).
	Pending int
}

// Merge returns res with what o planned, did and could not do added.
func (res Result) Merge(o Result) Result {
	res.Plan.Actions = append(slices.Clip(res.Plan.Actions), o.Plan.Actions...)
	res.Plan.Warnings = append(slices.Clip(res.Plan.Warnings), o.Plan.Warnings...)
	res.Report.Results = append(slices.Clip(res.Report.Results), o.Report.Results...)
	res.Failures = append(slices.Clip(res.Failures), o.Failures...)
	res.Units += o.Units
	res.Pending += o.Pending
	return res
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reconciler) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Reconciler) managed(region string) bool { return slices.Contains(r.Regions, region) }

// collector gathers the outcome of parallel units.
type collector struct {
	mu  sync.Mutex
	res Result
	// members are the pairs read, for the coverage step.
	members []plan.Member
}

func (c *collector) add(p plan.Plan, rep execute.Report, f *Failure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Plan.Actions = append(c.res.Plan.Actions, p.Actions...)
	c.res.Plan.Warnings = append(c.res.Plan.Warnings, p.Warnings...)
	c.res.Report.Results = append(c.res.Report.Results, rep.Results...)
	if f != nil {
		c.res.Failures = append(c.res.Failures, *f)
	}
}

func (c *collector) unit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Units++
}

func (c *collector) pending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Pending++
}

func (c *collector) warn(w plan.Warning) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Plan.Warnings = append(c.res.Plan.Warnings, w)
}

// result is what was collected so far, sorted; the collector may go on collecting (the other
// Regions of a full reconcile), so the result has its own copies.
func (c *collector) result() Result {
	c.mu.Lock()
	res := c.res
	res.Plan.Actions = append([]plan.Action{}, res.Plan.Actions...)
	res.Plan.Warnings = append([]plan.Warning{}, res.Plan.Warnings...)
	res.Report.Results = slices.Clone(res.Report.Results)
	res.Failures = slices.Clone(res.Failures)
	c.mu.Unlock()
	plan.Sort(&res.Plan)
	slices.SortFunc(res.Failures, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return res
}

// keyedMutex serialises work on the same key. A key's lock lives while someone holds or waits
// for it, so the map holds no more keys than pairs at work.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int // holders and waiters; k.mu guards it
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l, ok := k.locks[key]
	if !ok {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		defer k.mu.Unlock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
	}
}
