package execute

import (
	"cmp"
	"context"
	"math/rand/v2"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
)

// Backoff retries calls that failed in a way a retry can fix (throttling, 5xx), waiting an
// exponentially growing, fully jittered time between attempts.
type Backoff struct {
	// Attempts is the most calls made (default 4).
	Attempts int
	// Base is the first wait's upper bound (default 200ms); Max caps every wait (default 5s).
	Base, Max time.Duration
	// Sleep waits; tests replace it. The default honours ctx.
	Sleep func(context.Context, time.Duration) error
}

// Do calls f until it succeeds, fails in a way retries cannot fix, or attempts run out.
func (b Backoff) Do(ctx context.Context, f func() error) error {
	attempts := cmp.Or(b.Attempts, 4)
	var err error
	for i := range attempts {
		if err = f(); err == nil || !apierr.Retryable(err) || i == attempts-1 {
			return err
		}
		if serr := b.sleep(ctx, b.wait(i)); serr != nil {
			return err
		}
	}
	return err
}

// wait returns a random duration in [0, min(Max, Base*2^i)].
func (b Backoff) wait(i int) time.Duration {
	ceiling := min(cmp.Or(b.Max, 5*time.Second), cmp.Or(b.Base, 200*time.Millisecond)<<min(i, 20))
	return rand.N(ceiling + 1)
}

func (b Backoff) sleep(ctx context.Context, d time.Duration) error {
	if b.Sleep != nil {
		return b.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
