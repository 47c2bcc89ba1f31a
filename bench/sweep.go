package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// SweepOptions shape a full-organization sweep.
type SweepOptions struct {
	Accounts          int
	BucketsPerAccount int
	// TaggedFraction is the chance that a bucket is tagged macie=true (drawn with Seed).
	TaggedFraction float64
	Seed           uint64
	// Latency is added to every call; Rate caps the calls served per second.
	Latency time.Duration
	Rate    float64
	// Concurrency of the engine.
	Concurrency int
	// SkipUntagged leaves out the buckets without tags: the sweep never reads them (it lists
	// tagged buckets only), so the engine's calls are the same, while the sandbox, whose
	// GetResources scans every bucket it holds, is spared most of its work.
	SkipUntagged bool
	// MemLimit, when positive, is the engine's soft memory limit in bytes (GOMEMLIMIT).
	MemLimit int64
	// Passes is how many sweeps run one after the other (the first enrols, the next find
	// nothing to change); at least 1.
	Passes int
}

// SweepRunner runs one full reconcile with a fresh engine against endpoint (in this process or
// another one) and reports it.
type SweepRunner func(ctx context.Context, endpoint string, o SweepOptions) (SweepRun, error)

// SweepRow is one pass of a sweep.
type SweepRow struct {
	Options SweepOptions
	Pass    int
	// Tagged is the number of accounts with at least one tagged bucket.
	Tagged int
	// Held is the number of buckets the sandbox holds.
	Held  int
	Calls Delta
	Run   SweepRun
}

// Floor is the least time the pass's calls can take: the rate limit's bound (calls / rate) or
// the latency's (calls × latency / concurrency), whichever is larger.
func (r SweepRow) Floor() time.Duration {
	n := float64(r.Calls.Total())
	byRate := time.Duration(n / r.Options.Rate * float64(time.Second))
	byLatency := time.Duration(n * float64(r.Options.Latency) / float64(r.Options.Concurrency))
	return max(byRate, byLatency)
}

// Sweep builds the organization, serves it with the options' latency and rate limit, and runs
// the passes with run, counting each pass's calls.
func Sweep(ctx context.Context, o SweepOptions, run SweepRunner) ([]SweepRow, error) {
	env, err := NewEnv(EnvOptions{Rate: o.Rate, Latency: o.Latency})
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Close() }()
	tagged, held, err := setupSweep(env, o)
	if err != nil {
		return nil, err
	}
	var rows []SweepRow
	for pass := 1; pass <= max(1, o.Passes); pass++ {
		cnt := Count(env.SB)
		res, err := run(ctx, env.URL, o)
		if err != nil {
			return nil, fmt.Errorf("sweep of %d accounts, pass %d: %w", o.Accounts, pass, err)
		}
		rows = append(rows, SweepRow{Options: o, Pass: pass, Tagged: tagged, Held: held, Calls: cnt.Delta(), Run: res})
	}
	return rows, nil
}

func sweepAccount(i int) string { return fmt.Sprintf("5555%08d", i+1) }

// setupSweep creates the accounts and buckets directly (no events) and returns how many accounts
// have a tagged bucket and how many buckets it created.
func setupSweep(env *Env, o SweepOptions) (tagged, held int, err error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	for a := range o.Accounts {
		acct := sweepAccount(a)
		env.AddWorkload(acct)
		any := false
		for b := range o.BucketsPerAccount {
			bk := sandbox.Bucket{Account: acct, Region: Region, Name: bucketName(acct, b)}
			if rng.Float64() < o.TaggedFraction {
				bk.Tags = map[string]string{"macie": "true", "team": fmt.Sprintf("team-%d", a%50)}
				any = true
			} else if o.SkipUntagged {
				continue
			}
			if err := env.SB.PutBucket(bk); err != nil {
				return 0, 0, fmt.Errorf("setting up the sweep: %w", err)
			}
			held++
		}
		if any {
			tagged++
		}
	}
	return tagged, held, nil
}
