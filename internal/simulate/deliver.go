package simulate

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// message is one queued event, as the queue holds it.
type message struct {
	id       string
	body     string
	receives int
}

// take moves the sandbox's new events into the queue and empties it.
func (r *runner) take() []message {
	for _, raw := range r.sb.TakeEvents() {
		r.nextID++
		r.queue = append(r.queue, message{id: fmt.Sprintf("msg-%04d", r.nextID), body: string(raw)})
	}
	msgs := r.queue
	r.queue = nil
	return msgs
}

// order arranges messages as a deliver step asks, with duplicates of each.
func order(msgs []message, d scenario.Deliver) []message {
	msgs = slices.Clone(msgs)
	switch d.Order {
	case "reverse":
		slices.Reverse(msgs)
	case "shuffle":
		rng := rand.New(rand.NewPCG(uint64(d.Seed), 0x5eed))
		rng.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
	}
	out := make([]message, 0, len(msgs)*(1+d.Duplicates))
	for _, m := range msgs {
		for range 1 + d.Duplicates {
			out = append(out, m)
		}
	}
	return out
}

// deliver hands a batch to the engine the way the SQS event source would: the messages whose
// reconcile failed in a way a retry can fix come back, up to RetryLimit receives; what still fails
// then, or fails for good, is listed as failed.
func (r *runner) deliver(ctx context.Context, e *Entry, msgs []message) {
	e.Events += len(msgs)
	msgs = r.routeFindings(ctx, e, msgs)
	for len(msgs) > 0 {
		changes := make([]event.Change, 0, len(msgs))
		for i := range msgs {
			msgs[i].receives++
			changes = append(changes, event.DecodeMessage(msgs[i].id, msgs[i].body))
		}
		res := r.eng.Changes(ctx, changes)
		r.record(e, res)
		msgs = r.retries(msgs, changes, res)
		if len(msgs) > 0 {
			e.Retries += len(msgs)
		}
	}
}

// retries returns the messages to deliver again, and records as failed those out of receives and
// the pairs that failed for good.
func (r *runner) retries(msgs []message, changes []event.Change, res reconcile.Result) []message {
	retry := res.RetryMessages(changes)
	var again []message
	for _, m := range msgs {
		if !slices.Contains(retry, m.id) || slices.ContainsFunc(again, func(o message) bool { return o.id == m.id }) {
			continue
		}
		if m.receives < RetryLimit {
			again = append(again, m)
		}
	}
	for _, f := range res.Failures {
		if !f.Retryable || !slices.ContainsFunc(again, func(m message) bool { return touches(changes, m.id, f.Unit) }) {
			r.out.fail(f)
		}
	}
	return again
}

// touches reports whether message id carried a change of the pair (or of the Region, for a
// Region failure).
func touches(changes []event.Change, id string, u reconcile.Unit) bool {
	return slices.ContainsFunc(changes, func(c event.Change) bool {
		return c.MessageID == id && c.Region == u.Region && (u.Account == "" || c.Account == u.Account)
	})
}

// record keeps what a reconcile did for the timeline and the final warnings.
func (r *runner) record(e *Entry, res reconcile.Result) {
	e.Results = append(e.Results, res.Report.Results...)
	e.Warnings = append(e.Warnings, res.Plan.Warnings...)
	r.out.addWarnings(res.Plan.Warnings)
}

func orderName(o string) string { return cmp.Or(o, "inOrder") }
