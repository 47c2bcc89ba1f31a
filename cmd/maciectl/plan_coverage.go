package main

import (
	"context"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// withCoverage adds to a plan the backfill jobs and automated discovery changes the full
// reconcile would make after it; what could not be read joins the snapshot's failures.
func withCoverage(ctx context.Context, r *reconcile.Reconciler, snap *reconcile.Snapshot, p plan.Plan) plan.Plan {
	cov, failures := r.PlanCoverage(ctx, *snap, p)
	snap.Failures = append(snap.Failures, failures...)
	p.Actions = append(p.Actions, cov.Actions...)
	p.Warnings = append(p.Warnings, cov.Warnings...)
	plan.Sort(&p)
	return p
}
