// Package simulate runs a scenario through the real engine, the real AWS SDK adapters and a local
// sandbox: teams change buckets through S3, the sandbox turns each change into the CloudTrail event
// AWS would deliver, and the events reach the engine the way the queue in production would deliver
// them (held, reordered, duplicated, dropped, retried).
//
// Time is virtual: one clock, read by the sandbox (event times, Macie's schedules), the engine
// (its stale-read window) and the simulator, moves only in advance steps, from one due moment to
// the next, so a month of job runs, inventory refreshes and scheduled reconciles takes seconds.
package simulate

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// Defaults of a run.
const (
	// RetryLimit is how often a message is delivered before it counts as failed, like an SQS
	// queue's maxReceiveCount.
	RetryLimit = 3
	// OrgReadRole is the role in the management account that lets the engine list accounts.
	OrgReadRole = config.DefaultOrgReadRole
)

// Options tune a run.
type Options struct {
	// Logs receives the engine's JSON logs; nil discards them.
	Logs io.Writer
	// PageSize caps the sandbox's pages (0: AWS defaults).
	PageSize int
	// AfterStep, when set, is called after each step with what the run is made of, so that a
	// caller can read the sandbox or the engine at that moment of virtual time.
	AfterStep func(ctx context.Context, p Probe)
}

// Probe is a run between two steps: the step just run (from 1), the virtual time, the sandbox
// and its endpoint, and the engine with its configuration.
type Probe struct {
	Step    int
	At      time.Time
	Sandbox *sandbox.Sandbox
	Server  *sandbox.Server
	Engine  *engine.Engine
	Config  config.Config
}

// runner is one run in progress.
type runner struct {
	s     *scenario.Scenario
	sb    *sandbox.Sandbox
	srv   *sandbox.Server
	eng   *reconcile.Reconciler
	out   *Output
	hold  bool
	queue []message
	// teamCalls are the calls the scenario's own bucket changes made, left out of apiCalls.
	teamCalls map[string]int
	nextID    int
	clock     *vclock.Clock
	// nextSweep is when the scheduled full reconcile runs next.
	nextSweep time.Time
	// last is what Macie had recorded at the latest note of its activity.
	last tally
	// findings is the function's findings router (notify.go).
	findings *findings.Router
}

// Run runs the scenario and returns the final state.
func Run(ctx context.Context, s *scenario.Scenario, opts Options) (*Output, error) {
	clock := vclock.New(start)
	sb := sandbox.New(sandbox.Options{PageSize: opts.PageSize, Seed: 1, Now: clock.Now})
	if err := setup(sb, s, start); err != nil {
		return nil, err
	}
	// Macie's inventory holds the initial buckets when the scenario starts; the refresh period
	// applies from there.
	sb.Macie().RunDue()
	sb.Macie().SetInventoryRefresh(s.Initial.InventoryRefresh())
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	defer func() { _ = srv.Close() }()
	r := &runner{s: s, sb: sb, srv: srv, out: &Output{scenario: s}, teamCalls: map[string]int{}, clock: clock,
		nextSweep: start.Add(s.Config.ReconcileEvery())}
	e := newEngine(ctx, srv, s, opts.Logs)
	r.eng = e.Reconciler
	r.eng.Now = clock.Now
	if r.findings, err = newFindings(ctx, srv, s, opts.Logs); err != nil {
		return nil, err
	}
	r.last = r.fullTally(r.quickTally())
	for i, st := range s.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.step(ctx, i, st)
		if opts.AfterStep != nil {
			opts.AfterStep(ctx, Probe{Step: i + 1, At: clock.Now(), Sandbox: sb, Server: srv, Engine: e, Config: EngineConfig(s)})
		}
	}
	r.finish()
	return r.out, nil
}

// EngineConfig returns the engine configuration a scenario asks for.
func EngineConfig(s *scenario.Scenario) config.Config {
	policy := tagpolicy.Policy{Key: s.Config.TagKey, Value: tagpolicy.DefaultValue}
	if policy.Key == "" {
		policy.Key = tagpolicy.DefaultKey
	}
	if s.Config.TagValue != nil {
		policy.Value = *s.Config.TagValue
	}
	org := s.Organization
	return config.Config{
		AdminAccount:       org.AdminAccount,
		Regions:            org.Regions,
		Policy:             policy,
		ProtectedAccounts:  s.Config.ProtectedAccounts,
		ExcludedAccounts:   s.Config.ExcludedAccounts,
		ReadRole:           config.DefaultReadRole,
		OrgRoleARN:         "arn:aws:iam::" + org.ManagementAccount + ":role/" + OrgReadRole,
		SamplingPercentage: config.DefaultSampling,
		DryRun:             s.Config.DryRun,
		Concurrency:        8,
		Backfill:           s.Config.Backfill != config.BackfillOff,
		AutomatedDiscovery: cmp.Or(s.Config.AutomatedDiscovery, config.DefaultDiscovery),
	}
}

func newEngine(ctx context.Context, srv *sandbox.Server, s *scenario.Scenario, logs io.Writer) *engine.Engine {
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	cfg := EngineConfig(s)
	awsCfg := srv.Config(ctx, cfg.AdminAccount, cfg.Regions[0])
	return engine.New(awsCfg, cfg, engine.Options{Endpoint: srv.URL(), Logger: logger})
}
