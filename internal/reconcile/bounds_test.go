package reconcile

import (
	"context"
	"fmt"
	"testing"
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
