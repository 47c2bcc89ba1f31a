package bench

import (
	"math"
	"slices"
	"testing"
	"time"
)

const sec = time.Second

// model is a one-Region model where a shard's pair costs five Macie calls at one a second (5 s
// a shard of one account) and an event nothing.
func model(accounts, batch int, events ...time.Duration) QueueModel {
	m := QueueModel{Regions: []string{"r1"}, Accounts: accounts, ShardSize: 1, BatchSize: batch, Window: 20 * sec,
		Cost:   Calibration{PerPair: map[string]map[Key]float64{"r1": {{"macie2", "r1"}: 5}}},
		Limits: Limits{"macie2": {Rate: 1}}, Concurrency: 1}
	for _, at := range events {
		m.Events = append(m.Events, Event{At: at})
	}
	return m
}

func TestAShardAloneWaitsForTheBatchingWindow(t *testing.T) {
	// One message on the queue: the function is invoked when the 20 s window has passed.
	res := model(1, 100).Run()
	if res.Sweep != 25*sec || res.Invocations != 1 || res.Longest != 5*sec {
		t.Errorf("sweep %v in %d invocations, longest %v; want 25s (20 s window + 5 s) in 1, 5s", res.Sweep, res.Invocations, res.Longest)
	}
}

func TestEachShardWaitsForTheWindowThatStartsWhenThePreviousInvocationEnds(t *testing.T) {
	// Shard 1 runs at 20–25 s and sends shard 2, which runs at 45–50 s, then shard 3 at 70–75 s.
	res := model(3, 100).Run()
	if res.Sweep != 75*sec || res.Invocations != 3 {
		t.Errorf("sweep %v in %d invocations, want 75s in 3", res.Sweep, res.Invocations)
	}
}

func TestAFullBatchIsInvokedAtOnceAndTheNextWaitsForTheFunction(t *testing.T) {
	// Batches of 3. The shard (0 s) and the events of 1 and 2 s fill the first batch at 2 s;
	// it runs until 7 s (the shard's 5 s) and sends shard 2 at 7 s. The events of 3 and 4 s wait
	// for the function, and with shard 2 fill the second batch at 7 s, done at 12 s: the sweep's
	// end. The event of 30 s comes after it and is not looked at.
	res := model(2, 3, 1*sec, 2*sec, 3*sec, 4*sec, 30*sec).Run()
	if res.Sweep != 12*sec || res.Invocations != 2 {
		t.Errorf("sweep %v in %d invocations, want 12s in 2", res.Sweep, res.Invocations)
	}
	if want := []time.Duration{6 * sec, 5 * sec, 9 * sec, 8 * sec}; !slices.Equal(res.Latencies, want) {
		t.Errorf("latencies %v, want %v", res.Latencies, want)
	}
}

func TestRegionsRunSideBySideAndAPairIsReconciledOncePerBatch(t *testing.T) {
	// r1's shard costs 4 Macie calls, r2's 6, an event 1, at one a second per Region. One batch
	// at 20 s: r1 has its shard and one pair named twice (4 + 1 s), r2 its shard and one event
	// (6 + 1 s); the Regions run side by side, so the invocation lasts 7 s.
	m := QueueModel{Regions: []string{"r1", "r2"}, Accounts: 1, ShardSize: 1, BatchSize: 100, Window: 20 * sec,
		Events: []Event{{At: 10 * sec, Region: 0}, {At: 11 * sec, Region: 0}, {At: 12 * sec, Region: 1}},
		Cost: Calibration{PerPair: map[string]map[Key]float64{"r1": {{"macie2", "r1"}: 4}, "r2": {{"macie2", "r2"}: 6}},
			PerEvent: map[string]float64{"macie2": 1}},
		Limits: Limits{"macie2": {Rate: 1}}, Concurrency: 1}
	res := m.Run()
	if res.Sweep != 27*sec || res.Invocations != 1 || res.Longest != 7*sec {
		t.Errorf("sweep %v in %d invocations, longest %v; want 27s in 1, 7s", res.Sweep, res.Invocations, res.Longest)
	}
	if want := []time.Duration{17 * sec, 16 * sec, 15 * sec}; !slices.Equal(res.Latencies, want) {
		t.Errorf("latencies %v, want %v", res.Latencies, want)
	}
}

