package main

import (
	"context"
	"fmt"
	"io"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// costOutput is what `maciectl cost` prints: the estimate, Macie's own figures and the 30-day
// forecast.
type costOutput struct {
	cost.Report
	Forecast cost.Forecast `json:"forecast"`
}

// withForecast reads the backfills still due and automated discovery, and forecasts the next
// 30 days; what could not be read joins the report's unread list.
func withForecast(ctx context.Context, o *org, r *reconcile.Reconciler, snap reconcile.Snapshot, prices cost.Prices,
	a cost.Assumptions, rep cost.Report, inv cost.Inventory) costOutput {
	var due []cost.BackfillDue
	if o.Config.Backfill {
		states, failures := r.BackfillStates(ctx, snap)
		for _, st := range states {
			if st.State == plan.BackfillPending || st.State == plan.BackfillWaiting {
				due = append(due, cost.BackfillDue{Account: st.Account, Region: st.Region, Bucket: st.Name})
			}
		}
		for _, f := range failures {
			rep.Unread = append(rep.Unread, fmt.Sprintf("backfills in %s: %s", f.Region, doctor.Brief(f.Err)))
		}
	}
	on := false
	if o.Config.AutomatedDiscovery == plan.DiscoveryInherit && r.Coverage != nil {
		for _, region := range o.Config.Regions {
			ds, err := r.Coverage.DiscoveryConfig(ctx, region)
			if err != nil {
				rep.Unread = append(rep.Unread, fmt.Sprintf("automated discovery in %s: %s", region, doctor.Brief(err)))
				continue
			}
			on = on || ds.Status == plan.DiscoveryEnabled
		}
	}
	return costOutput{Report: rep, Forecast: prices.Forecast(a, inv, rep.Estimate, due, on)}
}

func (c costOutput) writeText(w io.Writer) error {
	if err := c.WriteText(w); err != nil { // the report's tables
		return err
	}
	return c.Forecast.WriteText(w, c.Currency)
}
