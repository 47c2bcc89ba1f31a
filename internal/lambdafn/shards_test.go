package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// eventsQueue plays the function's events queue: it keeps what the handler sends, and fails the
// sends while fail is set.
type eventsQueue struct {
	mu   sync.Mutex
	sent []string
	fail error
	n    int
}

func (q *eventsQueue) Send(_ context.Context, body string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return q.fail
	}
	q.sent = append(q.sent, body)
	return nil
}

// take returns the messages sent since the last take, with message ids.
func (q *eventsQueue) take() []message {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []message
	for _, body := range q.sent {
		q.n++
		out = append(out, message{id: fmt.Sprintf("shard-%d", q.n), body: body})
	}
	q.sent = nil
	return out
}

func shardOf(t *testing.T, m message) event.Shard {
	t.Helper()
	s, ok, err := event.DecodeShard(m.body)
	if !ok || err != nil {
		t.Fatalf("message %s is not a shard: %v", m.body, err)
	}
	return s
}

// shardedFixture is the example organization with a handler that shards its sweep through q, one
// account a shard.
func shardedFixture(t *testing.T) (*fixture, *eventsQueue) {
	cfg := testConfig()
	cfg.SweepShardAccounts = 1
	f := newFixture(t, cfg)
	q := &eventsQueue{}
	f.h.Sweep = q
	return f, q
}

var sweepTime = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // scheduledEvent's time

func TestScheduleSendsTheFirstShardOfEveryRegion(t *testing.T) {
	f, q := shardedFixture(t)
	f.sb.ResetCalls()
	out, err := f.h.Handle(context.Background(), scheduledEvent)
	if err != nil {
		t.Fatal(err)
	}
	var regions []string
	for _, m := range q.take() {
		s := shardOf(t, m)
		if !s.Sweep.Equal(sweepTime) || s.After != "" || s.Accounts != 1 {
			t.Errorf("first shard %+v, want the schedule's time, from the start, 1 account", s)
		}
		regions = append(regions, s.Region)
	}
	if !slices.Equal(regions, []string{euWest, usEast}) {
		t.Fatalf("first shards of %v, want one per managed Region", regions)
	}
	if s := out.(Summary); s.Units != 0 || s.ShardsEnqueued != 2 || len(f.sb.Calls()) != 0 {
		t.Errorf("summary %+v, calls %v: the schedule only sends the shards", s, f.sb.Calls())
	}
	if v, _ := f.metric("Trigger", TriggerSchedule, "ShardsEnqueued"); v != 2 {
		t.Errorf("ShardsEnqueued metric %v, want 2", v)
	}
}

func TestScheduleFailsWhenAShardCannotBeSent(t *testing.T) {
	f, q := shardedFixture(t)
	q.fail = errors.New("AWS.SimpleQueueService.NonExistentQueue")
	if _, err := f.h.Handle(context.Background(), scheduledEvent); err == nil {
		t.Fatal("the schedule succeeded although no shard was sent: it would not be retried")
	}
	if v, _ := f.metric("Trigger", TriggerSchedule, "ShardsFailed"); v != 2 {
		t.Errorf("ShardsFailed metric %v, want 2", v)
	}
}

// drain delivers the queue's shards one batch at a time until the chains end, and returns how
// many batches it took.
func (f *fixture) drain(t *testing.T, q *eventsQueue) int {
	t.Helper()
	batches := 0
	for pending := q.take(); len(pending) > 0; pending = q.take() {
		batches++
		resp, err := f.h.Handle(context.Background(), batch(pending...))
		if err != nil {
			t.Fatal(err)
		}
		if ids := failedIDs(resp); len(ids) != 0 {
			t.Fatalf("shards handed back: %v", ids)
		}
		if batches > 20 {
			t.Fatal("the chain does not end")
		}
	}
	return batches
}

// The sharded sweep ends where the whole one does (TestScheduledFullReconcile): one account a
// shard, two accounts and the excluded management account per Region.
func TestShardedSweepConvergesLikeTheWholeOne(t *testing.T) {
	f, q := shardedFixture(t)
	if _, err := f.h.Handle(context.Background(), scheduledEvent); err != nil {
		t.Fatal(err)
	}
	if n := f.drain(t, q); n != 2 {
		t.Errorf("%d batches, want 2: one account a shard, each Region's shards in a batch together", n)
	}
	f.wantSwept(t) // the first shard of a Region checks its job
	var done float64
	for _, l := range f.metricLines() {
		if l["Trigger"] == TriggerSQS {
			done += l["ShardsDone"].(float64)
		}
	}
	if done != 4 {
		t.Errorf("ShardsDone %v, want 4", done)
	}
}

