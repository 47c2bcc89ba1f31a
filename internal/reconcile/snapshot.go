package reconcile

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Snapshot is what a full reconcile reads, before any decision: every pair of the organization in
// every managed Region (the administrator and excluded accounts left out) and each Region's
// managed jobs and findings publication. plan.Build(r.Rules, s.Members, s.Regions) is the plan a
// full reconcile would apply now.
type Snapshot struct {
	Members  []plan.Member
	Regions  []plan.RegionState
	Failures []Failure
}

// Observe reads the organization the way Full does, Region by Region side by side, and
// changes nothing.
func (r *Reconciler) Observe(ctx context.Context) Snapshot {
	c := &collector{}
	ros, ok := r.organization(ctx, c)
	if !ok {
		return Snapshot{Failures: c.result().Failures}
	}
	var mu sync.Mutex
	var snap Snapshot
	eachRegion(r.Regions, func(region string) {
		tasks, ok := r.sweep(ctx, region, ros, c)
		if !ok {
			return
		}
		if rs, err := r.observeRegion(ctx, region); err != nil {
			r.fail(ctx, c, Unit{Region: region}, err)
		} else {
			mu.Lock()
			snap.Regions = append(snap.Regions, rs)
			mu.Unlock()
		}
		r.pairs(ctx, region, tasks, ros.count, func(ctx context.Context, t task) {
			m, err := r.observe(ctx, t)
			if err != nil {
				r.fail(ctx, c, t.Unit, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			snap.Members = append(snap.Members, m)
		})
	})
	r.listed(ctx, ros, c)
	slices.SortFunc(snap.Regions, func(a, b plan.RegionState) int {
		return cmp.Compare(slices.Index(r.Regions, a.Region), slices.Index(r.Regions, b.Region))
	})
	slices.SortFunc(snap.Members, func(a, b plan.Member) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	snap.Failures = c.result().Failures
	return snap
}
