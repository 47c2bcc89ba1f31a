package status

import (
	"fmt"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// attachBackfills gives each bucket in scope of a pair its backfill state.
func attachBackfills(a *Account, states []plan.BucketBackfill) {
	for i, b := range a.Buckets {
		for _, st := range states {
			if b.InScope && st.Account == a.Account && st.Region == a.Region && st.Name == b.Name {
				a.Buckets[i].Backfill = &st
			}
		}
	}
}

// backfillNote says where a bucket's backfill stands and what Macie's inventory says of the
// bucket, e.g. "; backfill done (job 1a2b); monitored by a job, last analysed by job 1a2b at ...".
func backfillNote(st *plan.BucketBackfill) string {
	if st == nil {
		return ""
	}
	return backfillState(st) + inventoryNote(st.Inventory)
}

func inventoryNote(inv *plan.InventoryBucket) string {
	switch {
	case inv == nil:
		return ""
	case inv.LastJobID == "":
		return fmt.Sprintf("; isMonitoredByJob %s, not analysed yet", yesNo(inv.MonitoredByJob))
	}
	return fmt.Sprintf("; isMonitoredByJob %s, last analysed by job %s (run started %s)", yesNo(inv.MonitoredByJob),
		inv.LastJobID, inv.LastJobRunTime.UTC().Format(time.RFC3339))
}

func backfillState(st *plan.BucketBackfill) string {
	switch {
	case st.JobID != "":
		return fmt.Sprintf("; backfill %s (job %s)", st.State, st.JobID)
	case st.State == plan.BackfillWaiting:
		return "; backfill waiting for Macie's inventory (refreshed about daily) to show the tag"
	case st.Failures > 0:
		return fmt.Sprintf("; backfill %s after %d failed or cancelled job(s)", st.State, st.Failures)
	}
	return "; backfill " + st.State + ": the next scheduled reconcile creates its job"
}
