package vclock

import (
	"sync"
	"testing"
	"time"
)

func TestSetAndAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	if got := c.Advance(36 * time.Hour); !got.Equal(start.Add(36 * time.Hour)) {
		t.Fatalf("Advance returned %v", got)
	}
	later := start.Add(72 * time.Hour)
	c.Set(later)
	if got := c.Now(); !got.Equal(later) {
		t.Fatalf("after Set, Now = %v, want %v", got, later)
	}
}

func TestConcurrentAdvance(t *testing.T) {
	c := New(time.Time{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Advance(time.Second)
			_ = c.Now()
		}()
	}
	wg.Wait()
	if got := c.Now().Sub(time.Time{}); got != 50*time.Second {
		t.Fatalf("50 concurrent advances of 1s moved the clock %v", got)
	}
}
