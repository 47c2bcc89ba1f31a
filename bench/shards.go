package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

// A model, in virtual time, of events waiting behind a sharded sweep on one queue.
//
// The scheduled invocation sends one shard message per Region to the events queue; a shard is
// the next ShardSize accounts of its Region, and processing it sends the next one. Events and
// shards share the queue, which Lambda's event source mapping reads in batches into a function
// of reserved concurrency 1: one invocation at a time, whose batch's events and shards reconcile
// in one run, the Regions side by side. The batching follows "How Lambda processes records from
// stream and queue-based event sources", Batching behavior
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html): for Amazon
// SQS the function is invoked when the batch size is met or the batching window
// (MaximumBatchingWindowInSeconds) has passed (or the payload reaches 6 MB, which 100 small
// messages never do), and "the next batching window begins as soon as the previous function
// invocation completes". Where that page is silent, the model assumes:
//
//   - the first window starts with the sweep, when the shard messages are sent;
//   - the queue hands out the oldest messages first (a standard queue promises no order);
//   - messages that arrive while the function runs wait for the next batch (with reserved
//     concurrency 1, Lambda does not invoke a second instance).
//
// An invocation lasts the floor of its calls (SweepRow.Floor with the batch's calls: per Region
// the Macie quota and the latency over the engine's concurrency, STS per Region, Organizations
// account-wide): what the calls cost at the quotas, not what a machine makes of them.
// Calibration says what a pair of a sweep and an event cost, from calls the real engine made.

// Calibration is what reconciling costs, in calls measured from the real engine.
type Calibration struct {
	// PerPair are the calls a sweep makes for one pair of each Region, by service and signing
	// Region.
	PerPair map[string]map[Key]float64
	// PerEvent are the calls an event costs by service, signed for the event's Region.
	PerEvent map[string]float64
}

// CalibrateSweep derives the calls per pair from a measured sweep pass. The calls of a service
// signed for every managed Region (Macie, the Tagging API) belong to the pairs of their Region;
// those of a service signed for one Region whatever the pair (STS and Organizations, in the
// engine's Region) are shared by every pair alike.
func CalibrateSweep(r SweepRow) map[string]map[Key]float64 {
	regions := r.Options.regions()
	signed := map[string][]string{}
	for k := range r.ByKey {
		signed[k.Service] = append(signed[k.Service], k.Region)
	}
	regional := func(svc string) bool {
		return len(signed[svc]) == len(regions) && !slices.ContainsFunc(signed[svc], func(s string) bool { return !slices.Contains(regions, s) })
	}
	accounts := float64(max(1, r.Options.Accounts))
	per := map[string]map[Key]float64{}
	for _, region := range regions {
		per[region] = map[Key]float64{}
		for k, n := range r.ByKey {
			switch {
			case !regional(k.Service):
				per[region][k] = float64(n) / accounts / float64(len(regions))
			case k.Region == region:
				per[region][k] = float64(n) / accounts
			}
		}
	}
	return per
}

// CalibrateEvent takes the calls of one event by service from a measured event's operations
// ("macie2:GetMember" is service macie2).
func CalibrateEvent(d Delta) map[string]float64 {
	per := map[string]float64{}
	for op, n := range d {
		svc, _, _ := strings.Cut(op, ":")
		per[svc] += float64(n)
	}
	return per
}

// QueueModel is a sharded sweep with events arriving during it.
type QueueModel struct {
	Regions  []string
	Accounts int // in every Region
	// ShardSize is the number of accounts a shard message stands for.
	ShardSize int
	// BatchSize and Window are the event source mapping's BatchSize and
	// MaximumBatchingWindowInSeconds.
	BatchSize int
	Window    time.Duration
	// Events arrive during the sweep, in order (PoissonEvents); those after its end are not
	// looked at.
	Events []Event
	// Cost turns a batch's calls into the invocation's duration.
	Cost        Calibration
	Latency     time.Duration
	Limits      Limits
	Concurrency int
}

// QueueResult is what the model saw.
type QueueResult struct {
	// Sweep is when the last shard's invocation ended.
	Sweep       time.Duration
	Invocations int
	// Longest is the longest invocation.
	Longest time.Duration
	// Latencies are the events' times from arrival to the end of the invocation that
	// reconciled them, in the order they were reconciled.
	Latencies []time.Duration
}

// Event is one event on the queue: it names an account of a Region (indices into the model's).
type Event struct {
	At      time.Duration
	Region  int
	Account int
}

// PoissonEvents draws events arriving at rate a second until the horizon (a Poisson process),
// each naming a random one of accounts in a Region drawn from RegionShares(regions).
func PoissonEvents(rate float64, horizon time.Duration, regions, accounts int, seed uint64) []Event {
	if rate <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b9))
	shares := RegionShares(regions)
	var evs []Event
	for at := time.Duration(0); ; {
		at += time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
		if at > horizon {
			return evs
		}
		evs = append(evs, Event{At: at, Region: pick(rng, shares), Account: rng.IntN(max(1, accounts))})
	}
}

