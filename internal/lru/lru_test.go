package lru

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLeastRecentlyUsedGoesFirst(t *testing.T) {
	c := New[string, int](2, time.Hour, nil)
	c.Add("a", 1)
	c.Add("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("a = %v, %v", v, ok)
	}
	c.Add("c", 3)
	if _, ok := c.Get("b"); ok {
		t.Error("b kept although it was the least recently used")
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("a = %v, %v: dropped although used recently", v, ok)
	}
	if c.Len() != 2 {
		t.Errorf("%d entries, want 2", c.Len())
	}
}

func TestEntriesExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New[string, int](10, time.Minute, func() time.Time { return now })
	c.Add("a", 1)
	now = now.Add(59 * time.Second)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a expired early")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get("a"); ok || c.Len() != 0 {
		t.Fatalf("a still cached after its TTL (%d entries)", c.Len())
	}
}

func TestGetOrAddMakesOneValuePerKey(t *testing.T) {
	c := New[string, int](10, time.Hour, nil)
	var made atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { c.GetOrAdd("k", func() int { return int(made.Add(1)) }) })
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("value made %d times, want once", made.Load())
	}
}

func TestSizeIsBounded(t *testing.T) {
	c := New[int, int](100, time.Hour, nil)
	for i := range 10_000 {
		c.Add(i, i)
	}
	if c.Len() != 100 {
		t.Fatalf("%d entries, want 100", c.Len())
	}
	if _, ok := c.Get(9_999); !ok {
		t.Fatal("the newest entry is gone")
	}
}
