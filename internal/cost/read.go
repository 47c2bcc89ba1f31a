package cost

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// Org is what a cost report is read from: the engine's configuration and reconciler (the
// organization's accounts and members, the backfills, automated discovery), the reader of the
// inventory and the reader of Macie's usage totals.
type Org struct {
	Config     config.Config
	Reconciler *reconcile.Reconciler
	Reader     Reader
	Usage      UsageReader
}

// Output is what `maciectl cost` prints: the estimate, Macie's own figures and the 30-day
// forecast.
type Output struct {
	Report
	Forecast Forecast `json:"forecast"`
}

// Read observes the organization, estimates its cost, reads Macie's own figures and forecasts
// the next 30 days; what could not be read is listed in Unread and left out of the figures.
func (p Prices) Read(ctx context.Context, org Org, a Assumptions) Output {
	snap := org.Reconciler.Observe(ctx)
	inv, unread := ReadInventory(ctx, org, snap)
	rep := Report{Estimate: p.Estimate(a, inv), Actual: Actual(ctx, org.Usage, org.Config.Regions),
		Sources: p.Sources, Unread: unread}
	due, more := backfillsDue(ctx, org, snap)
	on, rest := discoveryKept(ctx, org)
	rep.Unread = append(append(rep.Unread, more...), rest...)
	return Output{Report: rep, Forecast: p.Forecast(a, inv, rep.Estimate, due, on)}
}

// WriteText prints the report's tables and the forecast.
func (o Output) WriteText(w io.Writer) error {
	if err := o.Report.WriteText(w); err != nil {
		return err
	}
	return o.Forecast.WriteText(w, o.Currency, o.Assumptions)
}

// ReadInventory gathers the inventory of every account of the organization (excluded ones too:
// the "everywhere" figure covers them) in the managed Regions. What could not be read is
// returned as messages, including the pairs the snapshot could not read.
func ReadInventory(ctx context.Context, org Org, snap reconcile.Snapshot) (Inventory, []string) {
	cfg, unread := org.Config, []string{}
	var accounts []string
	all, err := org.Reconciler.Directory.Accounts(ctx)
	if err != nil {
		unread = append(unread, fmt.Sprintf("the organization's accounts: %v", err))
	}
	for _, a := range all {
		accounts = append(accounts, a.ID)
	}
	for _, m := range snap.Members {
		accounts = append(accounts, m.Account)
	}
	inv, errs := Gather(ctx, org.Reader, Scope{
		Admin: cfg.AdminAccount, Accounts: accounts, Regions: cfg.Regions,
		Policy: cfg.Policy, Members: snap.Members, Concurrency: cfg.Concurrency,
	})
	var parts []*ReadError
	for _, f := range snap.Failures {
		parts = append(parts, &ReadError{Account: cmp.Or(f.Account, cfg.AdminAccount), Regions: []string{f.Region}, Err: f.Err})
	}
	for _, e := range errs {
		var re *ReadError
		if errors.As(e, &re) {
			parts = append(parts, re)
		} else {
			unread = append(unread, doctor.Brief(e))
		}
	}
	return inv, append(unread, unreadLines(parts)...)
}

// unreadLines says once per account and cause what could not be read, naming the Regions.
func unreadLines(parts []*ReadError) []string {
	type key struct{ account, cause string }
	regions := map[key][]string{}
	var order []key
	for _, p := range parts {
		k := key{p.Account, doctor.Brief(p.Err)}
		if _, seen := regions[k]; !seen {
			order = append(order, k)
		}
		regions[k] = append(regions[k], p.Regions...)
	}
	lines := make([]string, 0, len(order))
	for _, k := range order {
		rs := regions[k]
		slices.Sort(rs)
		lines = append(lines, fmt.Sprintf("%s in %s: %s", k.account, strings.Join(slices.Compact(rs), ", "), k.cause))
	}
	return lines
}

// backfillsDue reads the buckets whose backfill is still to run, when the engine backfills.
func backfillsDue(ctx context.Context, org Org, snap reconcile.Snapshot) ([]BackfillDue, []string) {
	if !org.Config.Backfill {
		return nil, nil
	}
	var due []BackfillDue
	var unread []string
	states, failures := org.Reconciler.BackfillStates(ctx, snap)
	for _, st := range states {
		if st.State == plan.BackfillPending || st.State == plan.BackfillWaiting {
			due = append(due, BackfillDue{Account: st.Account, Region: st.Region, Bucket: st.Name})
		}
	}
	for _, f := range failures {
		unread = append(unread, fmt.Sprintf("backfills in %s: %s", f.Region, doctor.Brief(f.Err)))
	}
	return due, unread
}

// discoveryKept reads where automated discovery runs and stays on: in the Regions where the
// organization has it ENABLED, the accounts whose own status is ENABLED; under the policy off
// only those the engine never changes (the administrator, excluded accounts), since it turns it
// off for the others.
func discoveryKept(ctx context.Context, org Org) ([]Key, []string) {
	coverage := org.Reconciler.Coverage
	if coverage == nil {
		return nil, nil
	}
	var on []Key
	var unread []string
	for _, region := range org.Config.Regions {
		ds, err := coverage.DiscoveryConfig(ctx, region)
		if err == nil && ds.Status == plan.DiscoveryEnabled {
			ds.Accounts, err = coverage.DiscoveryAccounts(ctx, region)
		}
		if err != nil {
			unread = append(unread, fmt.Sprintf("automated discovery in %s: %s", region, doctor.Brief(err)))
			continue
		}
		for account, status := range ds.Accounts {
			if status == plan.DiscoveryEnabled && (org.Config.AutomatedDiscovery == plan.DiscoveryInherit ||
				account == org.Config.AdminAccount || slices.Contains(org.Config.ExcludedAccounts, account)) {
				on = append(on, Key{account, region})
			}
		}
	}
	return on, unread
}
