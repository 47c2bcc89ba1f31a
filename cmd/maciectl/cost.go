package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
)

// costOptions holds what `maciectl cost` needs.
type costOptions struct {
	IO  streams
	Org orgFlags
	// MonthlyChange is the percentage of scanned data new or changed a month.
	MonthlyChange float64
	// AssumeGB is the size given to a bucket whose size Macie does not know.
	AssumeGB float64
	// DiscoveryDaily is the percentage of an account's data automated discovery analyses a day.
	DiscoveryDaily float64
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

It ends with a forecast of the next 30 days: monitoring and the incremental runs, the backfills
still due, and automated discovery where the organization has it on and it stays on (every
account Macie bills with --automated-discovery inherit; with off, the administrator and excluded
accounts), priced per object monitored and for --discovery-daily-percent of the account's data
analysed a day. Right after the engine enrols an account, Macie's inventory does not know its
buckets yet (it learns them at its next refresh, about daily): the forecast counts them as
unsized and says so.

--json prints {"currency", "assumptions", "priceTables", "scoped", "everywhere",
"monthlySavingUSD", "pairs", "warnings", "actual", "sources", "unread", "forecast"} (see the
README).`,
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
	cmd.Flags().Float64Var(&opts.DiscoveryDaily, "discovery-daily-percent", cost.DefaultDiscoveryDailyPercent,
		"percentage of an account's data automated discovery analyses a day where it stays on (the forecast; AWS does not publish it)")
	return cmd
}

func costRun(ctx context.Context, opts *costOptions) error {
	a := cost.Assumptions{SamplingPercentage: opts.Org.Sampling, MonthlyChangePercent: opts.MonthlyChange, AssumeGBPerBucket: opts.AssumeGB,
		DiscoveryDailyPercent: opts.DiscoveryDaily}
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
	eng := o.engine(opts.Org.Endpoint, nil)
	reader := inventoryReader(eng, o.Config.Regions[0])
	out := prices.Read(ctx, cost.Org{Config: o.Config, Reconciler: eng.Reconciler, Reader: reader, Usage: reader}, a)
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, out)
	}
	return out.WriteText(opts.IO.Out)
}

// inventoryReader reads what a cost estimate needs through the engine's own adapters, so that a
// command shares the engine's clients and each account's assumed read role (listing buckets in
// listRegion).
func inventoryReader(e *engine.Engine, listRegion string) *cost.AWSReader {
	return cost.NewAWSReader(e.Macie, e.Buckets, listRegion)
}
