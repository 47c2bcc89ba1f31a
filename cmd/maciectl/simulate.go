package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

// simulateOptions holds what `maciectl simulate` and `maciectl demo` need.
type simulateOptions struct {
	IO   streams
	File string
	JSON bool
	// Logs, when set, sends the engine's JSON logs to standard error.
	Logs bool
}

func newSimulateCmd(io streams, runF func(context.Context, *simulateOptions) error) *cobra.Command {
	opts := &simulateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "simulate FILE",
		Short: "Run a scenario through the real engine against the local sandbox",
		Long: `Simulate builds the organization a scenario describes in a local multi-account AWS
sandbox, makes each step's bucket change through S3 as the bucket's account, and delivers the
CloudTrail events the sandbox produces to the real engine, the way the queue in production would:
held, reordered, duplicated, dropped, and redelivered up to 3 times when a reconcile fails in a way
a retry can fix. Time is virtual: advance steps move one clock shared by the sandbox and the engine
through Macie's job runs, inventory refreshes and automated discovery cycles and the engine's
scheduled reconciles, so a month of activity takes seconds.

It then prints the timeline (with what Macie ran) and the final state: member status of every
workload account in every managed Region, the managed scan jobs, findings publication, the buckets
the jobs would scan next, what Macie analysed of every bucket (coverage), what it would bill and
the findings it produced, warnings, what still failed, and the AWS API calls the engine made.

A malformed scenario is rejected before anything runs, naming the file, the line and what is wrong.
The scenario format is described in the README; 'maciectl demo --print-scenario' shows an example.`,
		Example: `  maciectl simulate scenario.yaml
  maciectl simulate scenario.yaml --json | jq '.members[] | select(.status == "Enabled")'
  maciectl simulate scenario.yaml --json | jq '.coverage[] | select(.inScope and .analysed < .objects)'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return simulateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the final state as one JSON object")
	cmd.Flags().BoolVar(&opts.Logs, "logs", false, "write the engine's JSON logs to standard error")
	return cmd
}

func simulateRun(ctx context.Context, opts *simulateOptions) error {
	s, err := scenario.Load(opts.File)
	if err != nil {
		return withExit(2, err)
	}
	return runScenario(ctx, opts, s)
}

// runScenario runs s and prints the outcome as text or JSON.
func runScenario(ctx context.Context, opts *simulateOptions, s *scenario.Scenario) error {
	out, err := simulateScenario(ctx, opts, s)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return out.WriteText(opts.IO.Out)
}

// simulateScenario runs s with the options' logging.
func simulateScenario(ctx context.Context, opts *simulateOptions, s *scenario.Scenario) (*simulate.Output, error) {
	simOpts := simulate.Options{}
	if opts.Logs {
		simOpts.Logs = opts.IO.ErrOut
	}
	out, err := simulate.Run(ctx, s, simOpts)
	if err != nil {
		return nil, fmt.Errorf("simulation: %w", err)
	}
	return out, nil
}

// demoOptions holds what `maciectl demo` needs.
type demoOptions struct {
	simulateOptions
	PrintScenario bool
}

func newDemoCmd(io streams, runF func(context.Context, *demoOptions) error) *cobra.Command {
	opts := &demoOptions{simulateOptions: simulateOptions{IO: io}}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See the whole system work on a local sandbox, no AWS account needed",
		Long: `Demo runs a built-in scenario on the embedded local AWS sandbox: four workload accounts in
two Regions, teams tagging buckets macie=true, a near-miss tag, an untagged and a deleted bucket, a
protected and an excluded account, and a lost event repaired by the scheduled full reconcile. Then
a team tags a bucket holding seven years of records and a virtual day passes. It prints what
happened at each step and why, the final Macie state and scan scope, what Macie analysed of every
bucket and what it would bill, and the objects of tagged buckets left unanalysed.`,
		Example: `  maciectl demo
  maciectl demo --print-scenario > my-scenario.yaml && maciectl simulate my-scenario.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the final state as one JSON object")
	cmd.Flags().BoolVar(&opts.Logs, "logs", false, "write the engine's JSON logs to standard error")
	cmd.Flags().BoolVar(&opts.PrintScenario, "print-scenario", false, "print the demo's scenario YAML instead of running it")
	return cmd
}

const demoIntro = `Macie Self-Service demo, on a local sandbox of AWS accounts (no AWS account needed).
Teams tag S3 buckets macie=true; each change reaches the engine as the CloudTrail event AWS would
deliver; the engine reads fresh state, enrols or pauses the account in that Region, and keeps one
daily classification job that scans exactly the tagged buckets. Time is virtual: the day at the
end passes in a moment. + adds, ~ resumes, - pauses, ! warns.

`

func demoRun(ctx context.Context, opts *demoOptions) error {
	if opts.PrintScenario {
		_, err := opts.IO.Out.Write(scenario.DemoYAML())
		return err
	}
	if opts.JSON {
		return runScenario(ctx, &opts.simulateOptions, scenario.Demo())
	}
	if _, err := fmt.Fprint(opts.IO.Out, demoIntro); err != nil {
		return err
	}
	out, err := simulateScenario(ctx, &opts.simulateOptions, scenario.Demo())
	if err != nil {
		return err
	}
	if err := out.WriteText(opts.IO.Out); err != nil {
		return err
	}
	return writeGap(opts.IO.Out, out)
}

// writeGap says plainly which objects of in-scope buckets Macie never analysed, and why.
func writeGap(w io.Writer, out *simulate.Output) error {
	if len(out.Gap()) == 0 {
		_, err := fmt.Fprint(w, "\nEvery object of every tagged bucket was analysed at least once.\n")
		return err
	}
	_, err := fmt.Fprint(w, `
The gap this demo shows: objects of tagged buckets that Macie never analysed (listed under
Coverage above). A scheduled job analyses, on each run after its first, only objects created or
changed since its previous run, and its bucket criteria see Macie's inventory, refreshed daily.
Objects a bucket held before it was tagged, or before the inventory saw it tagged (a new
member's buckets appear at the next refresh), are therefore never analysed by the daily job.
With backfill on, the scheduled reconcile starts a one-time job for them once the inventory
shows the bucket tagged; until then, or with backfill off, they stay unanalysed.
`)
	return err
}
