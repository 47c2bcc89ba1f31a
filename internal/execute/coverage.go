package execute

import (
	"context"
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Coverage is what the executor changes for coverage in the Macie administrator account: backfill
// jobs and the automated discovery of accounts.
type Coverage interface {
	// CreateBackfillJob creates a one-time classification job, idempotent by its name.
	CreateBackfillJob(ctx context.Context, region string, spec plan.BackfillSpec) error
	// DisableDiscovery turns automated sensitive data discovery off for the accounts.
	DisableDiscovery(ctx context.Context, region string, accounts []string) error
}

// callCoverage applies a coverage action; any other kind is unknown.
func (e *Executor) callCoverage(ctx context.Context, a plan.Action) error {
	if e.Coverage == nil && (a.Kind == plan.CreateBackfillJob || a.Kind == plan.DisableDiscovery) {
		return fmt.Errorf("%s in %s: the executor has no coverage port", a.Kind, a.Region)
	}
	switch a.Kind {
	case plan.CreateBackfillJob:
		if a.Backfill == nil {
			return fmt.Errorf("%s in %s: no job definition", a.Kind, a.Region)
		}
		return wrap(a, e.Coverage.CreateBackfillJob(ctx, a.Region, *a.Backfill))
	case plan.DisableDiscovery:
		return wrap(a, e.Coverage.DisableDiscovery(ctx, a.Region, a.Accounts))
	}
	return fmt.Errorf("unknown action %q", a.Kind)
}
