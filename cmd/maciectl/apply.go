package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
)

// applyOptions holds what `maciectl apply` needs.
type applyOptions struct {
	planOptions
	Yes    bool
	DryRun bool
	// Rate is the most Macie calls a second.
	Rate float64
	// Throttle, when set, replaces the rate limiter built from Rate.
	Throttle func(context.Context) error
}

// defaultRate keeps a large rollout clear of Macie's unpublished per-operation rate quotas; a
// burst of CreateMember calls has been seen to throttle.
const defaultRate = 5

func newApplyCmd(io streams, runF func(context.Context, *applyOptions) error) *cobra.Command {
	opts := &applyOptions{planOptions: planOptions{IO: io}}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Make the changes that plan shows, after confirmation",
		Long: `Apply computes the same plan as 'maciectl plan', shows it, asks for confirmation and applies it:
CreateMember, UpdateMemberSession (ENABLED or PAUSED), CreateClassificationJob,
UpdateClassificationJob (RUNNING or CANCELLED) and PutFindingsPublicationConfiguration. It never
disables Macie, disassociates or deletes a member. Changes run --concurrency accounts at once and
at most --rate Macie calls a second; throttled calls are retried with backoff.

Only the answer 'yes' confirms. Without a terminal, --yes is required (or --dry-run, which shows
what would be applied and changes nothing). --policy no-pause applies enrolments, resumptions
and the Regions' job and publication, never a pause, and says how many pauses it held back.

--json prints {"plan": {...}, "results": [...], "done": n, "skipped": n, "failed": n, ...}.

Exit status: 0 when everything was applied (or there was nothing to do), 1 when an action failed,
part of the organization could not be read, or the confirmation was refused, 2 on bad flags or
without a terminal and without --yes.`,
		Example: `  maciectl apply --regions eu-west-1,us-east-1
  maciectl apply --yes --policy no-pause --rate 2
  maciectl apply --dry-run --json | jq '.results[].action.kind'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&opts.Policy, "policy", string(plan.Sync), "sync (every change) or no-pause (enrolments only, never a pause)")
	f.BoolVar(&opts.Yes, "yes", false, "apply without asking for confirmation")
	f.BoolVar(&opts.DryRun, "dry-run", false, "show what would be applied and change nothing")
	f.Float64Var(&opts.Rate, "rate", defaultRate, "most Macie calls a second")
	return cmd
}

// applyResult is the JSON output of apply.
type applyResult struct {
	Plan planview.View `json:"plan"`
	planview.Applied
}

func applyRun(ctx context.Context, opts *applyOptions) error {
	if !(opts.Rate > 0) {
		return withExit(2, fmt.Errorf("--rate %v: want a number of calls a second above 0", opts.Rate))
	}
	if !opts.Yes && !opts.DryRun && !opts.isTerminal(opts.IO.In) {
		return withExit(2, errors.New("refusing to apply without a terminal to confirm on: pass --yes to apply, or --dry-run to see what would be applied"))
	}
	c, err := computePlan(ctx, &opts.planOptions)
	if err != nil {
		return err
	}
	if !opts.Org.JSON {
		if err := c.View.WriteText(opts.IO.Out); err != nil {
			return err
		}
	}
	if len(c.Plan.Actions) > 0 && !opts.Yes && !opts.DryRun {
		if err := confirm(opts, c.View); err != nil {
			return err
		}
	}
	macie := awsapi.NewMacie(c.Org.Clients)
	ex := &execute.Executor{Macie: macie, Coverage: macie, DryRun: opts.DryRun,
		Concurrency: c.Org.Config.Concurrency, Throttle: opts.throttle()}
	applied := planview.NewApplied(ex.Apply(ctx, c.Plan), c.View.Summary.PausesHeldBack, opts.DryRun)
	if err := writeApplied(opts, c.View, applied); err != nil {
		return err
	}
	return applyExit(c.View, applied)
}

// confirm asks on the terminal; only "yes" goes on. In JSON mode the plan and the question go
// to standard error, keeping standard output one JSON document.
func confirm(opts *applyOptions, v planview.View) error {
	w := opts.IO.Out
	if opts.Org.JSON {
		w = opts.IO.ErrOut
		if err := v.WriteText(w); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(w, "\nApply these %d changes? Only 'yes' is accepted: ", len(v.Actions)); err != nil {
		return err
	}
	answer, err := bufio.NewReader(opts.IO.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the confirmation: %w", err)
	}
	if strings.TrimSpace(answer) != "yes" {
		return withExit(1, errors.New("apply cancelled: nothing was changed"))
	}
	return nil
}

// throttle is the request-rate limit every Macie call waits on.
func (opts *applyOptions) throttle() func(context.Context) error {
	if opts.Throttle != nil {
		return opts.Throttle
	}
	return rate.NewLimiter(rate.Limit(opts.Rate), 1).Wait
}

func writeApplied(opts *applyOptions, v planview.View, a planview.Applied) error {
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, applyResult{Plan: v, Applied: a})
	}
	if _, err := fmt.Fprintln(opts.IO.Out); err != nil {
		return err
	}
	return a.WriteText(opts.IO.Out)
}

// applyExit is 1 when an action failed or part of the organization could not be read.
func applyExit(v planview.View, a planview.Applied) error {
	switch {
	case a.Failed > 0:
		return withExit(1, fmt.Errorf("%d change(s) failed", a.Failed))
	case v.Summary.Errors > 0:
		return withExit(1, fmt.Errorf("%d part(s) of the organization could not be read; changes there were not planned", v.Summary.Errors))
	}
	return nil
}