func TestTheLastShardOfARegionSendsNoOther(t *testing.T) {
	// 5 accounts in shards of 2: shards of 2, 2 and 1 accounts (10, 10 and 5 s).
	m := model(5, 100)
	m.ShardSize = 2
	if res := m.Run(); res.Invocations != 3 || res.Sweep != 3*20*sec+25*sec {
		t.Errorf("sweep %v in %d invocations, want 85s in 3", res.Sweep, res.Invocations)
	}
}

func TestCalibrateSweepSplitsCallsByTheirPairs(t *testing.T) {
	r := SweepRow{Options: SweepOptions{Accounts: 10, Regions: []string{"r1", "r2"}},
		ByKey: map[Key]int{{"tagging", "r1"}: 10, {"tagging", "r2"}: 10, {"macie2", "r1"}: 8, {"macie2", "r2"}: 2,
			{"sts", "r1"}: 20, {"organizations", "us-east-1"}: 1}}
	per := CalibrateSweep(r)
	want := map[string]map[Key]float64{
		"r1": {{"tagging", "r1"}: 1, {"macie2", "r1"}: 0.8, {"sts", "r1"}: 1, {"organizations", "us-east-1"}: 0.05},
		"r2": {{"tagging", "r2"}: 1, {"macie2", "r2"}: 0.2, {"sts", "r1"}: 1, {"organizations", "us-east-1"}: 0.05},
	}
	for region, w := range want {
		if len(per[region]) != len(w) {
			t.Errorf("%s: %v, want %v", region, per[region], w)
		}
		for k, v := range w {
			if math.Abs(per[region][k]-v) > 1e-9 {
				t.Errorf("%s %s: %v a pair, want %v", region, k, per[region][k], v)
			}
		}
	}
	one := CalibrateSweep(SweepRow{Options: SweepOptions{Accounts: 10, Regions: []string{"r1"}},
		ByKey: map[Key]int{{"tagging", "r1"}: 10, {"organizations", "us-east-1"}: 1}})
	if one["r1"][Key{"tagging", "r1"}] != 1 || one["r1"][Key{"organizations", "us-east-1"}] != 0.1 {
		t.Errorf("one Region: %v", one)
	}
	if got := CalibrateEvent(Delta{"macie2:GetMember": 1, "macie2:CreateMember": 1, "s3:GetBucketTagging": 1}); got["macie2"] != 2 || got["s3"] != 1 {
		t.Errorf("event calls by service: %v", got)
	}
}

func TestPoissonEventsArriveAtTheRate(t *testing.T) {
	evs := PoissonEvents(10, 1000*sec, 4, 100, 1)
	if n := len(evs); n < 9500 || n > 10500 {
		t.Errorf("%d events in 1,000 s at 10 a second", n)
	}
	if !slices.IsSortedFunc(evs, func(a, b Event) int { return int(a.At - b.At) }) {
		t.Error("events are not in arrival order")
	}
	home := 0
	for _, e := range evs {
		if e.Region == 0 {
			home++
		}
	}
	if share := float64(home) / float64(len(evs)); math.Abs(share-RegionShares(4)[0]) > 0.02 {
		t.Errorf("%.3f of the events in the home Region, want about %.3f", share, RegionShares(4)[0])
	}
}

func TestQuantileByNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*sec)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * sec, 0.99: 99 * sec, 1: 100 * sec, 0: sec} {
		if got := Quantile(ds, q); got != want {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if Quantile(nil, 0.5) != 0 {
		t.Error("no durations gave a quantile")
	}
}
