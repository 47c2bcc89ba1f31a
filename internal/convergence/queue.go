package convergence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// RetryLimit is how often a message is received before it moves to the dead-letter queue, like
// an SQS queue's maxReceiveCount.
const RetryLimit = 5

// message is one queued event; it can be received from visibleAt on.
type message struct {
	id        string
	body      string
	receives  int
	visibleAt time.Time
}

// queue holds the events on their way to the engine, and the dead-lettered ones.
type queue struct {
	pending []message
	dead    []message
	next    int
}

func (q *queue) add(body string, now time.Time) {
	q.next++
	q.pending = append(q.pending, message{id: fmt.Sprintf("msg-%05d", q.next), body: body, visibleAt: now})
}

// visible returns the indexes of the pending messages that can be received at now.
func (q *queue) visible(now time.Time) []int {
	var idx []int
	for i, m := range q.pending {
		if !m.visibleAt.After(now) {
			idx = append(idx, i)
		}
	}
	return idx
}

// nextVisible returns when the first pending message becomes visible.
func (q *queue) nextVisible() time.Time {
	var next time.Time
	for i, m := range q.pending {
		if i == 0 || m.visibleAt.Before(next) {
			next = m.visibleAt
		}
	}
	return next
}

// take removes and returns the pending messages at the given indexes.
func (q *queue) take(idx []int) []message {
	out := make([]message, 0, len(idx))
	for _, i := range idx {
		out = append(out, q.pending[i])
	}
	keep := q.pending[:0]
	for i, m := range q.pending {
		if !slices.Contains(idx, i) {
			keep = append(keep, m)
		}
	}
	q.pending = keep
	return out
}

// enqueue moves the sandbox's new events into the queue; now and then EventBridge delivers an
// event twice, as two messages.
func (r *runner) enqueue() {
	for _, raw := range r.sb.TakeEvents() {
		r.rep.Events++
		r.q.add(string(raw), r.clk.Now())
		if r.rng.Float64() < 0.1 {
			r.rep.Duplicates++
			r.q.add(string(raw), r.clk.Now())
		}
	}
}

// deliverRandom hands a random batch of 1 to 10 visible messages, in random order, to the
// engine; a message may appear twice in the batch, as SQS may deliver it.
func (r *runner) deliverRandom(ctx context.Context) {
	visible := r.q.visible(r.clk.Now())
	if len(visible) == 0 {
		return
	}
	r.rng.Shuffle(len(visible), func(i, j int) { visible[i], visible[j] = visible[j], visible[i] })
	batch := r.q.take(visible[:1+r.rng.IntN(min(10, len(visible)))])
	for _, m := range slices.Clone(batch) {
		if r.rng.Float64() < 0.1 {
			r.rep.Duplicates++
			batch = append(batch, m)
		}
	}
	r.rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	r.deliver(ctx, batch)
}

// deliver runs one batch through the engine the way the Lambda does, then puts back the messages
// whose reconcile failed in a way a retry can fix, or dead-letters them after RetryLimit receives.
func (r *runner) deliver(ctx context.Context, batch []message) {
	r.rep.Batches++
	retry, stale := r.reconcileBatch(ctx, batch)
	var seen []string
	for _, m := range batch {
		if slices.Contains(seen, m.id) {
			continue
		}
		seen = append(seen, m.id)
		if !slices.Contains(retry, m.id) {
			continue
		}
		m.receives++
		if m.receives >= RetryLimit {
			r.q.dead = append(r.q.dead, m)
			continue
		}
		r.rep.Redeliveries++
		m.visibleAt = r.clk.Now().Add(r.retryDelay(m.receives, slices.Contains(stale, m.id)))
		r.q.pending = append(r.q.pending, m)
	}
}

// reconcileBatch reconciles a batch, through the function's handler in the sharded mode, and
// returns the messages handed back and, of them, those whose only failure was a stale read.
func (r *runner) reconcileBatch(ctx context.Context, batch []message) (retry, stale []string) {
	if r.h != nil {
		return r.handle(ctx, batch), nil
	}
	changes := make([]event.Change, 0, len(batch))
	for i := range batch {
		changes = append(changes, event.DecodeMessage(batch[i].id, batch[i].body))
	}
	res := r.eng.Changes(ctx, changes)
	r.tally(res)
	return res.RetryMessages(changes), res.StaleMessages(changes)
}

// QueueVisibility is the visibility timeout of the deployed event queue (VisibilityTimeout in
// the central template): a message handed back is received again after it.
const QueueVisibility = 5420 * time.Second

// retryDelay is how long a handed-back message stays invisible after its receives-th receive.
// The default mode hands it back at once, the hardest case for the stale-read guard; the
// events-only mode waits as the function makes SQS wait: a message whose only failure was a
// stale read comes back after lambdafn.StaleVisibility, any other after the visibility timeout.
func (r *runner) retryDelay(receives int, stale bool) time.Duration {
	switch {
	case !r.opts.EventsOnly:
		return 0
	case stale:
		return lambdafn.StaleVisibility(receives)
	}
	return QueueVisibility
}

// tally counts the failures of a run.
func (r *runner) tally(res reconcile.Result) {
	for _, f := range res.Failures {
		switch {
		case errors.Is(f.Err, reconcile.ErrStale):
			r.rep.StaleReads++
		case f.Retryable:
			r.rep.RetryableFailures++
		default:
			r.rep.PermanentFailures++
			if len(r.rep.PermanentErrors) < 3 {
				r.rep.PermanentErrors = append(r.rep.PermanentErrors, f.Err.Error())
			}
		}
	}
}

// drop loses one pending message.
func (r *runner) drop() {
	if len(r.q.pending) == 0 {
		return
	}
	r.q.take([]int{r.rng.IntN(len(r.q.pending))})
	r.rep.Dropped++
}
