package simulate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// start is the virtual time at which every simulation begins.
var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// advance lets virtual time pass until the step's end, moving the clock from one due moment to
// the next: what Macie has scheduled (inventory refreshes, job runs, automated discovery
// cycles), the engine's scheduled full reconcile, and the end. At each moment Macie's due work
// runs first, then the reconcile if it is due; the events produced are delivered unless held.
func (r *runner) advance(ctx context.Context, e *Entry, a scenario.Advance) {
	from := r.clock.Now()
	end := from.Add(a.Duration())
	sweeps := 0
	defer func() {
		e.What = fmt.Sprintf("advance %s: %s to %s, %s", span(a.Duration()), stamp(from), stamp(end),
			plural(sweeps, "scheduled full reconcile"))
	}()
	for ctx.Err() == nil {
		at := r.nextMoment(end, r.clock.Now())
		r.clock.Set(at)
		r.sb.Macie().RunDue()
		r.noteActivity(ctx, e)
		if !at.Before(r.nextSweep) {
			r.sweep(ctx, e, at)
			sweeps++
		}
		if !at.Before(end) {
			return
		}
	}
}

// sweep runs the scheduled full reconcile, and notes what Macie did meanwhile (a job's first
// run starts when the job is created).
func (r *runner) sweep(ctx context.Context, e *Entry, at time.Time) {
	sub := Entry{At: at, What: "scheduled full reconcile"}
	res := r.eng.Full(ctx)
	// A sweep repeats the warnings of every earlier one: the timeline shows only the new ones.
	res.Plan.Warnings = slices.DeleteFunc(res.Plan.Warnings, func(w plan.Warning) bool { return slices.Contains(r.out.Warnings, w) })
	r.record(&sub, res)
	r.deliverUnlessHeld(ctx, &sub)
	if len(sub.Results)+len(sub.Warnings)+sub.Events > 0 {
		e.Runs = append(e.Runs, sub) // the timeline lists the reconciles that did something
	}
	r.nextSweep = r.nextSweep.Add(r.s.Config.ReconcileEvery())
	r.noteActivity(ctx, e)
}

// nextMoment is the earliest of Macie's next due moment, the next scheduled reconcile and end,
// after now. Macie has run everything due up to now, so a due moment not after now is ignored:
// the clock only moves forward, and every pass of the loop makes progress.
func (r *runner) nextMoment(end, now time.Time) time.Time {
	next := end
	if r.nextSweep.Before(next) {
		next = r.nextSweep
	}
	if due, ok := r.sb.Macie().NextDue(); ok && due.After(now) && due.Before(next) {
		next = due
	}
	return next
}

// deliverUnlessHeld delivers the events produced so far, unless a hold step queues them.
func (r *runner) deliverUnlessHeld(ctx context.Context, e *Entry) {
	if r.hold {
		return
	}
	if msgs := r.take(); len(msgs) > 0 {
		r.deliver(ctx, e, msgs)
	}
}

// span writes a duration without its zero parts: 24h, 1h30m, 45m.
func span(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// stamp writes a virtual time relative to start: day and time of day.
func stamp(t time.Time) string {
	d := t.Sub(start)
	days := int(d / (24 * time.Hour))
	return fmt.Sprintf("day %d %s", days, t.Format("15:04"))
}
