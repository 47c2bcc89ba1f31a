package reconcile

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

const apse2 = "ap-southeast-2"

// taggedWorld is an organization of n workload accounts with a tagged bucket in each of the
// Regions: every pair is one to enrol.
func taggedWorld(t *testing.T, n int, regions ...string) (*world, []event.Change) {
	t.Helper()
	ids := []string{admin}
	for i := range n {
		ids = append(ids, fmt.Sprintf("7000000000%02d", i))
	}
	w := newWorld(t, ids...)
	var changes []event.Change
	for _, region := range regions {
		for _, id := range ids[1:] {
			changes = append(changes, w.put(id, region, "data-"+region, on))
		}
	}
	return w, changes
}

// When one Region's Macie calls block, the other Region's pairs are all reconciled meanwhile;
// once the Region is released, every pair is reconciled once. The blocked Region comes first
// (in the managed Regions and in the batch), so reconciling Region after Region, or all pairs in
// one pool, would hold the other behind it.
func TestABlockedRegionDoesNotHoldUpAnother(t *testing.T) {
	runs := map[string]func(*Reconciler, []event.Change) Result{
		"full":   func(r *Reconciler, _ []event.Change) Result { return r.Full(context.Background()) },
		"events": func(r *Reconciler, batch []event.Change) Result { return r.Changes(context.Background(), batch) },
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			const accounts = 6
			w, batch := taggedWorld(t, accounts, use1, euw1)
			release := make(chan struct{})
			w.hold = func(region string) {
				if region == use1 {
					<-release
				}
			}
			r := newReconciler(w)
			r.Regions, r.Concurrency = []string{use1, euw1}, 2
			fast := make(chan struct{})
			var once sync.Once
			r.Progress = func(region string, done, total int) {
				if region == euw1 && done == total {
					once.Do(func() { close(fast) })
				}
			}
			results := make(chan Result)
			go func() { results <- run(r, batch) }()
			select {
			case <-fast:
				for id := range w.accounts {
					if id != admin && (w.status(id, euw1) != plan.StatusEnabled || w.status(id, use1) != plan.StatusNone) {
						t.Errorf("account %s: %s in %s, %s in %s while %s is blocked", id, w.status(id, euw1), euw1, w.status(id, use1), use1, use1)
					}
				}
			case <-time.After(10 * time.Second):
				t.Errorf("the pairs of %s did not finish while the Macie calls of %s were blocked", euw1, use1)
			}
			close(release)
			res := <-results
			if res.Units != 2*accounts || len(res.Failures) != 0 || w.calls["CreateMember"] != 2*accounts {
				t.Fatalf("units %d failures %v calls %v, want every pair reconciled once", res.Units, res.Failures, w.calls)
			}
			if w.calls["ListClassificationJobs"] != 2 || w.calls["CreateClassificationJob"] != 2 {
				t.Fatalf("calls %v, want each Region's job checked and created once", w.calls)
			}
		})
	}
}

// Each Region works on at most Concurrency pairs at once, the Regions side by side; the
// goroutines of a run stay within the Regions' pools, however many pairs there are.
func TestConcurrencyIsBoundedPerRegion(t *testing.T) {
	const limit, accounts = 3, 40
	regions := []string{euw1, use1, apse2}
	w, _ := taggedWorld(t, accounts, regions...)
	r := newReconciler(w)
	r.Regions, r.Concurrency = regions, limit
	r.Applier = nil // plan only: no executor goroutines beside the pools
	base := runtime.NumGoroutine()
	b := &barrierBuckets{BucketReader: w, want: limit * len(regions), open: make(chan struct{}), busy: map[string]int{}, most: map[string]int{}}
	r.Buckets = b
	res := r.Full(context.Background())
	if res.Units != accounts*len(regions) || len(res.Failures) != 0 {
		t.Fatalf("units %d failures %v", res.Units, res.Failures)
	}
	for _, region := range regions {
		if b.most[region] > limit {
			t.Errorf("%s: %d pairs at once, want at most %d", region, b.most[region], limit)
		}
	}
	if b.mostTotal != limit*len(regions) {
		t.Errorf("at most %d pairs at once over %d Regions, want %d: the Regions did not run side by side", b.mostTotal, len(regions), limit*len(regions))
	}
	// When the most pairs were at work, beside the test's own goroutines: one worker per pair
	// and a lane per Region (the last lane runs in the caller's goroutine).
	if extra, bound := b.goroutines-base, limit*len(regions)+len(regions)-1; extra > bound {
		t.Errorf("%d goroutines beside the test's at the busiest, want at most %d", extra, bound)
	}
}

