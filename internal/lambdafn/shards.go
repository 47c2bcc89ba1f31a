package lambdafn

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// ShardSender sends a message to the function's events queue; *awsapi.Sender is one.
type ShardSender interface {
	Send(ctx context.Context, body string) error
}

// queuedShard is a shard and the message that carried it.
type queuedShard struct {
	id    string
	shard event.Shard
}

// chains remembers, in the warm container, the newest sweep seen and how far each Region's chain
// of shards of it got, so that a copy of a shard (SQS delivers at least once) or a shard of an
// older sweep ends its chain instead of running beside it. A Region's chain only moves forward
// (each shard starts after its predecessor's last account), so a shard that does not start after
// the last one done in its Region is behind a copy of itself. What a cold start forgets is the
// residual the README describes: a copy, or an older sweep's chain, runs beside the other until
// one container has seen both.
type chains struct {
	mu     sync.Mutex
	newest time.Time
	done   map[string]string // Region -> After of the furthest shard of the newest sweep done
}

// observe takes note of a sweep; it reports whether a newer one was seen already.
func (c *chains) observe(sweep time.Time) (superseded bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case sweep.Before(c.newest):
		return true
	case sweep.After(c.newest):
		c.newest, c.done = sweep, map[string]string{}
	}
	return false
}

// stop says why a shard must not run ("" when it may): a newer sweep was seen, or a shard of its
// Region as far or further was done.
func (c *chains) stop(s event.Shard) string {
	if c.observe(s.Sweep) {
		return "superseded: a newer sweep started"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.done[s.Region]; ok && s.After <= last {
		return "a copy: a shard of its Region as far was done"
	}
	return ""
}

// finished records a shard of the newest sweep done.
func (c *chains) finished(s event.Shard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.done[s.Region]; s.Sweep.Equal(c.newest) && (!ok || s.After > last) {
		c.done[s.Region] = s.After
	}
}

// admitShards returns the shards of a batch that may run: at most one per Region, the furthest of
// the newest sweep; it logs why each other one ends its chain.
func (h *Handler) admitShards(ctx context.Context, shards []queuedShard) (run []queuedShard, stopped int) {
	for _, q := range shards {
		h.chains.observe(q.shard.Sweep) // a newer sweep in the batch supersedes an older one
	}
	best := map[string]int{} // Region -> index in run
	for _, q := range shards {
		why := h.chains.stop(q.shard)
		if h.Sweep == nil {
			why = "no queue to continue the sweep on (QUEUE_URL is not set): the scheduled sweep runs whole"
		}
		if why == "" {
			i, seen := best[q.shard.Region]
			if !seen {
				best[q.shard.Region] = len(run)
				run = append(run, q)
				continue
			}
			if q.shard.After > run[i].shard.After {
				q, run[i] = run[i], q // the furthest runs; the one it replaces stops
			}
			why = "a copy: a shard of its Region as far or further is in the same batch"
		}
		stopped++
		h.log().LogAttrs(ctx, slog.LevelInfo, "sweep shard stopped", slog.String("message_id", q.id),
			slog.String("region", q.shard.Region), slog.String("after", q.shard.After), slog.String("reason", why))
	}
	return run, stopped
}

// shardOutcome is what the handler did with the shards of a batch.
type shardOutcome struct {
	// retry are the messages handed back; soon those of them to make visible again soon (the
	// shard could not start, or its next one could not be sent), not after the visibility timeout.
	retry, soon            []string
	enqueued, done, failed int
}

// continueShards sends the next shard of each one that ran to its end without reaching the
// deadline, before the batch is answered, and hands back those that could not start, reached
// the deadline or whose next one could not be sent: a shard is idempotent, its retry redoes it.
func (h *Handler) continueShards(ctx context.Context, run []queuedShard, results []reconcile.ShardResult, deadline bool) shardOutcome {
	var o shardOutcome
	for i, q := range run {
		sr := results[i]
		var err error
		switch {
		case deadline:
			h.shardLog(ctx, slog.LevelWarn, "sweep shard handed back", q, slog.String("reason", "the deadline came first"))
			o.retry, o.failed = append(o.retry, q.id), o.failed+1
			continue
		case sr.Err != nil:
			err = sr.Err
		case !sr.End:
			if err = h.Sweep.Send(ctx, sr.Next.Body()); err == nil {
				o.enqueued++
			}
		}
		if err != nil {
			h.shardLog(ctx, slog.LevelError, "sweep shard handed back", q, slog.String("error", err.Error()))
			o.retry, o.soon, o.failed = append(o.retry, q.id), append(o.soon, q.id), o.failed+1
			continue
		}
		h.chains.finished(q.shard)
		o.done++
		h.shardLog(ctx, slog.LevelInfo, "sweep shard done", q, slog.Int("pairs", sr.Pairs), slog.Bool("end", sr.End),
			slog.String("next_after", sr.Next.After))
	}
	return o
}

func (h *Handler) shardLog(ctx context.Context, level slog.Level, msg string, q queuedShard, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("message_id", q.id), slog.String("region", q.shard.Region),
		slog.String("sweep", q.shard.Sweep.Format(time.RFC3339)), slog.String("after", q.shard.After)}, attrs...)
	h.log().LogAttrs(ctx, level, msg, attrs...)
}

// scheduleShards starts a sharded sweep: the first shard of every managed Region goes to the
// events queue. It fails when one could not be sent, so that the schedule's invocation is retried
// (EventBridge invokes asynchronously); the Regions already sent are then sent again, and the
// copies end their chains (chains).
func (h *Handler) scheduleShards(ctx context.Context, eng Engine, sweep time.Time) (Summary, error) {
	s := summarize(TriggerSchedule, reconcile.Result{}, h.DryRun)
	if h.chains.observe(sweep) {
		h.log().WarnContext(ctx, "sweep not started: a newer one did", slog.String("sweep", sweep.Format(time.RFC3339)))
		h.report(ctx, s)
		return s, nil
	}
	var failed []string
	for _, sh := range eng.FirstShards(sweep) {
		if err := h.Sweep.Send(ctx, sh.Body()); err != nil {
			h.log().ErrorContext(ctx, "sweep shard not sent", slog.String("region", sh.Region), slog.String("error", err.Error()))
			failed = append(failed, sh.Region)
			continue
		}
		s.ShardsEnqueued++
	}
	s.ShardsFailed = len(failed)
	h.report(ctx, s)
	if len(failed) > 0 {
		return s, fmt.Errorf("the sweep's first shards of %s could not be sent", strings.Join(failed, ", "))
	}
	return s, nil
}