// A batch of an event, a shard naming the same pair and a poison message: the pair is reconciled
// once, the next shard is sent, nothing is handed back.
func TestMixedBatchReconcilesEachPairOnce(t *testing.T) {
	f, q := shardedFixture(t)
	e := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
	shard := event.Shard{Sweep: sweepTime, Region: euWest, After: admin, Accounts: 1} // team A comes next
	f.sb.ResetCalls()
	resp, err := f.h.Handle(context.Background(), batch(message{"ev", string(e)}, message{"sh", shard.Body()}, message{"poison", "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); len(ids) != 0 {
		t.Fatalf("handed back %v", ids)
	}
	if n := f.sb.Calls()["macie2:CreateMember"]; n != 1 || f.memberStatus(teamA, euWest) != "Enabled" {
		t.Errorf("%d CreateMember, team A %q: the pair of the event and the shard runs once", n, f.memberStatus(teamA, euWest))
	}
	next := q.take()
	if len(next) != 1 || shardOf(t, next[0]) != shard.Next(teamA, 1) {
		t.Fatalf("sent %v, want the shard after team A", next)
	}
	last := jsonLines(t, f.out)
	var summary map[string]any
	for _, l := range last {
		if l["msg"] == "summary" {
			summary = l["summary"].(map[string]any)
		}
	}
	if summary["events"] != 2.0 || summary["ignored"] != 1.0 || summary["shards"] != 1.0 || summary["shardsDone"] != 1.0 || summary["shardsEnqueued"] != 1.0 {
		t.Errorf("summary %v", summary)
	}
}

func TestShardHandedBackWhenItCannotGoOn(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(*fixture, *eventsQueue)
		soon  bool
	}{
		{"members not listed", func(f *fixture, _ *eventsQueue) {
			f.sb.SetFault("macie2:ListMembers", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})
		}, true},
		{"next shard not sent", func(_ *fixture, q *eventsQueue) { q.fail = errors.New("throttled") }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, q := shardedFixture(t)
			vis := &fakeQueue{}
			f.h.Queue = vis.client
			c.setup(f, q)
			shard := event.Shard{Sweep: sweepTime, Region: euWest, Accounts: 1}
			resp, err := f.h.Handle(context.Background(), batch(message{"sh", shard.Body()}))
			if err != nil {
				t.Fatal(err)
			}
			if ids := failedIDs(resp); !slices.Equal(ids, []string{"sh"}) {
				t.Fatalf("handed back %v, want the shard", ids)
			}
			if len(q.take()) != 0 {
				t.Error("a next shard was sent for a shard handed back")
			}
			if got := len(vis.calls) == 1 && vis.calls[0].seconds == int32(FirstStaleVisibility/time.Second); got != c.soon {
				t.Errorf("visibility changes %+v: back soon %v, want %v", vis.calls, got, c.soon)
			}
			if v, _ := f.metric("Trigger", TriggerSQS, "ShardsFailed"); v != 1 {
				t.Errorf("ShardsFailed %v, want 1", v)
			}
			// Its retry, once the trouble is over, goes on.
			f.sb.SetFault("macie2:ListMembers", sandbox.Fault{})
			q.fail = nil
			resp, _ = f.h.Handle(context.Background(), batchReceived(2, message{"sh", shard.Body()}))
			if ids := failedIDs(resp); len(ids) != 0 || len(q.take()) != 1 {
				t.Errorf("the retry handed back %v or sent no next shard", ids)
			}
		})
	}
}

