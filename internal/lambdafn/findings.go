package lambdafn

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
)

// TriggerFindings labels the summary and metrics of a batch of Macie findings.
const TriggerFindings = "findings"

// FindingsRouter publishes each finding of a batch to the topic of the account that owns the
// bucket; *findings.Router is one.
type FindingsRouter interface {
	Route(ctx context.Context, items []findings.Item) []findings.Result
}

// FindingsSummary is what one batch of findings came to: messages by outcome, and the messages
// handed back for a retry.
type FindingsSummary struct {
	Trigger       string         `json:"trigger"`
	Messages      int            `json:"messages"`
	Outcomes      map[string]int `json:"outcomes"`
	DryRun        bool           `json:"dryRun"`
	RetryMessages []string       `json:"retryMessages,omitempty"`
}

// isFindingsBatch reports whether every record of an SQS batch comes from the findings queue.
func (h *Handler) isFindingsBatch(p probe) bool {
	if h.FindingsQueueARN == "" || len(p.Records) == 0 {
		return false
	}
	for _, r := range p.Records {
		if r.EventSourceARN != h.FindingsQueueARN {
			return false
		}
	}
	return true
}

// findingsBatch routes a batch of finding events and hands back for a retry exactly the messages
// whose publication failed in a way a retry can fix. Refused, skipped and duplicate findings are
// logged by the router and not retried.
func (h *Handler) findingsBatch(ctx context.Context, payload json.RawMessage) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	var batch struct {
		Records []event.SQSRecord `json:"Records"`
	}
	if err := json.Unmarshal(payload, &batch); err != nil {
		h.log().ErrorContext(ctx, "findings batch unreadable", slog.String("error", err.Error()))
		return resp, nil
	}
	items := make([]findings.Item, 0, len(batch.Records))
	for _, r := range batch.Records {
		it := findings.Item{MessageID: r.MessageID}
		if r.Body != nil {
			it.Body = *r.Body
		}
		items = append(items, it)
	}
	work, cancel := h.workContext(ctx)
	defer cancel()
	s := FindingsSummary{Trigger: TriggerFindings, Messages: len(items), Outcomes: map[string]int{}, DryRun: h.DryRun}
	for _, res := range h.Findings.Route(work, items) {
		s.Outcomes[string(res.Outcome)]++
		if res.Outcome == findings.Retry && res.MessageID != "" {
			s.RetryMessages = append(s.RetryMessages, res.MessageID)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: res.MessageID})
		}
	}
	h.reportFindings(ctx, s)
	return resp, nil
}

// reportFindings logs the summary and writes its metrics (FindingsPublished, FindingsRefused...).
func (h *Handler) reportFindings(ctx context.Context, s FindingsSummary) {
	level := slog.LevelInfo
	if s.Outcomes[string(findings.Refused)]+s.Outcomes[string(findings.Failed)]+len(s.RetryMessages) > 0 {
		level = slog.LevelWarn
	}
	h.log().LogAttrs(ctx, level, "summary", slog.String("trigger", s.Trigger), slog.Any("summary", s),
		slog.Bool("dry_run", s.DryRun))
	values := map[string]int{"FindingsSeen": s.Messages, "MessagesRetried": len(s.RetryMessages)}
	for _, o := range []findings.Outcome{findings.Published, findings.Duplicate, findings.Refused, findings.Skipped, findings.Failed} {
		values["Findings"+titleCase(string(o))] = s.Outcomes[string(o)]
	}
	if err := h.Metrics.Emit(map[string]string{"Trigger": s.Trigger}, values); err != nil {
		h.log().ErrorContext(ctx, "metrics not written", slog.String("error", err.Error()))
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// LazyFindings builds the findings router from the configuration at the first batch that needs
// it (the configuration parameter is read at invocation time, not at start), and keeps it for the
// instance: the router's settings (administrator, roles, dry-run) are the stack's, and the
// deduplication memory lives in the router. Until the configuration can be read, every finding
// is handed back for a retry.
type LazyFindings struct {
	Read  func(ctx context.Context) (config.Config, error)
	Build func(config.Config) FindingsRouter

	mu     sync.Mutex
	router FindingsRouter
}

// Route routes the batch with the router, building it first if need be.
func (l *LazyFindings) Route(ctx context.Context, items []findings.Item) []findings.Result {
	r, err := l.get(ctx)
	if err != nil {
		out := make([]findings.Result, 0, len(items))
		for _, it := range items {
			out = append(out, findings.Result{MessageID: it.MessageID, Outcome: findings.Retry,
				Reason: "reading the configuration: " + err.Error()})
		}
		return out
	}
	return r.Route(ctx, items)
}

func (l *LazyFindings) get(ctx context.Context) (FindingsRouter, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.router != nil {
		return l.router, nil
	}
	c, err := l.Read(ctx)
	if err != nil {
		return nil, err
	}
	l.router = l.Build(c)
	return l.router, nil
}
