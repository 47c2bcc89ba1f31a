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

// sqsBatch reconciles every change of a batch, and the slices of the sweep shards among its
// messages, at once, and hands back for a retry exactly the messages whose reconcile failed in a
// way a retry can fix; those whose only failure was a stale read come back soon
// (StaleVisibility), not after the queue's visibility timeout. When the deadline stops the run
// early, every message that asked for a reconcile is handed back: reconciling is idempotent, and
// the pairs not reached must not be lost. Shards go on as continueShards says.
func (h *Handler) sqsBatch(ctx context.Context, payload json.RawMessage) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	eng, err := h.engine()
	if err != nil {
		h.log().ErrorContext(ctx, "SQS batch refused", slog.String("error", err.Error()))
		return resp, err
	}
	changes, shards, records := h.decodeBatch(ctx, payload)
	run, stopped := h.admitShards(ctx, shards)
	work, cancel := h.workContext(ctx)
	defer cancel()
	batch := eng.Batch(work, changes, shardsOf(run))
	shardsLate := work.Err() != nil // the shards' run, before any stale retry
	res := h.retryStale(work, eng, changes, batch.Result)
	retry := res.RetryMessages(changes)
	deadline := work.Err() != nil
	backedOff := 0
	if deadline {
		retry = relevantMessages(changes)
	} else {
		backedOff = h.backOff(ctx, res.StaleMessages(changes), records, "a read older than its event")
	}
	sh := h.continueShards(ctx, run, batch.Shards, shardsLate)
	h.backOff(ctx, sh.soon, records, "a sweep shard to redo")
	retry = append(retry, sh.retry...)
	for _, id := range retry {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
	}
	s := summarize(TriggerSQS, res.Merge(batch.Coverage), h.DryRun)
	s.Events, s.DeadlineReached, s.RetryMessages, s.BackedOff = len(changes), deadline, retry, backedOff
	s.Shards, s.ShardsStopped, s.ShardsEnqueued, s.ShardsDone, s.ShardsFailed = len(shards), stopped, sh.enqueued, sh.done, sh.failed
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
	again := eng.Batch(ctx, slices.DeleteFunc(slices.Clone(changes), func(c event.Change) bool {
		return !stale[reconcile.Unit{Account: c.Account, Region: c.Region}]
	}), nil).Result
	res.Failures = slices.DeleteFunc(slices.Clone(res.Failures), func(f reconcile.Failure) bool { return stale[f.Unit] })
	return res.Merge(again)
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

// decodeBatch decodes every message of a batch on its own, an event or a sweep shard, and logs
// what each asks for; it also returns the records by message id. A shard that is not valid is an
// ignored message.
func (h *Handler) decodeBatch(ctx context.Context, payload json.RawMessage) ([]event.Change, []queuedShard, map[string]event.SQSRecord) {
	var batch struct {
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(payload, &batch); err != nil {
		h.log().ErrorContext(ctx, "SQS batch unreadable", slog.String("error", err.Error()))
		return nil, nil, nil
	}
	changes := make([]event.Change, 0, len(batch.Records))
	var shards []queuedShard
	records := make(map[string]event.SQSRecord, len(batch.Records))
	for _, raw := range batch.Records {
		c, rec := event.DecodeSQSRecord(raw)
		records[rec.MessageID] = rec
		if sh, ok, err := decodeShard(rec); ok && err == nil {
			shards = append(shards, queuedShard{id: rec.MessageID, shard: sh})
			continue
		} else if ok {
			c = event.Change{Kind: event.Ignored, Reason: err.Error(), MessageID: rec.MessageID}
		}
		h.logChange(ctx, c)
		changes = append(changes, c)
	}
	return changes, shards, records
}

// decodeShard decodes the shard a record carries; ok is false when it carries none.
func decodeShard(rec event.SQSRecord) (s event.Shard, ok bool, err error) {
	if rec.Body == nil {
		return event.Shard{}, false, nil
	}
	return event.DecodeShard(*rec.Body)
}

func shardsOf(run []queuedShard) []event.Shard {
	out := make([]event.Shard, 0, len(run))
	for _, q := range run {
		out = append(out, q.shard)
	}
	return out
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
