// Package lambdafn is the Lambda function: one handler that recognises what invoked it and
// hands the work to the reconciler.
//
//   - An SQS batch of forwarded CloudTrail events: every message is decoded on its own, all
//     changes are reconciled at once (each (account, Region) once), and the answer lists as
//     batchItemFailures exactly the messages whose reconcile failed in a way a retry can fix.
//     Messages that cannot be decoded or ask for nothing are logged and not retried.
//   - A scheduled EventBridge event: with an events queue (Sweep), the first shard of every
//     managed Region is sent to it, and the sweep runs there in steps between the events (an SQS
//     batch may carry shards beside events: each shard's slice is reconciled in the same run, and
//     the next shard is sent before the batch is answered; shards.go). Without one, a full
//     reconcile of every account, stopped before the function's timeout; the answer says how far
//     it got.
//   - A CloudFormation custom resource request (property Role): "DelegatedAdmin" designates the
//     Macie administrator per Region from the management account, "AdminSetup" ensures the scan
//     job and findings publication in the administrator account. CloudFormation is always
//     answered, on failure, panic and timeout too.
//   - Anything else: one log line and an error.
//
// Logs are JSON lines (log/slog) on stdout, one per decision; metrics are Embedded Metric Format
// lines (namespace MacieSelfService) on stdout.
package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// Engine is the reconciler the handler drives; *reconcile.Reconciler is one.
type Engine interface {
	Batch(ctx context.Context, changes []event.Change, shards []event.Shard) reconcile.BatchResult
	FirstShards(sweep time.Time) []event.Shard
	Full(ctx context.Context) reconcile.Result
	EnsureRegions(ctx context.Context) reconcile.Result
}

// Handler answers every kind of invocation. Build it once per cold start.
type Handler struct {
	// Engine reconciles; nil in a management-account deployment, where only DelegatedAdmin
	// custom resources are served.
	Engine Engine
	// OrgAdmin returns the Macie client of a Region for designating the administrator; nil
	// where DelegatedAdmin is not served.
	OrgAdmin func(region string) OrgAdminAPI
	// InitErr is the configuration error found at start, if any. Every invocation then fails with
	// it, and custom resources are answered FAILED with it, so that stacks do not hang.
	InitErr error
	// Config, when set, supplies Engine, DryRun and InitErr at every invocation from the
	// configuration parameter (read again after its TTL). Lambda runs one invocation at a time
	// per handler, which this relies on.
	Config *ConfigSource
	// DryRun is logged with every summary (the executor decides what dry-run means).
	DryRun  bool
	Logger  *slog.Logger
	Metrics *Metrics
	// HTTP sends custom resource responses; nil means a client with a 30 s timeout.
	HTTP *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Findings routes Macie findings; nil where they are not routed. FindingsQueueARN is the
	// queue whose SQS batches are findings.
	Findings         FindingsRouter
	FindingsQueueARN string
	// Queue returns the SQS client of a Region, to make messages handed back after a stale read,
	// and sweep shards handed back, visible again soon; nil leaves them to the queue's visibility
	// timeout.
	Queue func(region string) VisibilityAPI
	// StaleRetry is how long to wait before reconciling again the pairs whose reads looked older
	// than their events; zero means DefaultStaleRetry, a negative value never retries in the
	// invocation (the messages are handed back to the queue).
	StaleRetry time.Duration
	// Sweep, when set, sends to the function's own events queue (QUEUE_URL): the scheduled sweep
	// is then sharded through it. Nil runs the sweep whole in the scheduled invocation.
	Sweep ShardSender

	chains chains
}

// ErrUnknownEvent is returned for an invocation the handler does not recognise.
var ErrUnknownEvent = errors.New("unrecognised invocation")

// probe holds the members that tell the kinds of invocation apart.
type probe struct {
	Records []struct {
		EventSource    string `json:"eventSource"`
		EventSourceARN string `json:"eventSourceARN"`
	} `json:"Records"`
	Source      string `json:"source"`
	DetailType  string `json:"detail-type"`
	Time        string `json:"time"`
	RequestType string `json:"RequestType"`
	ResponseURL string `json:"ResponseURL"`
}

// Handle is the Lambda handler.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var p probe
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, h.unknown(ctx, fmt.Sprintf("payload is not a JSON object: %v", err))
	}
	h.useConfig(ctx, p.isCustomResource())
	switch {
	case p.isCustomResource():
		return h.customResource(ctx, payload)
	case h.InitErr != nil:
		h.log().ErrorContext(ctx, "invalid configuration", slog.String("error", h.InitErr.Error()))
		return nil, fmt.Errorf("invalid configuration: %w", h.InitErr)
	case p.isSQS() && h.Findings != nil && h.isFindingsBatch(p):
		return h.findingsBatch(ctx, payload)
	case p.isSQS():
		return h.sqsBatch(ctx, payload)
	case p.Source == "aws.events" && p.DetailType == "Scheduled Event":
		return h.scheduled(ctx, p.sweepTime(h.now()))
	}
	return nil, h.unknown(ctx, fmt.Sprintf("source %q, detail-type %q: not an SQS batch, a scheduled event or a CloudFormation request", p.Source, p.DetailType))
}

func (p probe) isSQS() bool {
	if len(p.Records) == 0 {
		return false
	}
	for _, r := range p.Records {
		if r.EventSource != "aws:sqs" {
			return false
		}
	}
	return true
}

// sweepTime is the time a scheduled event names, to the second; now when it names none.
func (p probe) sweepTime(now time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339, p.Time); err == nil {
		return t.UTC()
	}
	return now.UTC().Truncate(time.Second)
}

func (p probe) isCustomResource() bool {
	switch p.RequestType {
	case "Create", "Update", "Delete":
		return p.ResponseURL != ""
	}
	return false
}

func (h *Handler) unknown(ctx context.Context, what string) error {
	h.log().ErrorContext(ctx, "unrecognised invocation", slog.String("detail", what))
	return fmt.Errorf("%w: %s", ErrUnknownEvent, what)
}

func (h *Handler) log() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// useConfig takes the engine of the configuration in force from h.Config, if set; fresh reads
// the configuration afresh (a stack update may just have changed it).
func (h *Handler) useConfig(ctx context.Context, fresh bool) {
	if h.Config == nil {
		return
	}
	h.Engine, h.DryRun, h.InitErr = h.Config.Current(ctx, fresh)
}

// engine returns the engine, or an error saying why this deployment has none.
func (h *Handler) engine() (Engine, error) {
	if h.Engine == nil {
		return nil, fmt.Errorf("this function runs in the management account (%s=%s): it only designates the Macie administrator", EnvMode, ModeManagement)
	}
	return h.Engine, nil
}

// workContext returns a context that ends a safety margin before ctx's deadline (the Lambda
// timeout): a tenth of the time left, at most 30 s, so the function can still answer.
func (h *Handler) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := min(30*time.Second, deadline.Sub(h.now())/10)
	return context.WithDeadline(ctx, deadline.Add(-margin))
}

// report logs a summary and writes its metrics.
func (h *Handler) report(ctx context.Context, s Summary) {
	level := slog.LevelInfo
	if len(s.Failures) > 0 || s.Pending > 0 {
		level = slog.LevelWarn
	}
	h.log().LogAttrs(ctx, level, "summary", slog.String("trigger", s.Trigger), slog.Any("summary", s),
		slog.Bool("dry_run", s.DryRun))
	if err := s.metrics(h.Metrics); err != nil {
		h.log().ErrorContext(ctx, "metrics not written", slog.String("error", err.Error()))
	}
}
