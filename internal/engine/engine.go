// Package engine wires the reconciler to the AWS adapters: one place that turns a configuration
// and AWS credentials into a working engine, for the Lambda, maciectl and the simulator alike.
package engine

import (
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// Options are the wiring choices that are not part of the configuration.
type Options struct {
	// Endpoint is the base URL of a local sandbox; empty means AWS.
	Endpoint string
	// MaxAttempts bounds the SDK's retries per call; zero keeps the default.
	MaxAttempts int
	Logger      *slog.Logger
	// Retry paces the executor's retries; the zero value is the default backoff.
	Retry execute.Backoff
}

// New returns a reconciler that reads and changes AWS (or the sandbox) as cfg says, running in
// the Macie administrator account whose credentials awsCfg carries.
func New(awsCfg aws.Config, cfg config.Config, opts Options) *reconcile.Reconciler {
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: opts.Endpoint, MaxAttempts: opts.MaxAttempts})
	macie := awsapi.NewMacie(clients)
	return &reconcile.Reconciler{
		Macie:     macie,
		Buckets:   awsapi.NewBuckets(clients, awsapi.BucketsOptions{ReadRole: cfg.ReadRole, Self: cfg.AdminAccount}),
		Directory: awsapi.NewDirectory(clients, awsapi.DirectoryOptions{OrgRoleARN: cfg.OrgRoleARN}),
		Coverage:  macie,
		Applier: &execute.Executor{Macie: macie, Coverage: macie, DryRun: cfg.DryRun, Logger: opts.Logger,
			Concurrency: cfg.Concurrency, Retry: opts.Retry},
		Rules:       cfg.Rules(),
		Regions:     cfg.Regions,
		Concurrency: cfg.Concurrency,
		Logger:      opts.Logger,
	}
}