// barrierBuckets counts the bucket listings in flight, per Region and in all; the first ones
// wait until want of them are in flight at once (or a few seconds have passed), so that the
// count reaches what the run allows. It counts the process's goroutines at that moment.
type barrierBuckets struct {
	BucketReader
	want int
	open chan struct{}

	mu         sync.Mutex
	busy, most map[string]int
	total      int
	mostTotal  int
	goroutines int
	opened     bool
}

func (b *barrierBuckets) TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error) {
	b.mu.Lock()
	b.busy[region]++
	b.total++
	b.most[region] = max(b.most[region], b.busy[region])
	b.mostTotal = max(b.mostTotal, b.total)
	if b.total >= b.want && !b.opened {
		b.opened = true
		b.goroutines = runtime.NumGoroutine()
		close(b.open)
	}
	b.mu.Unlock()
	select {
	case <-b.open:
	case <-time.After(3 * time.Second): // fewer can be in flight: the others need not wait too
		b.mu.Lock()
		if !b.opened {
			b.opened = true
			close(b.open)
		}
		b.mu.Unlock()
	}
	defer func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.busy[region]--
		b.total--
	}()
	return b.BucketReader.TaggedBuckets(ctx, account, region)
}

// A sweep and events for the same pairs, at the same time and in every Region: no pair is worked
// on twice at once (the world fails the test on an overlap).
func TestSamePairNeverConcurrentAcrossRegions(t *testing.T) {
	const accounts = 8
	regions := []string{euw1, use1, apse2}
	w, _ := taggedWorld(t, accounts, regions...)
	r := newReconciler(w)
	r.Regions = regions
	var units []Unit
	for id := range w.accounts {
		for _, region := range regions {
			if id != admin {
				units = append(units, Unit{Account: id, Region: region})
			}
		}
	}
	for range 3 {
		var wg sync.WaitGroup
		wg.Go(func() { r.Full(context.Background()) })
		wg.Go(func() { r.Units(context.Background(), units) })
		wg.Go(func() { r.Units(context.Background(), units) })
		wg.Wait()
	}
	for _, u := range units {
		if w.status(u.Account, u.Region) != plan.StatusEnabled {
			t.Fatalf("%s in %s is %s", u.Account, u.Region, w.status(u.Account, u.Region))
		}
	}
}

// The coverage step runs Region by Region side by side too: when one Region's coverage reads
// block, the other Region's backfill job is created meanwhile.
func TestABlockedRegionDoesNotHoldUpAnotherRegionsBackfill(t *testing.T) {
	w, _ := taggedWorld(t, 3, use1, euw1)
	cw := newCoverageWorld(w)
	r := coverageReconciler(w, cw)
	r.Regions = []string{use1, euw1}
	r.Full(context.Background()) // creates the daily jobs and enrols: no backfill in this sweep
	cw.refresh(r.Rules.Policy)
	held := &heldCoverage{coverageWorld: cw, slow: use1, release: make(chan struct{}), created: make(chan string, 2)}
	r.Coverage = held
	r.Applier = &execute.Executor{Macie: w, Coverage: held}
	results := make(chan Result)
	go func() { results <- r.Full(context.Background()) }()
	select {
	case region := <-held.created:
		if region != euw1 {
			t.Errorf("backfill created in %s first, want %s", region, euw1)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no backfill job in %s while the coverage reads of %s were blocked", euw1, use1)
	}
	close(held.release)
	res := <-results
	if got := backfillActions(res.Plan); len(got) != 2 || len(res.Failures) != 0 {
		t.Fatalf("backfills %v failures %v, want one in each Region", got, res.Failures)
	}
}

// heldCoverage is a coverage world whose daily-run reads in one Region wait for release, and
// that tells in which Region each backfill job is created.
type heldCoverage struct {
	*coverageWorld
	slow    string
	release chan struct{}
	created chan string
}

func (h *heldCoverage) DailyRun(ctx context.Context, region, jobID string) (plan.DailyRun, error) {
	if region == h.slow {
		<-h.release
	}
	return h.coverageWorld.DailyRun(ctx, region, jobID)
}

func (h *heldCoverage) CreateBackfillJob(ctx context.Context, region string, spec plan.BackfillSpec) error {
	h.created <- region
	return h.coverageWorld.CreateBackfillJob(ctx, region, spec)
}
