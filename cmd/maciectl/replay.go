package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// replayOptions holds what `maciectl replay` needs.
type replayOptions struct {
	IO       streams
	Org      orgFlags
	Files    []string
	QueueURL string
	DryRun   bool
	// Max bounds the messages received from the queue.
	Max int
	// Visibility is how long received messages stay hidden from other consumers, in seconds.
	Visibility int32
}

// replayResult is the JSON output of replay.
type replayResult struct {
	DryRun   bool             `json:"dryRun"`
	Messages []replayMessage  `json:"messages"`
	Units    []reconcile.Unit `json:"units"`
	Plan     plan.Plan        `json:"plan"`
	Results  []execute.Result `json:"results"`
	Failures []replayFailure  `json:"failures"`
}

// replayFailure is a pair that could not be reconciled.
type replayFailure struct {
	reconcile.Unit
	Error     string `json:"error"`
	Retryable bool   `json:"retryable"`
}

func newReplayCmd(io streams, runF func(context.Context, *replayOptions) error) *cobra.Command {
	opts := &replayOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "replay [FILE...] | --queue-url URL",
		Short: "Reconcile the accounts named by dead-lettered events",
		Long: `Replay reads messages that the Lambda function could not reconcile (the dead-letter queue
keeps each message as it arrived: the CloudTrail event as EventBridge delivered it) and reconciles
every (account, Region) they name, reading fresh tags and member status as a sweep does: an old
event only says where to look.

Input is files (an SQS batch, the output of 'aws sqs receive-message', or raw EventBridge events;
"-" reads standard input) or the queue itself with --queue-url: messages are received (hidden for
--visibility seconds), reconciled, and only those whose pair was reconciled are deleted; messages
that failed or name no change stay in the queue. --dry-run shows what would change and deletes
nothing.

Exit status: 0 when every named pair was reconciled, 1 when one failed, 2 on bad flags.`,
		Example: `  maciectl replay --queue-url https://sqs.eu-west-1.amazonaws.com/222222222222/macie-selfservice-dlq
  aws sqs receive-message --queue-url "$DLQ" --max-number-of-messages 10 > dlq.json
  maciectl replay --dry-run dlq.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return replayRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&opts.QueueURL, "queue-url", "", "dead-letter queue to read (instead of files)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "show what would change; change and delete nothing")
	f.IntVar(&opts.Max, "max-messages", 100, "most messages received from the queue")
	f.Int32Var(&opts.Visibility, "visibility", 300, "seconds received messages stay hidden from other consumers")
	return cmd
}

func replayRun(ctx context.Context, opts *replayOptions) error {
	if (len(opts.Files) == 0) == (opts.QueueURL == "") {
		return withExit(2, errors.New("give either files or --queue-url"))
	}
	if opts.Max < 1 || opts.Visibility < 0 || opts.Visibility > 43200 {
		return withExit(2, errors.New("--max-messages must be positive and --visibility between 0 and 43200"))
	}
	o, err := opts.Org.load(ctx, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	o.Config.DryRun = opts.DryRun
	var queue awsapi.SQSAPI
	msgs, err := readReplayFiles(opts)
	if opts.QueueURL != "" {
		if queue, err = awsapi.Queue(o.Clients, opts.QueueURL, o.Config.Regions[0]); err == nil {
			msgs, err = receiveQueue(ctx, queue, opts.QueueURL, opts.Max, opts.Visibility)
		}
	}
	if err != nil {
		return err
	}
	out := replay(ctx, o.engine(opts.Org.Endpoint, nil).Reconciler, msgs, opts.DryRun)
	if queue != nil && !opts.DryRun {
		if err := deleteReconciled(ctx, queue, opts.QueueURL, out.Messages); err != nil {
			return err
		}
	}
	if err := printReplay(opts, out); err != nil {
		return err
	}
	if len(out.Failures) > 0 {
		return withExit(1, fmt.Errorf("%d pair(s) could not be reconciled; their messages were kept", len(out.Failures)))
	}
	return nil
}

func readReplayFiles(opts *replayOptions) ([]replayMessage, error) {
	var msgs []replayMessage
	for _, name := range opts.Files {
		m, err := readReplayFile(name, opts.IO.In)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m...)
	}
	return msgs, nil
}

// replay reconciles every pair the messages name, once, and records each message's outcome.
func replay(ctx context.Context, eng *reconcile.Reconciler, msgs []replayMessage, dryRun bool) replayResult {
	out := replayResult{DryRun: dryRun, Messages: msgs, Units: []reconcile.Unit{}, Failures: []replayFailure{}}
	for _, m := range msgs {
		u := reconcile.Unit{Account: m.Change.Account, Region: m.Change.Region}
		if m.Change.Relevant() && !slices.Contains(out.Units, u) {
			out.Units = append(out.Units, u)
		}
	}
	slices.SortFunc(out.Units, func(a, b reconcile.Unit) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	res := eng.Units(ctx, out.Units)
	out.Plan, out.Results = res.Plan, res.Report.Results
	if out.Results == nil {
		out.Results = []execute.Result{}
	}
	for _, f := range res.Failures {
		out.Failures = append(out.Failures, replayFailure{Unit: f.Unit, Error: f.Err.Error(), Retryable: f.Retryable})
	}
	for i := range out.Messages {
		out.Messages[i].Outcome = outcome(out.Messages[i], res.Failures)
	}
	return out
}

func outcome(m replayMessage, failures []reconcile.Failure) string {
	c := m.Change
	switch {
	case !c.Relevant():
		return "ignored"
	case slices.ContainsFunc(failures, func(f reconcile.Failure) bool {
		return (f.Region == c.Region || f.Region == "") && (f.Account == c.Account || f.Account == "")
	}):
		return "failed"
	}
	return "reconciled"
}

func printReplay(opts *replayOptions, out replayResult) error {
	if opts.Org.JSON {
		return writeJSON(opts.IO.Out, out)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%d message(s), %d pair(s) to reconcile%s\n\n", len(out.Messages), len(out.Units), map[bool]string{true: " (dry run)"}[opts.DryRun])
	fmt.Fprintln(w, "ACTION\tACCOUNT\tREGION\tOUTCOME\tREASON")
	for _, r := range out.Results {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Action.Kind, r.Action.Account, r.Action.Region, r.Outcome, r.Action.Reason)
	}
	for _, warn := range out.Plan.Warnings {
		fmt.Fprintf(w, "warning\t%s\t%s\t\t%s\n", warn.Account, warn.Region, warn.Message)
	}
	for _, f := range out.Failures {
		fmt.Fprintf(w, "FAILED\t%s\t%s\t\t%s\n", f.Account, f.Region, f.Error)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "MESSAGE\tSOURCE\tOUTCOME\tDELETED\tCHANGE")
	for _, m := range out.Messages {
		what := fmt.Sprintf("%s %s %s %s", m.Change.Kind, m.Change.Account, m.Change.Region, m.Change.Bucket)
		if !m.Change.Relevant() {
			what = m.Change.Reason
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\n", cmp.Or(m.Change.MessageID, "-"), m.Source, m.Outcome, m.Deleted, what)
	}
	return w.Flush()
}
