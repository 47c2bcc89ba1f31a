package main

import (
	"context"
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// planCost estimates the monthly cost change that p makes, from the published prices and the
// organization's bucket inventory. What cannot be read is left out of the figures and said in
// the note; without a way to read the inventory there is no estimate.
func planCost(ctx context.Context, o *org, snap reconcile.Snapshot, p plan.Plan) planview.Cost {
	reader := costReader(o)
	if reader == nil {
		return planview.Cost{Note: "no reader of the bucket inventory is wired in yet"}
	}
	prices, err := cost.DefaultPrices()
	if err != nil {
		return planview.Cost{Note: fmt.Sprintf("price table: %v", err)}
	}
	inv, errs := cost.Gather(ctx, reader, cost.Scope{
		Admin: o.Config.AdminAccount, Accounts: planview.Accounts(snap.Members), Regions: o.Config.Regions,
		Policy: o.Config.Policy, Members: snap.Members, Concurrency: o.Config.Concurrency,
	})
	a := cost.Assumptions{SamplingPercentage: o.Config.SamplingPercentage, MonthlyChangePercent: cost.DefaultMonthlyChangePercent}
	ch := prices.MonthlyChange(a, inv, cost.StatusesAfter(p.Actions))
	c := planview.Cost{Available: true, Currency: "USD", Before: ch.BeforeUSD, After: ch.AfterUSD,
		Change: ch.MonthlyUSD, InitialChange: ch.InitialUSD}
	c.Note = costNote(a, ch, len(errs))
	return c
}

// costNote says what the estimate assumes and leaves out.
func costNote(a cost.Assumptions, ch cost.Change, unread int) string {
	note := fmt.Sprintf("assumes %d%% sampling and %v%% of scanned data new or changed a month",
		a.SamplingPercentage, a.MonthlyChangePercent)
	if ch.UnsizedBuckets > 0 {
		note += fmt.Sprintf("; %d scanned bucket(s) of unknown size are counted as empty", ch.UnsizedBuckets)
	}
	if unread > 0 {
		note += fmt.Sprintf("; %d part(s) of the inventory could not be read and are left out", unread)
	}
	return note
}

// costReader returns the reader of the bucket inventory that cost.Gather needs (member
// statuses, Macie's sized bucket inventory, every account's buckets by Region, tagged buckets),
// or nil while no adapter provides it.
func costReader(_ *org) cost.Reader {
	return nil
}
