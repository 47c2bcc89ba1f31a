package reconcile

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/bounded"
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

// Observe reads the organization the way Full does, and changes nothing.
func (r *Reconciler) Observe(ctx context.Context) Snapshot {
	c := &collector{}
	regions, tasks := r.sweep(ctx, c)
	var snap Snapshot
	for _, region := range regions {
		rs, err := r.observeRegion(ctx, region)
		if err != nil {
			r.fail(ctx, c, Unit{Region: region}, err)
			continue
		}
		snap.Regions = append(snap.Regions, rs)
	}
	var mu sync.Mutex
	finished := r.progress(len(tasks))
	bounded.ForEach(ctx, cmp.Or(r.Concurrency, 16), tasks, func(ctx context.Context, t task) {
		defer finished()
		m, err := r.observe(ctx, t)
		if err != nil {
			r.fail(ctx, c, t.Unit, err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		snap.Members = append(snap.Members, m)
	})
	slices.SortFunc(snap.Members, func(a, b plan.Member) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	snap.Failures = c.result().Failures
	return snap
}
