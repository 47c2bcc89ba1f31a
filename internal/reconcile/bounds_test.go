package reconcile

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// The locks of the pairs are dropped once nobody holds them: a sweep of many accounts leaves
// none behind.
func TestPairLocksDoNotAccumulate(t *testing.T) {
	var ids []string
	for i := range 50 {
		ids = append(ids, fmt.Sprintf("7000000000%02d", i))
	}
	w := newWorld(t, append([]string{admin}, ids...)...)
	r := newReconciler(w)
	r.Full(context.Background())
	r.locks.mu.Lock()
	n := len(r.locks.locks)
	r.locks.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d pair locks left after the sweep, want 0", n)
	}
}

// A Region whose check failed is not taken for checked: the next pair of the run that enrols an
// account there checks it again, and its job is created.
func TestRegionIsCheckedAgainAfterAFailedCheck(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	a, b := w.put(acctA, euw1, "pii", on), w.put(acctB, euw1, "pii", on)
	w.failOnce["ListClassificationJobs"] = &smithy.GenericAPIError{Code: "ThrottlingException"}
	r := newReconciler(w)
	r.Concurrency = 1
	res := r.Changes(context.Background(), []event.Change{a, b})
	if w.calls["ListClassificationJobs"] != 2 || w.calls["CreateClassificationJob"] != 1 {
		t.Fatalf("calls %v, want the Region checked again and its job created", w.calls)
	}
	if len(res.Failures) != 1 || res.Failures[0].Account != "" || !res.Failures[0].Retryable {
		t.Fatalf("failures %+v, want the first check's, retryable", res.Failures)
	}
}
