package reconcile

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// MemberCacheTTL is how long a Region's member listing serves the shards of a sweep: as long as
// the directory trusts its account list (awsapi.DefaultDirectoryTTL), so that a warm container
// lists each Region's members about once per ten minutes of a sweep, not once per shard.
const MemberCacheTTL = 10 * time.Minute

// memberCache keeps each Region's member statuses as a shard of the newest sweep listed them: at
// most one entry per Region, each for MemberCacheTTL, a newer sweep dropping the older sweep's.
// The member actions the reconciler applies meanwhile (events between the shards) are written
// into it, so that a later shard does not plan from a status it changed itself. What it cannot
// see, a change made outside this process since the listing, is what a full reconcile cannot see
// either during its run; the next listing or sweep catches it. It is safe for concurrent use.
type memberCache struct {
	mu      sync.Mutex
	sweep   time.Time
	regions map[string]cachedMembers
}

type cachedMembers struct {
	listed   time.Time
	statuses map[string]plan.MemberStatus
}

// memberStatuses returns the members of a shard's Region: cached for the shard's sweep, or
// listed and cached.
func (r *Reconciler) memberStatuses(ctx context.Context, s event.Shard) (map[string]plan.MemberStatus, error) {
	if st, ok := r.members.get(s.Sweep, s.Region, r.now()); ok {
		return st, nil
	}
	st, err := r.Macie.MemberStatuses(ctx, s.Region)
	if err != nil {
		return nil, err
	}
	r.members.put(s.Sweep, s.Region, st, r.now())
	return st, nil
}

func (m *memberCache) get(sweep time.Time, region string, now time.Time) (map[string]plan.MemberStatus, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.regions[region]
	if !ok || !sweep.Equal(m.sweep) || now.Sub(e.listed) >= MemberCacheTTL {
		return nil, false
	}
	return maps.Clone(e.statuses), true
}

// put caches a listing of a sweep's Region; a listing of an older sweep than the cached one is
// not kept.
func (m *memberCache) put(sweep time.Time, region string, st map[string]plan.MemberStatus, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case sweep.Before(m.sweep):
		return
	case !sweep.Equal(m.sweep) || m.regions == nil:
		m.sweep, m.regions = sweep, map[string]cachedMembers{}
	}
	m.regions[region] = cachedMembers{listed: now, statuses: maps.Clone(st)}
}

// note writes the member actions that were done into the cached statuses.
func (m *memberCache) note(results []execute.Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, res := range results {
		e, ok := m.regions[res.Action.Region]
		if !ok || res.Outcome != execute.Done {
			continue
		}
		switch res.Action.Kind {
		case plan.CreateMember, plan.ResumeMember:
			e.statuses[res.Action.Account] = plan.StatusEnabled
		case plan.PauseMember:
			e.statuses[res.Action.Account] = plan.StatusPaused
		}
	}
}
