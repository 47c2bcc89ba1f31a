package sandbox

import (
	"maps"
	"slices"
	"time"
)

// Eventual consistency of tag reads.
//
// With a tag read lag, GetBucketTagging and tagging:GetResources answer from each bucket's state
// as it was lag ago: a tag change, a new bucket or a deleted bucket shows in those reads only once
// the lag has passed (a deleted bucket is still read with its last tags until then). Every other
// call (ListBuckets, HeadBucket, GetBucketLocation, the writes themselves, and Macie's inventory
// refreshes, which have a lag of their own: package macie)
// sees the current state. The world keeps, for each bucket changed within the lag, the versions
// that lagged reads may still need; older versions are dropped as soon as a newer one is visible.

// version is a bucket's state from a moment on; a nil bucket means it did not exist.
type version struct {
	at time.Time
	b  *bucketState
}

// SetTagReadLag makes tag reads lag behind writes by d from now on (zero: consistent at once).
func (s *Sandbox) SetTagReadLag(d time.Duration) {
	s.world.setLag(max(d, 0))
}

func (w *world) setLag(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lag = d
	if d == 0 {
		clear(w.history)
	}
}

// recordLocked keeps the state of bucket name after a write at now, for lagged reads. The first
// write within the lag also keeps the state before it, visible since forever. w.mu must be held.
func (w *world) recordLocked(name string, before *bucketState, now time.Time) {
	if w.lag == 0 {
		return
	}
	h, ok := w.history[name]
	if !ok {
		h = []version{{b: cloneState(before)}}
	}
	h = append(h, version{at: now, b: cloneState(w.buckets[name])})
	visible := now.Add(-w.lag)
	for len(h) > 1 && !h[1].at.After(visible) {
		h = h[1:]
	}
	w.history[name] = h
}

// forgetLocked makes the current state of bucket name visible to lagged reads at once, as
// direct setup (PutBucket) does. w.mu must be held.
func (w *world) forgetLocked(name string) { delete(w.history, name) }

// asOfLocked returns bucket name as lagged reads see it at t. w.mu must be held.
func (w *world) asOfLocked(name string, t time.Time) *bucketState {
	h, ok := w.history[name]
	if !ok {
		return w.buckets[name]
	}
	i := len(h) - 1
	for i > 0 && h[i].at.After(t) {
		i--
	}
	return h[i].b
}

// readBucket returns a copy of bucket name as a tag read at now sees it.
func (w *world) readBucket(name string, now time.Time) (bucketState, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.asOfLocked(name, now.Add(-w.lag))
	if b == nil {
		return bucketState{}, false
	}
	return *cloneState(b), true
}

// readBucketsWhere returns copies of account's buckets, as a tag read at now sees them, that
// match keep, sorted by name. It looks at the account's current buckets and at the buckets changed
// within the lag (which may have belonged to it), so it costs what the account's buckets cost, not
// what every bucket does: a sweep reads every account once.
func (w *world) readBucketsWhere(account string, now time.Time, keep func(*bucketState) bool) []bucketState {
	w.mu.Lock()
	defer w.mu.Unlock()
	names := maps.Clone(w.owned[account])
	if names == nil {
		names = map[string]bool{}
	}
	for n := range w.history {
		names[n] = true
	}
	var out []bucketState
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if b := w.asOfLocked(n, now.Add(-w.lag)); b != nil && b.Account == account && keep(b) {
			out = append(out, *cloneState(b))
		}
	}
	return out
}

// cloneState returns a deep copy of b (nil stays nil).
func cloneState(b *bucketState) *bucketState {
	if b == nil {
		return nil
	}
	c := *b
	c.Tags = maps.Clone(b.Tags)
	return &c
}
