package reconcile

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// enabledAccounts lists the accounts of a Region the pairs read as Enabled members that the run
// did not pause.
func enabledAccounts(members []plan.Member, acts []plan.Action, region string) []string {
	var out []string
	for _, m := range members {
		paused := slices.ContainsFunc(acts, func(a plan.Action) bool {
			return a.Kind == plan.PauseMember && a.Region == region && a.Account == m.Account
		})
		if m.Region == region && m.Status == plan.StatusEnabled && !paused {
			out = append(out, m.Account)
		}
	}
	return out
}

// discoveryActions reads a Region's automated discovery and applies the policy to the enabled
// accounts: the sweep's drift repair.
func (r *Reconciler) discoveryActions(ctx context.Context, region string, enabled []string) ([]plan.Action, error) {
	if r.Rules.Discovery != plan.DiscoveryOff || r.Coverage == nil {
		return nil, nil
	}
	ds, err := r.Coverage.DiscoveryConfig(ctx, region)
	if err != nil || ds.Status != plan.DiscoveryEnabled {
		return nil, err
	}
	if ds.Accounts, err = r.Coverage.DiscoveryAccounts(ctx, region); err != nil {
		return nil, fmt.Errorf("reading automated discovery accounts in %s: %w", region, err)
	}
	return plan.DiscoveryActions(r.Rules, ds, enabled, nil), nil
}

// enrolDiscovery returns, for a plan that enrols or resumes accounts, the action that turns
// automated discovery off for them where the policy and the organization's setting call for it.
// A failed read is logged and left to the next sweep, which repairs the drift.
func (r *Reconciler) enrolDiscovery(ctx context.Context, region string, acts []plan.Action) []plan.Action {
	if r.Rules.Discovery != plan.DiscoveryOff || r.Coverage == nil || !enrols(acts) {
		return nil
	}
	ds, err := r.Coverage.DiscoveryConfig(ctx, region)
	if err != nil {
		r.log().LogAttrs(ctx, slog.LevelWarn, "automated discovery not read", slog.String("region", region),
			slog.String("action", string(plan.DisableDiscovery)), slog.String("error", err.Error()))
		return nil
	}
	var enrolling []string
	for _, a := range acts {
		if a.Kind == plan.CreateMember || a.Kind == plan.ResumeMember {
			enrolling = append(enrolling, a.Account)
		}
	}
	return plan.DiscoveryActions(r.Rules, ds, nil, enrolling)
}
