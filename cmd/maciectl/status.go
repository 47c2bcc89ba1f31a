package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/status"
)

// statusOptions holds what `maciectl status` needs.
type statusOptions struct {
	IO  streams
	Org orgFlags
	// HTML, when set, is the file the self-contained page is written to.
	HTML string
	// Now gives the page's generation time; nil means time.Now.
	Now func() time.Time
}

func newStatusCmd(io streams, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show, per account and Region, what Macie scans and why",
		Long: `Status reads the organization (like plan) and prints, per account and managed Region: the
Macie member status, the buckets tagged in scope, near-miss tags (Macie=true, macie=True...), and
for each of these buckets whether the active managed job scans it. That is judged from the job's
stored bucket criteria (DescribeClassificationJob) and the account's member status, with the
reason when it does not ("not scanned: member paused"), and its sensitive data findings (count
by severity, last seen; ListFindings and GetFindings, two calls per 50 findings). Per Region: the active job, its status
and last run, the other managed jobs, and whether classification findings go to Security Hub.
Each account's estimated monthly cost comes from the same model as 'maciectl cost'.

--html FILE also writes one self-contained page (inline CSS and SVG chart of coverage and cost
per account, no script, nothing loaded from the network). --json prints {"policy", "regions",
"accounts"} (see the README). It changes nothing.`,
		Example: `  maciectl status --regions eu-west-1,us-east-1
  maciectl status --html status.html
  maciectl status --json | jq '.accounts[].buckets[] | select(.inScope and (.scanned | not))'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	cmd.Flags().StringVar(&opts.HTML, "html", "", "also write a self-contained HTML page with a chart to this file")
	return cmd
}

func statusRun(ctx context.Context, opts *statusOptions) error {
	o, err := opts.Org.load(ctx, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	r := o.engine(opts.Org.Endpoint, nil)
	snap := r.Observe(ctx)
	rep := status.Build(statusInput(ctx, opts, o, r, snap))
	if opts.HTML != "" {
		if err := writeStatusPage(opts, rep); err != nil {
			return err
		}
	}
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, rep)
	}
	return rep.WriteText(opts.IO.Out)
}

// statusInput gathers what the report is built from: the snapshot, each Region's active job as
// stored, and the cost estimate per pair.
func statusInput(ctx context.Context, opts *statusOptions, o *org, r *engine.Engine, snap reconcile.Snapshot) status.Input {
	in := status.Input{Admin: o.Config.AdminAccount, Policy: o.Config.Policy, Members: snap.Members}
	macie := r.Macie
	want := plan.NewJobSpec(o.Config.Policy, o.Config.ExcludedAccounts, o.Config.SamplingPercentage).Name
	for _, rs := range snap.Regions {
		g := status.Region{Region: rs.Region, Publishing: rs.Publishing, Jobs: rs.Jobs}
		if active, ok := status.ActiveJob(rs.Jobs, want); ok {
			j, err := macie.DescribeJob(ctx, rs.Region, active.ID)
			if err != nil {
				g.Error = err.Error()
			} else {
				g.Active = &j
			}
		}
		if g.Jobs == nil {
			g.Jobs = []plan.Job{}
		}
		in.Regions = append(in.Regions, g)
		in.Findings = append(in.Findings, regionFindings(ctx, opts, macie, rs.Region)...)
	}
	var failures []reconcile.Failure
	in.Backfills, failures = r.BackfillStates(ctx, snap)
	for _, f := range append(snap.Failures, failures...) {
		if f.Account == "" {
			in.Regions = append(in.Regions, status.Region{Region: f.Region, Jobs: []plan.Job{}, Error: f.Err.Error()})
			continue
		}
		in.Failures = append(in.Failures, status.Failure{Account: f.Account, Region: f.Region, Error: doctor.Brief(f.Err)})
	}
	if prices, err := cost.DefaultPrices(); err == nil {
		a := cost.Assumptions{SamplingPercentage: o.Config.SamplingPercentage, MonthlyChangePercent: cost.DefaultMonthlyChangePercent}
		inv, _ := cost.ReadInventory(ctx, cost.Org{Config: o.Config, Reconciler: r.Reconciler, Reader: inventoryReader(r, o.Config.Regions[0])}, snap)
		in.Costs = prices.Estimate(a, inv).Pairs
	}
	return in
}

// regionFindings reads the sensitive data findings of a Region per bucket; a failure is a warning
// on standard error, and the report goes on without them.
func regionFindings(ctx context.Context, opts *statusOptions, macie *awsapi.Macie, region string) []status.BucketFindings {
	found, err := macie.Findings(ctx, region)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: findings of %s not read: %v\n", region, err)
		return nil
	}
	out := make([]status.BucketFindings, 0, len(found))
	for _, b := range found {
		out = append(out, status.BucketFindings{Account: b.Account, Region: region, Bucket: b.Bucket, Findings: status.Findings{
			Low: b.BySeverity["Low"], Medium: b.BySeverity["Medium"], High: b.BySeverity["High"], LastSeen: b.LastSeen}})
	}
	return out
}

// writeStatusPage writes the HTML page, whole or not at all.
func writeStatusPage(opts *statusOptions, rep status.Report) error {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf, now()); err != nil {
		return err
	}
	if err := os.WriteFile(opts.HTML, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the status page: %w", err)
	}
	return nil
}
