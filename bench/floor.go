package bench

import (
	"cmp"
	"slices"
	"time"
)

// Bound is one lower bound on a pass's time: what imposes it, over how many calls, and how long
// they take at least.
type Bound struct {
	What  string
	Calls int
	Time  time.Duration
}

// signedAtHome is the service the engine calls in its own Region for the pairs of every Region
// (AssumeRole of the read roles): its calls count against their signing Region's quota, but they
// are made by every Region's workers, so they are not in that Region's latency bound.
const signedAtHome = "sts"

// Bounds lists the lower bounds of the pass, largest first. Per Region: for each per-Region
// quota, the Region's calls of that service / its rate; and the latency, the calls the Region's
// workers make (those signed for the Region but STS's) × latency / concurrency (each Region can
// have Concurrency calls in flight). Over all Regions: every call × latency / (concurrency ×
// Regions). Per account-wide quota: its calls in every Region / its rate.
func (r SweepRow) Bounds() []Bound {
	o := r.Options
	var bs []Bound
	total := 0
	for _, region := range o.regions() {
		bs = append(bs, r.regionBounds(region)...)
	}
	for _, n := range r.ByKey {
		total += n
	}
	inFlight := max(1, o.Concurrency) * max(1, len(o.regions()))
	bs = append(bs, Bound{What: "latency, all Regions", Calls: total,
		Time: time.Duration(float64(total) * float64(o.Latency) / float64(inFlight))})
	for svc, lim := range o.Limits {
		if lim.Scope != AccountWide {
			continue
		}
		n := 0
		for k, c := range r.ByKey {
			if k.Service == svc {
				n += c
			}
		}
		bs = append(bs, Bound{What: svc, Calls: n, Time: perRate(n, lim.Rate)})
	}
	slices.SortStableFunc(bs, func(a, b Bound) int { return cmp.Or(cmp.Compare(b.Time, a.Time), cmp.Compare(a.What, b.What)) })
	return bs
}

// regionBounds are the bounds of one Region: its per-Region quotas, then its latency.
func (r SweepRow) regionBounds(region string) []Bound {
	o := r.Options
	var bs []Bound
	calls := 0
	for k, n := range r.ByKey {
		lim, limited := o.Limits[k.Service]
		if k.Region != region || limited && lim.Scope == AccountWide {
			continue
		}
		if k.Service != signedAtHome {
			calls += n
		}
		if limited {
			bs = append(bs, Bound{What: k.String(), Calls: n, Time: perRate(n, lim.Rate)})
		}
	}
	lat := time.Duration(float64(calls) * float64(o.Latency) / float64(max(1, o.Concurrency)))
	return append(bs, Bound{What: "latency " + region, Calls: calls, Time: lat})
}

// RegionFloor is the largest bound of one Region.
func (r SweepRow) RegionFloor(region string) Bound { return largest(r.regionBounds(region)) }

// Floor is the least time the pass's calls can take: its largest bound.
func (r SweepRow) Floor() Bound { return largest(r.Bounds()) }

func largest(bs []Bound) Bound {
	var top Bound
	for _, b := range bs {
		if b.Time > top.Time || b.Time == top.Time && (top.What == "" || b.What < top.What) {
			top = b
		}
	}
	return top
}

// perRate is how long n calls take at rate calls a second.
func perRate(n int, rate float64) time.Duration {
	return time.Duration(float64(n) / rate * float64(time.Second))
}
