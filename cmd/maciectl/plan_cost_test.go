package main

import (
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
)

// TestPlanAndCostShareOneEstimate: before apply, the plan says which buckets it cannot size
// instead of counting them as empty; after apply, the plan's figure now is cost's.
func TestPlanAndCostShareOneEstimate(t *testing.T) {
	srv := sandboxEnv(t)
	_, out, _ := runMaciectl(t, "plan", "--endpoint", srv.URL())
	if !strings.Contains(out, "plus the inspection of 2 scanned bucket(s) of unknown size") {
		t.Fatalf("plan's cost line does not say the unknown sizes:\n%s", out)
	}
	if code, out, errOut := runMaciectl(t, "apply", "--yes", "--endpoint", srv.URL()); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	// Macie's bucket inventory shows the new members' buckets, and their sizes, only after its
	// next (daily) refresh.
	srv.Sandbox().Macie().RefreshInventory()
	_, out, _ = runMaciectl(t, "plan", "--json", "--endpoint", srv.URL())
	v := decode[planview.View](t, out)
	code, out, _ := runMaciectl(t, "cost", "--json", "--endpoint", srv.URL())
	r := decode[cost.Report](t, out)
	if code != 0 || v.Cost.Before != r.Scoped.MonthlyUSD || v.Cost.After != r.Scoped.MonthlyUSD || v.Cost.UnsizedBuckets != r.Scoped.UnsizedBuckets {
		t.Fatalf("plan now %.2f (after %.2f, %d unsized), cost %.2f (%d unsized): want one estimate",
			v.Cost.Before, v.Cost.After, v.Cost.UnsizedBuckets, r.Scoped.MonthlyUSD, r.Scoped.UnsizedBuckets)
	}
	if r.Scoped.MonthlyUSD != 1.75 {
		t.Errorf("tag-scoped estimate %.2f, want the README's 1.75", r.Scoped.MonthlyUSD)
	}
}
