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
	// MaxAttempts bounds the attempts per call of the SDK's standard retryer, the only retry
	// layer; zero keeps the default.
	MaxAttempts int
	Logger      *slog.Logger
}

// Engine is the reconciler and the AWS adapters it was wired with, so that a command that also
// needs an adapter (an inventory, a bucket listing) shares its clients and cached credentials.
type Engine struct {
	*reconcile.Reconciler
	Clients   *awsapi.Clients
	Macie     *awsapi.Macie
	Buckets   *awsapi.Buckets
	Directory *awsapi.Directory
}

// New returns the engine that reads and changes AWS (or the sandbox) as cfg says, running in the
// Macie administrator account whose credentials awsCfg carries.
func New(awsCfg aws.Config, cfg config.Config, opts Options) *Engine {
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: opts.Endpoint, MaxAttempts: opts.MaxAttempts})
	e := &Engine{
		Clients:   clients,
		Macie:     awsapi.NewMacie(clients),
		Buckets:   awsapi.NewBuckets(clients, awsapi.BucketsOptions{ReadRole: cfg.ReadRole, Self: cfg.AdminAccount}),
		Directory: awsapi.NewDirectory(clients, awsapi.DirectoryOptions{OrgRoleARN: cfg.OrgRoleARN}),
	}
	e.Reconciler = &reconcile.Reconciler{
		Macie:     e.Macie,
		Buckets:   e.Buckets,
		Directory: e.Directory,
		Coverage:  e.Macie,
		Applier: &execute.Executor{Macie: e.Macie, Coverage: e.Macie, DryRun: cfg.DryRun, Logger: opts.Logger,
			Concurrency: cfg.Concurrency},
		Rules:         cfg.Rules(),
		Regions:       cfg.Regions,
		Concurrency:   cfg.Concurrency,
		ShardAccounts: cfg.SweepShardAccounts,
		Logger:        opts.Logger,
	}
	return e
}
