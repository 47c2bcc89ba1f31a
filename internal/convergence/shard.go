package convergence

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// The sharded mode (Options.Sharded) runs the scheduled sweeps as the deployed function does with
// its events queue: the function's own handler (lambdafn.Handler) sends each managed Region's
// first shard to the modelled queue, every batch goes through the handler, shards interleaved
// with the events, and each shard done sends its next one to the queue. The shards share the
// events' fate: reordered, duplicated (in a batch and, 1 in 10, as two messages), dropped,
// handed back and dead-lettered after RetryLimit receives; a send times out at the engine's
// timeout rate, before or after the message is queued. Shards are 1 to 10 accounts. The final
// check runs one sharded sweep to its end instead of a full reconcile; a full reconcile after it
// must find nothing to do.

// tallied is the engine as the handler drives it: each run is tallied, and added to collected
// while a final sweep collects.
type tallied struct {
	*reconcile.Reconciler
	r *runner
}

func (e tallied) Batch(ctx context.Context, changes []event.Change, shards []event.Shard) reconcile.BatchResult {
	res := e.Reconciler.Batch(ctx, changes, shards)
	e.r.tally(res.Result)
	e.r.tally(res.Coverage)
	if e.r.collected != nil {
		*e.r.collected = e.r.collected.Merge(res.Result).Merge(res.Coverage)
	}
	return res
}

// queueSender is the function's events queue, as the handler sends to it: the modelled queue.
type queueSender struct{ r *runner }

func (q queueSender) Send(_ context.Context, body string) error {
	r := q.r
	fate := r.flaky.draw() // 0 sent, 1 timed out before sending, 2 sent but the answer lost
	if fate != 1 {
		r.rep.ShardsSent++
		r.q.add(body, r.clk.Now())
		if r.rng.Float64() < 0.1 {
			r.rep.Duplicates++
			r.q.add(body, r.clk.Now())
		}
	}
	if fate != 0 {
		return fmt.Errorf("sending a sweep shard: %w", errTimeout{})
	}
	return nil
}

// shardSweeps wires the sharded mode: the handler over the engine, shards of 1 to 10 accounts.
func (r *runner) shardSweeps() {
	r.eng.ShardAccounts = 1 + r.rng.IntN(10)
	r.h = &lambdafn.Handler{Engine: tallied{r.eng, r}, Logger: r.eng.Logger, Now: r.clk.Now,
		Sweep: queueSender{r}, StaleRetry: -1}
}

// scheduledSweep runs the scheduled sweep: whole, or, in the sharded mode, it starts one through
// the handler and returns nothing (its shards run as the queue delivers them).
func (r *runner) scheduledSweep(ctx context.Context) reconcile.Result {
	if r.h == nil {
		return r.eng.Full(ctx)
	}
	ev := fmt.Sprintf(`{"version":"0","id":"sweep","detail-type":"Scheduled Event","source":"aws.events",
		"account":"%s","time":"%s","region":"%s","resources":[],"detail":{}}`, adminAccount,
		r.clk.Now().UTC().Format(time.RFC3339), r.org.Managed[0])
	_, _ = r.h.Handle(ctx, json.RawMessage(ev)) // a shard not sent leaves its Region to the next sweep
	return reconcile.Result{}
}

// finalSweep is the sweep of the final check: whole, or a sharded one run to its end, returning
// what all its runs did; a shard dead-lettered then, with no fault injected, is a divergence.
func (r *runner) finalSweep(ctx context.Context) reconcile.Result {
	if r.h == nil {
		return r.eng.Full(ctx)
	}
	var all reconcile.Result
	r.collected = &all
	defer func() { r.collected = nil }()
	dead := len(r.q.dead)
	r.clk.Advance(time.Second) // a sweep of its own second, newer than every other
	r.scheduledSweep(ctx)
	r.drain(ctx)
	if n := len(r.q.dead) - dead; n > 0 {
		r.rep.Divergences = append(r.rep.Divergences, fmt.Sprintf("%d sweep shards dead-lettered in the final sweep with no fault injected", n))
	}
	return all
}

// handle runs a batch through the handler as the event source mapping does and returns the
// messages it handed back.
func (r *runner) handle(ctx context.Context, batch []message) []string {
	var ev events.SQSEvent
	for _, m := range batch {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: m.id, ReceiptHandle: "rh-" + m.id, Body: m.body,
			EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:" + r.org.Managed[0] + ":" + adminAccount + ":events",
			Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(m.receives + 1)}})
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		panic(err) // strings and maps always marshal
	}
	out, err := r.h.Handle(ctx, payload)
	if err != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.rep.Violations = append(r.rep.Violations, "the handler refused a batch: "+err.Error())
		return nil
	}
	var retry []string
	for _, f := range out.(events.SQSEventResponse).BatchItemFailures {
		if !slices.Contains(retry, f.ItemIdentifier) {
			retry = append(retry, f.ItemIdentifier)
		}
	}
	return retry
}
