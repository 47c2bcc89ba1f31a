// Package lru is a cache that holds at most a given number of entries, dropping the least
// recently used first, and forgets every entry a fixed time after it was added.
package lru

import (
	"container/list"
	"sync"
	"time"
)

// Cache maps keys to values, bounded in size and in age. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	size int
	ttl  time.Duration
	now  func() time.Time

	mu    sync.Mutex
	order *list.List // of *entry[K, V], most recently used first
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key   K
	value V
	added time.Time
}

// New returns a cache of at most size entries (at least one), each forgotten ttl after it was
// added; now is the clock (nil: time.Now).
func New[K comparable, V any](size int, ttl time.Duration, now func() time.Time) *Cache[K, V] {
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{size: max(1, size), ttl: ttl, now: now, order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value of key when it is cached and younger than the TTL.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getLocked(key)
}

// GetOrAdd returns the value of key, made with mk and added when it is not cached (mk runs under
// the cache's lock: one value per key, however many callers ask at once).
func (c *Cache[K, V]) GetOrAdd(key K, mk func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.getLocked(key); ok {
		return v
	}
	v := mk()
	c.addLocked(key, v)
	return v
}

// Add caches value under key, replacing what was there.
func (c *Cache[K, V]) Add(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(key, value)
}

// Len returns how many entries are held, expired ones not yet dropped included.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *Cache[K, V]) getLocked(key K) (V, bool) {
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if c.now().Sub(e.added) >= c.ttl {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

func (c *Cache[K, V]) addLocked(key K, value V) {
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&entry[K, V]{key: key, value: value, added: c.now()})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry[K, V]).key)
	}
}
