package findings

import "sync"

// DefaultSeen is how many published findings a Seen remembers by default.
const DefaultSeen = 10000

// Seen remembers the keys (Finding.DedupKey) of the last findings published, up to a bound; the
// oldest is forgotten first. It lives in the memory of one function instance: a redelivery that
// reaches another instance, or comes after a cold start or after the key was forgotten, is
// published again. It is safe for concurrent use.
type Seen struct {
	mu    sync.Mutex
	keys  map[string]bool
	ring  []string
	next  int
	limit int
}

// NewSeen returns a Seen that remembers up to limit keys (DefaultSeen when limit <= 0).
func NewSeen(limit int) *Seen {
	if limit <= 0 {
		limit = DefaultSeen
	}
	return &Seen{keys: map[string]bool{}, limit: limit}
}

// Has reports whether key was added and is still remembered.
func (s *Seen) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[key]
}

// Add remembers key, forgetting the oldest key when the bound is reached.
func (s *Seen) Add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys[key] {
		return
	}
	if len(s.ring) < s.limit {
		s.ring = append(s.ring, key)
	} else {
		delete(s.keys, s.ring[s.next])
		s.ring[s.next] = key
		s.next = (s.next + 1) % s.limit
	}
	s.keys[key] = true
}
