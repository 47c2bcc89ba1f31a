package convergence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

// The eventual-consistency tests: tag reads lag a minute behind writes, less than the engine's
// stale-read window (5 minutes). An event that a read contradicts is not acted on: its pair fails
// with ErrStale, the message is handed back, and the retry after the lag acts on fresh reads.

const (
	ecAccount = "300000000001"
	ecRegion  = "eu-west-1"
	readLag   = time.Minute
)

// ecHarness is the engine on a sandbox whose tag reads lag behind writes.
type ecHarness struct {
	sb      *sandbox.Sandbox
	eng     *reconcile.Reconciler
	clk     *testkit.Clock
	team    *team
	changes []string // every member change, as "account region from->to"
	next    int
}

func newECHarness(t *testing.T, member string, buckets ...sandbox.Bucket) *ecHarness {
	t.Helper()
	o := &org{Workloads: []string{ecAccount}, Managed: []string{ecRegion}, Initial: map[pair]string{},
		Protected: map[string]bool{}, Excluded: map[string]bool{}, Buckets: buckets}
	if member != "" {
		o.Initial[pair{ecAccount, ecRegion}] = member
	}
	clk := testkit.NewClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	sb := sandbox.New(sandbox.Options{Seed: 3, Now: clk.Now, TagReadLag: readLag})
	if err := o.install(sb); err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Start(t, sb)
	ctx := context.Background()
	eng := engine.New(srv.Config(ctx, adminAccount, ecRegion), o.config(1), engine.Options{Endpoint: srv.URL(),
		MaxAttempts: 1})
	eng.Now = clk.Now
	h := &ecHarness{sb: sb, eng: eng.Reconciler, clk: clk, team: &team{clients: map[owned]*s3.Client{}, buckets: map[string]owned{},
		cfg: func(a, region string) aws.Config { return srv.Config(ctx, a, region) }}}
	sb.Macie().Watch(func(c macie.MemberChange) {
		h.changes = append(h.changes, fmt.Sprintf("%s %s %s->%s", c.Account, c.Region, c.From, c.To))
	})
	// The Region's job and publication are set up first, so that only member changes remain.
	if res := eng.EnsureRegions(ctx); len(res.Failures) > 0 {
		t.Fatal(res.Failures)
	}
	return h
}

// deliver hands the sandbox's queued events (and retries) to the engine as one batch and
// returns the messages handed back for a retry.
func (h *ecHarness) deliver(t *testing.T, bodies []string) (reconcile.Result, []string) {
	t.Helper()
	var changes []event.Change
	for _, b := range bodies {
		h.next++
		changes = append(changes, event.DecodeMessage(fmt.Sprintf("msg-%d", h.next), b))
	}
	res := h.eng.Changes(context.Background(), changes)
	var again []string
	for _, id := range res.RetryMessages(changes) {
		i := slices.IndexFunc(changes, func(c event.Change) bool { return c.MessageID == id })
		again = append(again, bodies[i])
	}
	return res, again
}

func (h *ecHarness) events() []string {
	var out []string
	for _, raw := range h.sb.TakeEvents() {
		out = append(out, string(raw))
	}
	return out
}

func (h *ecHarness) status() string {
	for _, m := range h.sb.Macie().Members(adminAccount, ecRegion) {
		if m.Account == ecAccount {
			return m.Status
		}
	}
	return ""
}

// heldBack fails unless the batch was not acted on because a read contradicted its event.
func heldBack(t *testing.T, h *ecHarness, res reconcile.Result, again []string, sent int) {
	t.Helper()
	if len(res.Failures) != 1 || !errors.Is(res.Failures[0].Err, reconcile.ErrStale) || !res.Failures[0].Retryable {
		t.Fatalf("want one retryable stale-read failure, got %+v", res.Failures)
	}
	if len(again) != sent {
		t.Fatalf("%d of %d messages handed back for a retry", len(again), sent)
	}
	if len(h.changes) != 0 || len(res.Plan.Actions) != 0 {
		t.Fatalf("acted on a stale read: changes %q, actions %v", h.changes, res.Plan.Actions)
	}
}

