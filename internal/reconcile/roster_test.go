package reconcile

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// pagedWorld lists the world's accounts two a page, in id order, and hands the first page over
// before it lists the rest: what a slow ListAccounts does to a sweep.
type pagedWorld struct {
	*world
	// between runs after the first page; an error ends the listing there.
	between func() error
}

func (p pagedWorld) AccountPages(ctx context.Context, page func([]Account)) error {
	all, err := p.Accounts(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })
	for i := 0; i < len(all); i += 2 {
		if i > 0 {
			if err := p.between(); err != nil {
				return err
			}
		}
		page(all[i:min(i+2, len(all))])
	}
	return nil
}

// A sweep starts on the first page of the organization while the rest is still being listed:
// the listing's second page waits until a pair of the first is done, which a sweep that lists the
// whole organization first never lets happen.
func TestFullStartsBeforeTheListingEnds(t *testing.T) {
	w, _ := taggedWorld(t, 6, euw1)
	firstDone := make(chan struct{})
	var once sync.Once
	r := newReconciler(w)
	r.Directory = pagedWorld{world: w, between: func() error {
		select {
		case <-firstDone:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("no pair finished before the listing's second page")
		}
	}}
	r.Regions = []string{euw1}
	r.Progress = func(_ string, done, _ int) {
		if done > 0 {
			once.Do(func() { close(firstDone) })
		}
	}
	res := r.Full(context.Background())
	if len(res.Failures) > 0 {
		t.Fatalf("failures: %v", res.Failures)
	}
	if got := w.calls["CreateMember"]; got != 6 {
		t.Fatalf("%d accounts enrolled, want all 6", got)
	}
}

// A listing that stops part way is a failure of the run; the pairs listed before it are
// reconciled all the same.
func TestFullListingThatStopsPartWay(t *testing.T) {
	w, _ := taggedWorld(t, 6, euw1)
	r := newReconciler(w)
	r.Directory = pagedWorld{world: w, between: func() error { return errors.New("throttled for good") }}
	r.Regions = []string{euw1}
	res := r.Full(context.Background())
	if len(res.Failures) != 1 || res.Failures[0].Unit != (Unit{}) || !strings.Contains(res.Failures[0].Err.Error(), "part way") {
		t.Fatalf("failures %v, want the listing's, once", res.Failures)
	}
	// The first page holds the administrator and one workload account.
	if got := w.calls["CreateMember"]; got != 1 {
		t.Fatalf("%d accounts enrolled, want the one of the first page", got)
	}
}
