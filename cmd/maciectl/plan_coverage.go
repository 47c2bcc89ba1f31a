package main

import (
	"context"
	"errors"

	"github.com/macieselfservice/macie-selfservice/internal/config"
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

// coverage reads --backfill and --automated-discovery into cfg.
func (f *orgFlags) coverage(cfg *config.Config) error {
	var errB, errD error
	cfg.Backfill, errB = config.ParseBackfill("--backfill", f.Backfill)
	cfg.AutomatedDiscovery, errD = config.ParseDiscovery("--automated-discovery", f.Discovery)
	return errors.Join(errB, errD)
}