func tagged(name string, tags map[string]string) sandbox.Bucket {
	return sandbox.Bucket{Account: ecAccount, Region: ecRegion, Name: name, Tags: tags}
}

func TestStaleReadDoesNotSkipEnrolment(t *testing.T) {
	h := newECHarness(t, "", tagged("team-data", nil))
	o := owned{ecAccount, ecRegion}
	if err := h.team.putTags(context.Background(), "team-data", o, map[string]string{"macie": "true"}); err != nil {
		t.Fatal(err)
	}
	h.clk.Advance(5 * time.Second)
	res, again := h.deliver(t, h.events())
	heldBack(t, h, res, again, 1)

	h.clk.Advance(readLag) // the SQS retry comes after the visibility timeout
	res, again = h.deliver(t, again)
	if len(again) != 0 || h.status() != "Enabled" || !slices.Equal(h.changes, []string{ecAccount + " " + ecRegion + " ->Enabled"}) {
		t.Fatalf("after the lag: status %q, changes %q, failures %+v", h.status(), h.changes, res.Failures)
	}
}

// Untagging or deleting the last tagged bucket, seen through a stale read: the pause waits for
// a read that agrees with the event, and then happens.
func TestStaleReadDoesNotSkipPause(t *testing.T) {
	for name, change := range map[string]func(*ecHarness) error{
		"tags removed": func(h *ecHarness) error {
			return h.team.untag(context.Background(), "team-data", owned{ecAccount, ecRegion})
		},
		"bucket deleted": func(h *ecHarness) error {
			return h.team.delete(context.Background(), "team-data", owned{ecAccount, ecRegion})
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newECHarness(t, "Enabled", tagged("team-data", map[string]string{"macie": "true"}))
			if err := change(h); err != nil {
				t.Fatal(err)
			}
			h.clk.Advance(5 * time.Second)
			res, again := h.deliver(t, h.events())
			heldBack(t, h, res, again, 1)

			h.clk.Advance(readLag)
			h.deliver(t, again)
			if h.status() != "Paused" {
				t.Fatalf("after the lag: status %q, changes %q", h.status(), h.changes)
			}
		})
	}
}

// A new tagged bucket and the removal of the old one's tag, seen through stale reads in one
// batch: the account must not be paused in between.
func TestStaleReadDoesNotPauseWhileScopeMoves(t *testing.T) {
	h := newECHarness(t, "Enabled", tagged("old-data", map[string]string{"macie": "true"}), tagged("new-data", nil))
	o := owned{ecAccount, ecRegion}
	if err := h.team.putTags(context.Background(), "new-data", o, map[string]string{"macie": "true"}); err != nil {
		t.Fatal(err)
	}
	if err := h.team.untag(context.Background(), "old-data", o); err != nil {
		t.Fatal(err)
	}
	h.clk.Advance(5 * time.Second)
	res, again := h.deliver(t, h.events())
	heldBack(t, h, res, again, 2)
	h.clk.Advance(readLag)
	h.deliver(t, again)
	if h.status() != "Enabled" || len(h.changes) != 0 {
		t.Fatalf("status %q, changes %q", h.status(), h.changes)
	}
}

// When the retries run out before the lag has passed, the message is dead-lettered and the
// scheduled sweep, which reads without an event to contradict, converges.
func TestSweepCatchesWhatRetriesMissed(t *testing.T) {
	h := newECHarness(t, "", tagged("team-data", nil))
	if err := h.team.putTags(context.Background(), "team-data", owned{ecAccount, ecRegion}, map[string]string{"macie": "true"}); err != nil {
		t.Fatal(err)
	}
	msgs := h.events()
	for range RetryLimit {
		h.clk.Advance(5 * time.Second)
		_, msgs = h.deliver(t, msgs)
	}
	if len(msgs) != 1 || h.status() != "" {
		t.Fatalf("within the lag: %d messages still failing, status %q", len(msgs), h.status())
	}
	h.clk.Advance(readLag)
	if res := h.eng.Full(context.Background()); len(res.Failures) > 0 || h.status() != "Enabled" {
		t.Fatalf("sweep: status %q, failures %+v", h.status(), res.Failures)
	}
}