func TestShardAtTheDeadlineIsHandedBack(t *testing.T) {
	f, q := shardedFixture(t)
	f.sb.SetFault("tagging:GetResources", sandbox.Fault{Latency: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	shard := event.Shard{Sweep: sweepTime, Region: euWest, After: admin, Accounts: 1}
	resp, err := f.h.Handle(ctx, batch(message{"sh", shard.Body()}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); !slices.Equal(ids, []string{"sh"}) || len(q.take()) != 0 {
		t.Fatalf("handed back %v: want the shard, and no next one", ids)
	}
}

// Copies of a shard (SQS delivers at least once) and shards of an older sweep end their chain:
// the chain does not fork.
func TestShardCopiesAndOlderSweepsStop(t *testing.T) {
	f, q := shardedFixture(t)
	ctx := context.Background()
	first := event.Shard{Sweep: sweepTime, Region: euWest, Accounts: 1}
	older := event.Shard{Sweep: sweepTime.Add(-6 * time.Hour), Region: usEast, After: admin, Accounts: 1}
	further := first.Next(admin, 1)
	// Two copies in one batch, and the next shard (a copy of the chain further on).
	resp, _ := f.h.Handle(ctx, batch(message{"a", first.Body()}, message{"b", first.Body()}, message{"c", further.Body()}))
	if ids := failedIDs(resp); len(ids) != 0 {
		t.Fatalf("handed back %v", ids)
	}
	if sent := q.take(); len(sent) != 1 || shardOf(t, sent[0]) != further.Next(teamA, 1) {
		t.Fatalf("sent %v, want only the shard after the furthest one", sent)
	}
	// Redelivered once done, and an older sweep's shard: nothing runs, nothing is sent.
	f.sb.ResetCalls()
	resp, _ = f.h.Handle(ctx, batchReceived(2, message{"a", first.Body()}, message{"c", further.Body()}, message{"o", older.Body()}))
	if ids := failedIDs(resp); len(ids) != 0 || len(q.take()) != 0 || len(f.sb.Calls()) != 0 {
		t.Fatalf("handed back %v, calls %v: copies and older sweeps must end", ids, f.sb.Calls())
	}
	stopped := 0
	for _, l := range jsonLines(t, f.out) {
		if l["msg"] == "sweep shard stopped" {
			stopped++
		}
	}
	if stopped != 5 {
		t.Errorf("%d shards logged as stopped, want 5", stopped)
	}
	// The schedule of the older sweep, retried late, starts nothing.
	old := strings.Replace(string(scheduledEvent), "2026-11-02T10:00:00Z", "2026-11-02T04:00:00Z", 1)
	if _, err := f.h.Handle(ctx, []byte(old)); err != nil || len(q.take()) != 0 {
		t.Fatalf("an older schedule started a sweep: %v", err)
	}
}

// Without a queue to go on with (QUEUE_URL unset), a shard does nothing and is not retried; an
// invalid one is an ignored message.
func TestShardsWithoutAQueueOrInvalidEnd(t *testing.T) {
	f := newFixture(t, testConfig())
	f.sb.ResetCalls()
	shard := event.Shard{Sweep: sweepTime, Region: euWest, Accounts: 1}
	bad := `{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"eu-west-1","accounts":0}}`
	resp, err := f.h.Handle(context.Background(), batch(message{"sh", shard.Body()}, message{"bad", bad}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); len(ids) != 0 || len(f.sb.Calls()) != 0 {
		t.Fatalf("handed back %v, calls %v", ids, f.sb.Calls())
	}
	assertIgnoredLogged(t, f, "bad")
}

// schedule invokes the handler with the schedule's event of the given time.
func (f *fixture) schedule(t *testing.T, at time.Time) {
	t.Helper()
	ev := strings.Replace(string(scheduledEvent), "2026-11-02T10:00:00Z", at.Format(time.RFC3339), 1)
	if _, err := f.h.Handle(context.Background(), []byte(ev)); err != nil {
		t.Fatal(err)
	}
}

// A shard lost on its way (the next sweep's shards are the repair): its Region is left as it
// was by that sweep, and the next sweep converges it.
func TestALostShardIsRepairedByTheNextSweep(t *testing.T) {
	f, q := shardedFixture(t)
	f.schedule(t, sweepTime)
	for _, m := range q.take() {
		if shardOf(t, m).Region != euWest {
			_ = q.Send(context.Background(), m.body) // back in the queue; the other is lost
		}
	}
	f.drain(t, q)
	if got := f.memberStatus(teamA, euWest); got != "" {
		t.Fatalf("team A in %s is %q although its Region's shard was lost", euWest, got)
	}
	f.schedule(t, sweepTime.Add(6*time.Hour))
	f.drain(t, q)
	if got := f.memberStatus(teamA, euWest); got != "Enabled" {
		t.Fatalf("team A in %s is %q after the next sweep, want Enabled", euWest, got)
	}
}

// A shard that keeps failing is handed back at every receive until the queue dead-letters it
// (maxReceiveCount); the next sweep converges its Region.
func TestADeadLetteredShardIsRepairedByTheNextSweep(t *testing.T) {
	f, q := shardedFixture(t)
	f.sb.SetFault("macie2:ListMembers", sandbox.Fault{Error: sandbox.FaultInternal, Rate: 1})
	f.schedule(t, sweepTime)
	first := q.take()
	for receives := 1; receives <= maxReceiveCount; receives++ {
		resp, err := f.h.Handle(context.Background(), batchReceived(receives, first...))
		if err != nil {
			t.Fatal(err)
		}
		if ids := failedIDs(resp); len(ids) != len(first) {
			t.Fatalf("receive %d: handed back %v, want every shard", receives, ids)
		}
	}
	if len(q.take()) != 0 {
		t.Fatal("a shard that never started sent its next one")
	}
	// The queue dead-letters them; the trouble ends; the next sweep comes.
	f.sb.SetFault("macie2:ListMembers", sandbox.Fault{})
	f.schedule(t, sweepTime.Add(6*time.Hour))
	f.drain(t, q)
	if a, b := f.memberStatus(teamA, euWest), f.memberStatus(teamB, usEast); a != "Enabled" || b != "Enabled" {
		t.Fatalf("after the next sweep team A in %s is %q, team B in %s %q; want both Enabled", euWest, a, usEast, b)
	}
}
