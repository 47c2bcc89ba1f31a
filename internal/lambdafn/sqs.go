package lambdafn

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// sqsBatch reconciles every change of a batch at once and hands back for a retry exactly the
// messages whose reconcile failed in a way a retry can fix; those whose only failure was a stale
// read come back soon (StaleVisibility), not after the queue's visibility timeout. When the
// deadline stops the run early, every message that asked for a reconcile is handed back:
// reconciling is idempotent, and the pairs not reached must not be lost.
func (h *Handler) sqsBatch(ctx context.Context, payload json.RawMessage) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	eng, err := h.engine()
	if err != nil {
		h.log().ErrorContext(ctx, "SQS batch refused", slog.String("error", err.Error()))
		return resp, err
	}
	changes, records := h.decodeBatch(ctx, payload)
	work, cancel := h.workContext(ctx)
	defer cancel()
	res := h.retryStale(work, eng, changes, eng.Changes(work, changes))
	retry := res.RetryMessages(changes)
	deadline := work.Err() != nil
	backedOff := 0
	if deadline {
		retry = relevantMessages(changes)
	} else {
		backedOff = h.backOff(ctx, res.StaleMessages(changes), records)
	}
	for _, id := range retry {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
	}
	s := summarize(TriggerSQS, res, h.DryRun)
	s.Events, s.DeadlineReached, s.RetryMessages, s.BackedOff = len(changes), deadline, retry, backedOff
	for _, c := range changes {
		if !c.Relevant() {
			s.Ignored++
		}
	}
	h.report(ctx, s)
	return resp, nil
}

// DefaultStaleRetry is how long the handler waits before it reconciles again, in the same
// invocation, the pairs whose reads contradicted their recent events (reconcile.ErrStale): S3's
// own lag is seconds, while a message handed back waits out the queue's visibility timeout.
const DefaultStaleRetry = 10 * time.Second

// retryStale reconciles once more, after StaleRetry, the pairs of res that failed only because
// a read looked older than its event, when the deadline leaves time for it. It returns the
// result with those pairs' outcomes replaced by the second attempt's.
func (h *Handler) retryStale(ctx context.Context, eng Engine, changes []event.Change, res reconcile.Result) reconcile.Result {
	wait := cmp.Or(h.StaleRetry, DefaultStaleRetry)
	stale := staleUnits(res)
	if wait < 0 || len(stale) == 0 || !h.hasTime(ctx, 2*wait) {
		return res
	}
	h.log().InfoContext(ctx, "reads older than their events: reconciling again shortly",
		slog.Int("pairs", len(stale)), slog.Duration("wait", wait))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return res
	case <-t.C:
	}
	again := eng.Changes(ctx, slices.DeleteFunc(slices.Clone(changes), func(c event.Change) bool {
		return !stale[reconcile.Unit{Account: c.Account, Region: c.Region}]
	}))
	res.Failures = slices.DeleteFunc(res.Failures, func(f reconcile.Failure) bool { return stale[f.Unit] })
	res.Failures = append(res.Failures, again.Failures...)
	res.Plan.Actions = append(res.Plan.Actions, again.Plan.Actions...)
	res.Plan.Warnings = append(res.Plan.Warnings, again.Plan.Warnings...)
	res.Report.Results = append(res.Report.Results, again.Report.Results...)
	res.Units += again.Units
	return res
}

// staleUnits returns the pairs whose only trouble was a stale read.
func staleUnits(res reconcile.Result) map[reconcile.Unit]bool {
	out := map[reconcile.Unit]bool{}
	for _, f := range res.Failures {
		if errors.Is(f.Err, reconcile.ErrStale) {
			out[f.Unit] = true
		}
	}
	return out
}

// hasTime reports whether ctx's deadline, if any, is further than d away.
func (h *Handler) hasTime(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || deadline.Sub(h.now()) > d
}

// decodeBatch decodes every message of a batch on its own and logs what each asks for; it also
// returns the records by message id.
func (h *Handler) decodeBatch(ctx context.Context, payload json.RawMessage) ([]event.Change, map[string]event.SQSRecord) {
	var batch struct {
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(payload, &batch); err != nil {
		h.log().ErrorContext(ctx, "SQS batch unreadable", slog.String("error", err.Error()))
		return nil, nil
	}
	changes := make([]event.Change, 0, len(batch.Records))
	records := make(map[string]event.SQSRecord, len(batch.Records))
	for _, raw := range batch.Records {
		c, rec := event.DecodeSQSRecord(raw)
		h.logChange(ctx, c)
		changes = append(changes, c)
		records[rec.MessageID] = rec
	}
	return changes, records
}

// logChange logs the decision taken on one message: ignored (and not retried), or reconciled.
func (h *Handler) logChange(ctx context.Context, c event.Change) {
	if !c.Relevant() {
		h.log().LogAttrs(ctx, slog.LevelWarn, "message ignored", slog.String("message_id", c.MessageID),
			slog.String("reason", c.Reason), slog.Bool("retry", false))
		return
	}
	h.log().LogAttrs(ctx, slog.LevelInfo, "event", slog.String("message_id", c.MessageID),
		slog.String("account", c.Account), slog.String("region", c.Region), slog.String("bucket", c.Bucket),
		slog.String("kind", string(c.Kind)), slog.String("event_id", c.EventID), slog.Bool("dry_run", h.DryRun))
}

// relevantMessages returns the ids of the messages that asked for a reconcile, once each.
func relevantMessages(changes []event.Change) []string {
	var ids []string
	for _, c := range changes {
		if c.Relevant() && c.MessageID != "" && !slices.Contains(ids, c.MessageID) {
			ids = append(ids, c.MessageID)
		}
	}
	return ids
}
