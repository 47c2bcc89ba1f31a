package bounded

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// No more than n calls run at once, and no goroutine is started ahead of its slot.
func TestForEachStartsNoMoreThanNGoroutines(t *testing.T) {
	items := make([]int, 2000)
	var running, peak, started, goroutines atomic.Int64
	base := int64(runtime.NumGoroutine())
	var mu sync.Mutex
	seen := map[int]bool{}
	for i := range items {
		items[i] = i
	}
	ForEach(context.Background(), 4, items, func(_ context.Context, i int) {
		started.Add(1)
		if g := int64(runtime.NumGoroutine()); g > goroutines.Load() {
			goroutines.Store(g) // racy maximum, close enough: the bound is far from 2000
		}
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Microsecond)
		running.Add(-1)
		mu.Lock()
		seen[i] = true
		mu.Unlock()
	})
	if peak.Load() > 4 || started.Load() != 2000 || len(seen) != 2000 {
		t.Fatalf("peak %d running, %d started, %d seen; want at most 4, 2000, 2000", peak.Load(), started.Load(), len(seen))
	}
	if extra := goroutines.Load() - base; extra > 4+4 {
		t.Fatalf("%d goroutines beyond those before the call, want about 4", extra)
	}
}

// While every slot is taken, an ended context stops the wait: the items not started are handed
// to f with the ended context, at once.
func TestForEachWatchesTheContextWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	var ended atomic.Int64
	done := make(chan struct{})
	go func() {
		ForEach(ctx, 1, []int{1, 2, 3, 4}, func(ctx context.Context, i int) {
			if ctx.Err() != nil {
				ended.Add(1)
				return
			}
			<-release // the first item holds the only slot
		})
		close(done)
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	deadline := time.After(5 * time.Second)
	for ended.Load() < 3 {
		select {
		case <-deadline:
			t.Fatalf("%d items handed over after the context ended, want 3 while the slot is held", ended.Load())
		case <-time.After(time.Millisecond):
		}
	}
	close(release)
	<-done
}

// ForEachSeq hands an item over as soon as the sequence yields it: the sequence waits for the
// first item's call before it yields the second, which a ForEachSeq that collected the sequence
// first would never allow.
func TestForEachSeqStartsBeforeTheSequenceEnds(t *testing.T) {
	first := make(chan struct{})
	seq := func(yield func(int) bool) {
		if !yield(0) {
			return
		}
		select {
		case <-first:
		case <-time.After(10 * time.Second):
			t.Error("the first item was not handed over before the sequence went on")
			return
		}
		yield(1)
	}
	var got []int
	var mu sync.Mutex
	ForEachSeq(context.Background(), 2, seq, func(_ context.Context, i int) {
		mu.Lock()
		got = append(got, i)
		mu.Unlock()
		if i == 0 {
			close(first)
		}
	})
	if len(got) != 2 {
		t.Fatalf("items %v, want both", got)
	}
}
