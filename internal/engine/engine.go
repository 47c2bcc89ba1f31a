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
	// SessionName is the session name of the roles assumed (the read roles, the Organizations
	// role); empty means awsapi.SessionName, the function's. maciectl passes
	// awsapi.OperatorSessionName, which the templates' trust policies require of operators.
	SessionName string
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
		Buckets:   opts.buckets(clients, cfg),
		Directory: opts.directory(clients, cfg),
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

// buckets returns the bucket reader of cfg's read role.
func (o Options) buckets(c *awsapi.Clients, cfg config.Config) *awsapi.Buckets {
	return awsapi.NewBuckets(c, awsapi.BucketsOptions{ReadRole: cfg.ReadRole, Self: cfg.AdminAccount, SessionName: o.SessionName})
}

// directory returns the organization directory, through cfg's Organizations role.
func (o Options) directory(c *awsapi.Clients, cfg config.Config) *awsapi.Directory {
	return awsapi.NewDirectory(c, awsapi.DirectoryOptions{OrgRoleARN: cfg.OrgRoleARN, SessionName: o.SessionName})
}
