package main

import (
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
)

func TestPlanShowsTheBackfillAfterTheDailyJobExists(t *testing.T) {
	f := newPlanFixture(t)
	if code, out, stderr := f.run(t, nil, "apply", "--yes"); code != 0 || stderr != "" {
		t.Fatalf("apply: exit %d, stderr %q\n%s", code, stderr, out)
	}
	f.srv.Sandbox().Macie().RefreshInventory() // Macie's daily refresh sees the new members' buckets
	code, out, _ := f.run(t, nil, "plan")
	if code != 2 || !strings.Contains(out, "  + CreateBackfillJob  (2 buckets in 2 accounts)") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	_, js, _ := f.run(t, nil, "plan", "--json")
	v := decode[planview.View](t, js)
	var bf *plan.BackfillSpec
	for _, a := range v.Actions {
		if a.Kind == plan.CreateBackfillJob {
			bf = a.Backfill
		}
	}
	if bf == nil || v.Summary.CreateBackfillJob != 1 || !plan.IsBackfill(bf.Name) || bf.SamplingPercentage != 100 {
		t.Fatalf("plan --json: %+v", v.Summary)
	}
	if code, out, _ := f.run(t, nil, "plan", "--backfill", "off"); code != 0 || strings.Contains(out, "CreateBackfillJob") {
		t.Fatalf("--backfill off: exit %d\n%s", code, out)
	}
	if code, _, _ := f.run(t, nil, "plan", "--backfill", "yes"); code != 2 {
		t.Fatalf("--backfill yes: exit %d", code)
	}
	if code, _, _ := f.run(t, nil, "plan", "--automated-discovery", "on"); code != 2 {
		t.Fatalf("--automated-discovery on: exit %d", code)
	}
}
