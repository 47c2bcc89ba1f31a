package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// sameSecond gives changes one CloudTrail time, as a tool that untags and retags within a second
// produces them.
func sameSecond(at time.Time, changes ...event.Change) []event.Change {
	for i := range changes {
		changes[i].EventTime = at
	}
	return changes
}

// Changes of one bucket in the same second cannot be ordered: whichever order they arrive in, the
// fresh read decides and nothing is held back as stale.
func TestSameSecondChangesAreNotStaleInAnyOrder(t *testing.T) {
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}} {
		w := newWorld(t, admin, acctA)
		tag, untag, retag := w.put(acctA, euw1, "pii", on), w.untag(acctA, euw1, "pii"), w.put(acctA, euw1, "pii", on)
		at := clock.Add(time.Minute)
		flips := sameSecond(at, tag, untag, retag)
		batch := []event.Change{flips[order[0]], flips[order[1]], flips[order[2]]}
		r := newReconciler(w)
		r.Now = func() time.Time { return at.Add(2 * time.Second) }
		res := r.Changes(context.Background(), batch)
		if len(res.Failures) != 0 || w.status(acctA, euw1) != "Enabled" {
			t.Errorf("order %v: status %q, failures %+v", order, w.status(acctA, euw1), res.Failures)
		}
	}
}

// A read that contradicts every change of the newest second is still stale.
func TestReadContradictingTheWholeNewestSecondIsStale(t *testing.T) {
	w := newWorld(t, admin, acctA)
	tag, retag := w.put(acctA, euw1, "pii", on), w.put(acctA, euw1, "pii", map[string]string{"macie": "true", "team": "x"})
	w.staleTags = map[string]map[string]string{"pii": {}}
	at := clock.Add(time.Minute)
	r := newReconciler(w)
	r.Now = func() time.Time { return at.Add(2 * time.Second) }
	res := r.Changes(context.Background(), sameSecond(at, retag, tag))
	if len(res.Failures) != 1 || len(res.Plan.Actions) != 0 {
		t.Fatalf("failures %+v plan %v", res.Failures, res.Plan.Actions)
	}
}

// An older second gives way to a newer one, whatever the order of arrival.
func TestOlderSecondGivesWayToNewer(t *testing.T) {
	w := newWorld(t, admin, acctA)
	old := w.untag(acctA, euw1, "pii")
	newer := w.put(acctA, euw1, "pii", on)
	got := coalesce([]event.Change{newer, old, newer})
	if len(got) != 1 || len(got[0].changes) != 1 || got[0].changes[0].EventID != newer.EventID {
		t.Fatalf("coalesced %+v", got)
	}
}

func TestStaleMessagesAreThoseWithOnlyStaleFailures(t *testing.T) {
	stale := fmt.Errorf("bucket b: %w", ErrStale)
	res := Result{Failures: []Failure{
		{Unit: Unit{Account: acctA, Region: euw1}, Retryable: true, Err: stale},
		{Unit: Unit{Account: acctB, Region: euw1}, Retryable: true, Err: stale},
		{Unit: Unit{Account: acctB, Region: euw1}, Retryable: true, Err: errors.New("throttled")},
		{Unit: Unit{Account: prot, Region: use1}, Retryable: true, Err: stale},
		{Unit: Unit{Region: use1}, Retryable: true, Err: errors.New("listing members")},
	}}
	msg := func(id, acct, region string) event.Change {
		return event.Change{Kind: event.TagsRemoved, MessageID: id, Account: acct, Region: region, Bucket: "b"}
	}
	changes := []event.Change{msg("m1", acctA, euw1), msg("m2", acctB, euw1), msg("m3", prot, use1)}
	if got := res.StaleMessages(changes); !slices.Equal(got, []string{"m1"}) {
		t.Fatalf("stale %v, want [m1]", got)
	}
}

// A message whose change a newer change of the same bucket superseded in the batch is not handed
// back: the newer one is, and changes of the same second are all handed back.
func TestSupersededMessagesAreNotRetried(t *testing.T) {
	at := clock.Add(time.Hour)
	msg := func(id string, sec int) event.Change {
		return event.Change{Kind: event.TagsRemoved, MessageID: id, EventID: "e-" + id, Account: acctA, Region: euw1,
			Bucket: "b", EventTime: at.Add(time.Duration(sec) * time.Second)}
	}
	other := msg("m5", 0)
	other.Bucket = "c"
	changes := []event.Change{msg("m1", 0), msg("m2", 5), msg("m3", 5), msg("m4", 1), other}
	res := Result{Failures: []Failure{{Unit: Unit{Account: acctA, Region: euw1}, Retryable: true, Err: fmt.Errorf("b: %w", ErrStale)}}}
	if got := res.RetryMessages(changes); !slices.Equal(got, []string{"m2", "m3", "m5"}) {
		t.Fatalf("retry %v, want [m2 m3 m5]", got)
	}
}
