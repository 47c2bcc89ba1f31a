package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
)

// planOptions holds what `maciectl plan` needs; apply shares them.
type planOptions struct {
	IO     streams
	Org    orgFlags
	Policy string
	// Terminal reports whether a stream is a terminal; nil checks the file descriptor.
	Terminal func(any) bool
}

func newPlanCmd(io streams, runF func(context.Context, *planOptions) error) *cobra.Command {
	opts := &planOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what the engine would change now in every account and managed Region",
		Long: `Plan reads the whole organization the way the scheduled full reconcile does (member status
of every account in every managed Region, the tags of its buckets, each Region's managed job and
findings publication) and prints, like a Terraform plan, what the engine would change now and why:
+ enrol (CreateMember), ~ resume, - pause, + CreateJob, - CancelJob, ~ ResumeJob,
+ EnablePublication. It changes nothing.

Warnings name near-miss tags (Macie=true, macie=True...), accounts whose read role cannot be
assumed, and tagged buckets in Regions that are not managed (one s3:ListBuckets per account, then
one tag:GetResources per unmanaged Region that holds buckets). The cost line is the monthly
change the plan implies, from published prices.

The Regions are read side by side, each --concurrency accounts at once. While they are read,
standard error shows how many pairs of each Region are done: one line redrawn in place on a
terminal, otherwise a line per Region that moved every 10 seconds; nothing with --json.

--json prints {"actions", "warnings", "errors", "summary", "cost"} (see the README).

Exit status: 0 when there is nothing to change, 2 when there are changes, 1 on error (also when
part of the organization could not be read).`,
		Example: `  maciectl plan --regions eu-west-1,us-east-1
  maciectl plan --policy no-pause --json | jq '.summary'
  maciectl plan --endpoint http://127.0.0.1:4566 --org-role-arn arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return planRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	cmd.Flags().StringVar(&opts.Policy, "policy", string(plan.Sync), "sync (every change) or no-pause (enrolments only, never a pause)")
	return cmd
}

// planRun prints the plan and exits 2 when it has changes.
func planRun(ctx context.Context, opts *planOptions) error {
	computed, err := computePlan(ctx, opts)
	if err != nil {
		return err
	}
	if err := writePlan(opts, computed.View); err != nil {
		return err
	}
	return planExit(computed.View)
}

// planExit is the exit status of a plan: 1 when part of the organization could not be read,
// 2 when there are changes, 0 otherwise.
func planExit(v planview.View) error {
	switch {
	case v.Summary.Errors > 0:
		return withExit(1, fmt.Errorf("%d part(s) of the organization could not be read; the plan is incomplete", v.Summary.Errors))
	case v.Summary.Changes > 0:
		return quietExit(2) // the plan printed says what changes
	}
	return nil
}

func writePlan(opts *planOptions, v planview.View) error {
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, v)
	}
	return v.WriteText(opts.IO.Out)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// computed is a plan with what apply needs to carry it out.
type computed struct {
	View planview.View
	// Plan is the plan the policy allows.
	Plan plan.Plan
	Org  *org
}

// computePlan reads the organization and builds the plan, its warnings and cost.
func computePlan(ctx context.Context, opts *planOptions) (*computed, error) {
	policy, err := plan.ParsePolicy(opts.Policy)
	if err != nil {
		return nil, withExit(2, fmt.Errorf("--policy: %w", err))
	}
	o, err := opts.Org.load(ctx, opts.IO.ErrOut)
	if err != nil {
		return nil, err
	}
	r := o.engine(opts.Org.Endpoint, nil)
	shown := progress(opts)
	r.Progress = shown.update
	snap := r.Observe(ctx)
	shown.finish()
	full := withCoverage(ctx, r.Reconciler, &snap, plan.Build(r.Rules, snap.Members, snap.Regions))
	p, held := policy.Filter(full)
	lists := newListCache(r, o)
	// The administrator's own buckets are scanned by its job too: check them as well (its
	// listing is shared with the cost estimate, which reads it anyway).
	accounts := append(planview.Accounts(snap.Members), o.Config.AdminAccount)
	extra := planview.Unmanaged(ctx, lists, accounts, o.Config.Regions, o.Config.Policy, o.Config.Concurrency)
	v := planview.New(p, held, extra, snap.Failures, o.Config.ReadRole)
	v.Cost = planCost(ctx, o, r.Reconciler, costReader(r, lists), snap, p)
	return &computed{View: v, Plan: p, Org: o}, nil
}

// progress returns the progress of reading the organization, per Region on standard error;
// none with --json.
func progress(opts *planOptions) *regionProgress {
	if opts.Org.JSON {
		return &regionProgress{}
	}
	return newRegionProgress(opts.IO.ErrOut, opts.isTerminal(opts.IO.ErrOut), time.Now)
}

func (opts *planOptions) isTerminal(s any) bool {
	if opts.Terminal != nil {
		return opts.Terminal(s)
	}
	f, ok := s.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