// queued is one message on the queue: an event (shard < 0) or a shard of a Region.
type queued struct {
	at      time.Duration
	region  int
	account int
	shard   int // the shard's first account, -1 for an event
}

// queue holds the messages not yet handed out, in arrival order: the events as they arrive, and
// the shard messages invocations send.
type queue struct {
	events  []Event // not arrived yet
	stopped bool    // no further event arrives
	msgs    []queued
}

// add puts a message in arrival order, after those that arrived at the same moment.
func (q *queue) add(msg queued) {
	i := sort.Search(len(q.msgs), func(i int) bool { return q.msgs[i].at > msg.at })
	q.msgs = slices.Insert(q.msgs, i, msg)
}

// arrive queues the events that arrive by t.
func (q *queue) arrive(t time.Duration) {
	for !q.stopped && len(q.events) > 0 && q.events[0].At <= t {
		e := q.events[0]
		q.add(queued{at: e.At, region: e.Region, account: e.Account, shard: -1})
		q.events = q.events[1:]
	}
}

// stop queues the events that arrive by t and no later one.
func (q *queue) stop(t time.Duration) {
	q.arrive(t)
	q.stopped = true
}

// arrived is how many messages arrived by t.
func (q *queue) arrived(t time.Duration) int {
	q.arrive(t)
	return sort.Search(len(q.msgs), func(i int) bool { return q.msgs[i].at > t })
}

// take hands out the n oldest messages that arrived by t.
func (q *queue) take(t time.Duration, n int) []queued {
	n = min(n, q.arrived(t))
	batch := slices.Clone(q.msgs[:n])
	q.msgs = q.msgs[n:]
	return batch
}

// Run simulates the sweep and the events that arrive until its last shard is done; those are
// all reconciled before it returns.
func (m QueueModel) Run() QueueResult {
	q := &queue{events: m.Events}
	left := len(m.Regions)
	for r := range m.Regions {
		q.add(queued{region: r, shard: 0})
	}
	var res QueueResult
	free := time.Duration(0) // when the function finished its last invocation
	for left > 0 || len(q.msgs) > 0 {
		at, batch := m.invocation(q, free)
		d := m.duration(batch)
		end := at + d
		res.Invocations++
		res.Longest = max(res.Longest, d)
		for _, msg := range batch {
			switch next := msg.shard + m.ShardSize; {
			case msg.shard < 0:
				res.Latencies = append(res.Latencies, end-msg.at)
			case next < m.Accounts:
				q.add(queued{at: end, region: msg.region, shard: next})
			default:
				left--
			}
		}
		free = end
		if left == 0 && res.Sweep == 0 {
			res.Sweep = end
			q.stop(end)
		}
	}
	return res
}

// invocation returns when the next invocation starts after the function became free, and its
// batch: the batching window starts when the function is free, and the function is invoked once
// BatchSize messages are queued or the window has passed. (Something is always queued by then:
// the next shard, sent by the invocation that just ended, or events that arrived during it.)
func (m QueueModel) invocation(q *queue, free time.Duration) (time.Duration, []queued) {
	at := free + m.Window
	if q.arrived(at) >= m.BatchSize {
		at = max(free, q.msgs[m.BatchSize-1].at)
	}
	return at, q.take(at, m.BatchSize)
}

// duration is how long an invocation with this batch lasts: the floor of its calls, each event's
// pair reconciled once however many events name it.
func (m QueueModel) duration(batch []queued) time.Duration {
	calls := map[Key]float64{}
	pairs := map[[2]int]bool{}
	for _, msg := range batch {
		region := m.Regions[msg.region]
		if msg.shard >= 0 {
			n := float64(min(m.ShardSize, m.Accounts-msg.shard))
			for k, c := range m.Cost.PerPair[region] {
				calls[k] += n * c
			}
			continue
		}
		if pairs[[2]int{msg.region, msg.account}] {
			continue
		}
		pairs[[2]int{msg.region, msg.account}] = true
		for svc, c := range m.Cost.PerEvent {
			calls[Key{Service: svc, Region: region}] += c
		}
	}
	row := SweepRow{Options: SweepOptions{Regions: m.Regions, Latency: m.Latency, Limits: m.Limits, Concurrency: m.Concurrency},
		ByKey: map[Key]int{}}
	for k, c := range calls {
		row.ByKey[k] = int(math.Ceil(c))
	}
	return row.Floor().Time
}

// Quantile is the q-quantile (0 to 1) of the durations by the nearest-rank method, 0 for none.
func Quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}
