package lambdafn

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// scheduled starts the sweep scheduled at sweep: sharded through the events queue when the
// handler has one (scheduleShards), else whole. A whole sweep stops a safety margin before the
// function's timeout and returns how far it got: pairs not reached are counted as pending for the
// next run; the invocation succeeds unless nothing at all could be looked at.
func (h *Handler) scheduled(ctx context.Context, sweep time.Time) (Summary, error) {
	eng, err := h.engine()
	if err != nil {
		h.log().ErrorContext(ctx, "scheduled run refused", "error", err.Error())
		return Summary{Trigger: TriggerSchedule}, err
	}
	if h.Sweep != nil {
		return h.scheduleShards(ctx, eng, sweep)
	}
	work, cancel := h.workContext(ctx)
	defer cancel()
	res := eng.Full(work)
	s := summarize(TriggerSchedule, res, h.DryRun)
	s.DeadlineReached = work.Err() != nil
	h.report(ctx, s)
	if s.Units == 0 && len(s.Failures) > 0 {
		// Nothing could be looked at (the organization or every Region unreadable): an error makes
		// the failure visible in the function's Errors metric.
		return s, fmt.Errorf("full reconcile could not start: %s", strings.Join(s.Failures, "; "))
	}
	return s, nil
}
