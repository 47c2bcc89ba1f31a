package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// doctorOptions holds what `maciectl doctor` needs.
type doctorOptions struct {
	IO  streams
	Org orgFlags
	// Sample is how many workload accounts the read role is tried in.
	Sample int
	// DLQURL is the dead-letter queue of the event queue; empty skips its check.
	DLQURL string
}

func newDoctorCmd(io streams, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the deployment and say what to fix",
		Long: `Doctor checks, from the Macie administrator account, that the deployment is healthy, and prints
each check as pass, warn, fail or skipped with a one-line remedy:

  delegated-admin           the caller is the delegated Macie administrator in each managed Region
  auto-enable-off           organization autoEnable is off (on, it enrols every new account)
  findings-to-security-hub  classification findings are published to Security Hub
  managed-job               exactly one active managed job per Region, with the definition the
                            flags want (compared as stored), not paused, last run without error
  read-role                 the read role can be assumed and list buckets, in --sample accounts;
                            the caller's role must be one of the stacks' OperatorRoleArns
  dead-letter-queue         the dead-letter queue (--dlq-url) is empty

It changes nothing. --json prints {"checks", "summary"} (see the README).
Exit status: 1 when a check fails, 0 otherwise (warnings allowed).`,
		Example: `  maciectl doctor --regions eu-west-1,us-east-1 --dlq-url https://sqs.eu-west-1.amazonaws.com/222222222222/macie-selfservice-dlq
  maciectl doctor --sample 20 --json | jq '.checks[] | select(.result == "fail")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	opts.Org.register(cmd.Flags())
	cmd.Flags().IntVar(&opts.Sample, "sample", 5, "workload accounts to try the read role in")
	cmd.Flags().StringVar(&opts.DLQURL, "dlq-url", "", "URL of the dead-letter queue to check (default: the check is skipped)")
	return cmd
}

func doctorRun(ctx context.Context, opts *doctorOptions) error {
	if opts.Sample < 0 {
		return withExit(2, errors.New("--sample: must not be negative"))
	}
	o, err := opts.Org.load(ctx, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	r := o.engine(opts.Org.Endpoint, nil)
	c := o.Config
	do := doctor.Options{Admin: c.AdminAccount, Regions: c.Regions, ReadRole: c.ReadRole, Caller: o.Caller,
		Job:       plan.NewJobSpec(c.Policy, c.ExcludedAccounts, c.SamplingPercentage),
		Discovery: r.Macie, DiscoveryPolicy: c.AutomatedDiscovery}
	do.Sample, do.SampleError = sampleAccounts(ctx, o, r.Directory, opts.Sample)
	if opts.DLQURL != "" {
		do.QueueDepth = func(ctx context.Context) (int, error) {
			return awsapi.QueueDepth(ctx, o.Clients, opts.DLQURL, c.Regions[0])
		}
	}
	rep := doctor.Run(ctx, r.Macie, inventoryReader(r, c.Regions[0]), do)
	if opts.Org.JSON {
		err = writeJSON(opts.IO.Out, rep)
	} else {
		err = rep.WriteText(opts.IO.Out)
	}
	if err != nil {
		return err
	}
	if rep.Failed() {
		return withExit(1, fmt.Errorf("%d check(s) failed", rep.Summary.Fail))
	}
	return nil
}

// sampleAccounts draws the accounts to try the read role in: the organization's active
// accounts, less the administrator (read with its own credentials) and the excluded ones.
func sampleAccounts(ctx context.Context, o *org, dir reconcile.Directory, n int) ([]string, error) {
	all, err := dir.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	excluded := o.Config.Rules().Excluded
	var ids []string
	for _, a := range all {
		if a.ID != o.Config.AdminAccount && !excluded[a.ID] && a.Active() {
			ids = append(ids, a.ID)
		}
	}
	slices.Sort(ids)
	return doctor.Sample(ids, n), nil
}
