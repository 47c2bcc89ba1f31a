// Package bounded runs work in parallel with a bound on how much runs at once.
package bounded

import (
	"context"
	"iter"
	"slices"
	"sync"
)

// ForEach calls f for every item, at most n at once (at least one). A slot is taken before a
// goroutine starts, so no more than n goroutines ever exist, however many items there are.
// Once ctx ends, the items not started yet are handed to f at once, in the caller's goroutine and
// with the ended context, so that f can count them as not done. ForEach returns when every call
// has returned.
func ForEach[T any](ctx context.Context, n int, items []T, f func(context.Context, T)) {
	ForEachSeq(ctx, n, slices.Values(items), f)
}

// ForEachSeq is ForEach over a sequence that may still be growing (a listing in progress): an
// item is handed to f as soon as the sequence yields it and a slot is free.
func ForEachSeq[T any](ctx context.Context, n int, items iter.Seq[T], f func(context.Context, T)) {
	slots := make(chan struct{}, max(1, n))
	var wg sync.WaitGroup
	for it := range items {
		if ctx.Err() != nil {
			f(ctx, it)
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			f(ctx, it)
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			f(ctx, it)
		})
	}
	wg.Wait()
}
