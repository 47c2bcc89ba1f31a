// Package bench measures the engine against the local sandbox: API calls per event as an account
// grows, coalescing of event bursts, the full organization sweep under latency and a request-rate
// limit, and the Lambda binary's start-up and footprint. Beside the engine it implements, for
// comparison only, the naive way of handling an event (list every bucket, read each one's tags,
// check the member, act).
//
// Everything runs the real engine (engine.New) with the real aws-sdk-go-v2 adapters over HTTP
// against sandbox.Sandbox; calls are counted by the sandbox, per operation.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// The organization every benchmark builds.
const (
	Management = "111111111111"
	Admin      = "222222222222"
	Region     = "eu-west-1"
	OrgRole    = "MacieSelfServiceOrgRead"
)

// Env is a sandbox served on loopback behind request-rate quotas.
type Env struct {
	SB *sandbox.Sandbox
	// Limiter applies the quotas and counts the calls by service and Region.
	Limiter *Limiter
	URL     string
	srv     *http.Server
}

// EnvOptions shape an Env.
type EnvOptions struct {
	// Limits are the request-rate quotas in front of the sandbox handler (none: unlimited).
	Limits Limits
	// Latency is added to every call by the sandbox (SetFault "*" Latency).
	Latency time.Duration
	// Regions where the Macie administrator is designated; none means Region.
	Regions []string
}

// NewEnv returns an empty organization (management and administrator accounts, the Macie
// administrator designated in the Regions) served on a free loopback port. Close it when done.
func NewEnv(opts EnvOptions) (*Env, error) {
	sb := sandbox.New(sandbox.Options{Seed: 1})
	sb.SetOrganization("o-"+Management[:10], Management)
	sb.AddAccount(sandbox.Account{ID: Management, Email: "management@example.com", Name: "management"})
	sb.AddAccount(sandbox.Account{ID: Admin, Email: "security@example.com", Name: "macie-admin"})
	sb.AddRole(Management, OrgRole)
	sb.AddRole(Management, config.DefaultReadRole)
	for _, r := range regionsOr(opts.Regions) {
		sb.Macie().SetAdmin(r, Admin)
	}
	if opts.Latency > 0 {
		sb.SetFault("*", sandbox.Fault{Latency: opts.Latency})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the sandbox: %w", err)
	}
	lim := NewLimiter(sb.Handler(), opts.Limits)
	srv := &http.Server{Handler: lim, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // returns http.ErrServerClosed after Close
	return &Env{SB: sb, Limiter: lim, URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// regionsOr returns regions, or Region when there is none.
func regionsOr(regions []string) []string {
	if len(regions) == 0 {
		return []string{Region}
	}
	return regions
}

// Close stops serving.
func (e *Env) Close() error {
	if err := e.srv.Close(); err != nil {
		return fmt.Errorf("closing the sandbox endpoint: %w", err)
	}
	return nil
}

// AddWorkload adds a workload account with the engine's read-only role.
func (e *Env) AddWorkload(id string) {
	e.SB.AddAccount(sandbox.Account{ID: id, Email: id + "@example.com", Name: id})
	e.SB.AddRole(id, config.DefaultReadRole)
}

// AWSConfig is the configuration of a caller in account, as config.LoadDefaultConfig would build
// it: one shared HTTP client for every SDK client made from it.
func AWSConfig(endpoint, account string) aws.Config {
	cfg := sandbox.ClientConfig(endpoint, account, "bench-secret", "", Region)
	cfg.HTTPClient = awshttp.NewBuildableClient()
	return cfg
}

// EngineConfig is the engine configuration of the benchmark organization, managing the given
// Regions (none: Region).
func EngineConfig(concurrency int, regions ...string) config.Config {
	return config.Config{
		AdminAccount:       Admin,
		Regions:            regionsOr(regions),
		Policy:             tagpolicy.Policy{Key: tagpolicy.DefaultKey, Value: tagpolicy.DefaultValue},
		ReadRole:           config.DefaultReadRole,
		OrgRoleARN:         "arn:aws:iam::" + Management + ":role/" + OrgRole,
		SamplingPercentage: config.DefaultSampling,
		Concurrency:        concurrency,
	}
}

// NewEngine returns the real engine, wired as the Lambda wires it, calling endpoint as the
// administrator account and managing the given Regions (none: Region).
func NewEngine(endpoint string, concurrency int, regions ...string) *reconcile.Reconciler {
	return engine.New(AWSConfig(endpoint, Admin), EngineConfig(concurrency, regions...), engine.Options{
		Endpoint: endpoint,
		Logger:   slog.New(slog.DiscardHandler),
	}).Reconciler
}

// Delta is the calls per operation made between two snapshots of the sandbox's counters.
type Delta map[string]int

// Total is the number of calls.
func (d Delta) Total() int {
	n := 0
	for _, v := range d {
		n += v
	}
	return n
}

// Counter measures the calls made since it was started.
type Counter struct {
	sb     *sandbox.Sandbox
	before map[string]int
}

// Count starts counting the calls the sandbox receives.
func Count(sb *sandbox.Sandbox) *Counter {
	return &Counter{sb: sb, before: sb.Calls()}
}

// Delta returns the calls per operation received since Count.
func (c *Counter) Delta() Delta {
	d := Delta{}
	for op, n := range c.sb.Calls() {
		if k := n - c.before[op]; k > 0 {
			d[op] = k
		}
	}
	return d
}

// ensureRegion makes the managed Region ready (job and publication) before measuring, so that
// the one-time set-up is not counted against an event.
func ensureRegion(ctx context.Context, eng *reconcile.Reconciler) error {
	res := eng.EnsureRegions(ctx)
	if len(res.Failures) > 0 {
		return fmt.Errorf("preparing %s: %w", Region, res.Failures[0].Err)
	}
	return nil
}
