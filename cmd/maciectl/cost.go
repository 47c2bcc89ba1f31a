package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// costOptions holds what `maciectl cost` needs.
type costOptions struct {
	IO  streams
	Org orgFlags
	// MonthlyChange is the percentage of scanned data new or changed a month.
	MonthlyChange float64
	// AssumeGB is the size given to a bucket whose size Macie does not know.
	AssumeGB float64
}

func newCostCmd(io streams, runF func(context.Context, *costOptions) error) *cobra.Command {
	opts := &costOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Estimate Macie's monthly cost under tag scoping against Macie everywhere",
		Long: `Cost reads the organization (member status, tagged buckets, every account's buckets through the
read role, Macie's bucket inventory with sizes) and estimates from the published prices what Macie
costs a month as it is now (tag-scoped: bucket monitoring for every bucket of each Enabled member
and of the administrator, since Macie monitors all buckets of an account where it is enabled; the
daily job over the tagged buckets), against Macie enabled on every account and bucket of the
organization. It also prints Macie's own usage totals (GetUsageTotals) where available.

The job's first run inspects each tagged bucket in full (times --sampling) and is shown apart as a
one-off; later runs are incremental, taken as --monthly-change percent of that data a month.
Macie knows the sizes of buckets only where it is enabled: other buckets count at
--assume-gb-per-bucket (0 by default) and are reported as "unsized".

--json prints {"currency", "assumptions", "priceTables", "scoped", "everywhere",
"monthlySavingUSD", "pairs", "warnings", "actual", "sources", "unread"} (see the README).`,
		Example: `  maciectl cost --regions eu-west-1,us-east-1
  maciectl cost --monthly-change 5 --assume-gb-per-bucket 20 --json | jq '.scoped.monthlyUSD'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return costRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	cmd.Flags().Float64Var(&opts.MonthlyChange, "monthly-change", cost.DefaultMonthlyChangePercent, "percentage of a scanned bucket's data new or changed a month (inspected by the incremental runs)")
	cmd.Flags().Float64Var(&opts.AssumeGB, "assume-gb-per-bucket", 0, "size, in GB, given to a bucket whose size Macie does not know")
	return cmd
}

func costRun(ctx context.Context, opts *costOptions) error {
	a := cost.Assumptions{SamplingPercentage: opts.Org.Sampling, MonthlyChangePercent: opts.MonthlyChange, AssumeGBPerBucket: opts.AssumeGB}
	if err := a.Validate(); err != nil {
		return withExit(2, err)
	}
	prices, err := cost.DefaultPrices()
	if err != nil {
		return err
	}
	o, err := opts.Org.load(ctx, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	r := o.engine(opts.Org.Endpoint, nil)
	snap := r.Observe(ctx)
	rep, inv := costReport(ctx, o, r.Reconciler, snap, prices, a)
	out := withForecast(ctx, o, r.Reconciler, snap, prices, a, rep, inv)
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, out)
	}
	return out.writeText(opts.IO.Out)
}

// costReport estimates the organization's cost and reads Macie's own figures.
func costReport(ctx context.Context, o *org, r *reconcile.Reconciler, snap reconcile.Snapshot, prices cost.Prices, a cost.Assumptions) (cost.Report, cost.Inventory) {
	reader := inventoryReader(o)
	inv, unread := readInventory(ctx, o, r, snap, reader)
	return cost.Report{
		Estimate: prices.Estimate(a, inv),
		Actual:   cost.Actual(ctx, reader, o.Config.Regions),
		Sources:  prices.Sources,
		Unread:   unread,
	}, inv
}

// inventoryReader reads what a cost estimate needs with the administrator's clients and the
// workload accounts' read role.
func inventoryReader(o *org) *cost.AWSReader {
	b := awsapi.NewBuckets(o.Clients, awsapi.BucketsOptions{ReadRole: o.Config.ReadRole, Self: o.Config.AdminAccount,
		SessionName: awsapi.OperatorSessionName})
	return cost.NewAWSReader(awsapi.NewMacie(o.Clients), b, o.Config.Regions[0])
}

// readInventory gathers the inventory of every account of the organization (excluded ones too:
// the "everywhere" figure covers them) in the managed Regions. What could not be read is
// returned as messages, including the pairs the snapshot could not read.
func readInventory(ctx context.Context, o *org, r *reconcile.Reconciler, snap reconcile.Snapshot, reader cost.Reader) (cost.Inventory, []string) {
	unread := []string{}
	var accounts []string
	all, err := r.Directory.Accounts(ctx)
	if err != nil {
		unread = append(unread, fmt.Sprintf("the organization's accounts: %v", err))
	}
	for _, a := range all {
		accounts = append(accounts, a.ID)
	}
	for _, m := range snap.Members {
		accounts = append(accounts, m.Account)
	}
	inv, errs := cost.Gather(ctx, reader, cost.Scope{
		Admin: o.Config.AdminAccount, Accounts: accounts, Regions: o.Config.Regions,
		Policy: o.Config.Policy, Members: snap.Members, Concurrency: o.Config.Concurrency,
	})
	var parts []*cost.ReadError
	for _, f := range snap.Failures {
		parts = append(parts, &cost.ReadError{Account: cmp.Or(f.Account, o.Config.AdminAccount), Regions: []string{f.Region}, Err: f.Err})
	}
	for _, e := range errs {
		var re *cost.ReadError
		if errors.As(e, &re) {
			parts = append(parts, re)
		} else {
			unread = append(unread, doctor.Brief(e))
		}
	}
	return inv, append(unread, unreadLines(parts)...)
}

// unreadLines says once per account and cause what could not be read, naming the Regions.
func unreadLines(parts []*cost.ReadError) []string {
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
