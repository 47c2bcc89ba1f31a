package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
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
	// Regions the engine manages, home Region first; the buckets are spread over them as
	// RegionShares says. None means Region alone.
	Regions []string
	// Latency is added to every call; Limits are the request-rate quotas (Quotas).
	Latency time.Duration
	Limits  Limits
	// Concurrency of the engine.
	Concurrency int
	// SkipUntagged leaves out the buckets without tags: the sweep never reads them (it lists
	// tagged buckets only), so the engine's calls are the same, while the sandbox is spared
	// holding them.
	SkipUntagged bool
	// MemLimit, when positive, is the engine's soft memory limit in bytes (GOMEMLIMIT).
	MemLimit int64
	// Passes is how many sweeps run one after the other (the first enrols, the next find
	// nothing to change); at least 1.
	Passes int
	// SandboxCPUProfile, when set, receives the CPU profile of this process (the sandbox, when
	// the engine runs in a child process) during the passes.
	SandboxCPUProfile string `json:"-"`
}

func (o SweepOptions) regions() []string { return regionsOr(o.Regions) }

// SweepRunner runs one full reconcile with a fresh engine against endpoint (in this process or
// another one) and reports it.
type SweepRunner func(ctx context.Context, endpoint string, o SweepOptions) (SweepRun, error)

// SweepRow is one pass of a sweep.
type SweepRow struct {
	Options SweepOptions
	// Attempt numbers the runs of the same sweep, from 1.
	Attempt int
	Pass    int
	// Tagged is the number of accounts with at least one tagged bucket; TaggedIn the same per
	// Region.
	Tagged   int
	TaggedIn map[string]int
	// Held is the number of buckets the sandbox holds.
	Held int
	// Calls are the pass's calls per operation, as the sandbox counted them; ByKey the same
	// calls by service and signing Region, as the rate limiter counted them.
	Calls Delta
	ByKey map[Key]int
	Run   SweepRun
	// SandboxCPU is this process's CPU time during the pass: the sandbox's, the rate limiter's
	// and the HTTP server's when the engine runs in a child process.
	SandboxCPU time.Duration
}

// SweepRuns runs the same sweep runs times, each from a fresh organization, to show how much
// its times vary.
func SweepRuns(ctx context.Context, o SweepOptions, runs int, run SweepRunner) ([]SweepRow, error) {
	var all []SweepRow
	for i := range max(1, runs) {
		rows, err := Sweep(ctx, o, run)
		if err != nil {
			return nil, err
		}
		for j := range rows {
			rows[j].Attempt = i + 1
		}
		all = append(all, rows...)
	}
	return all, nil
}

// Sweep builds the organization, serves it with the options' latency and quotas, and runs the
// passes with run, counting each pass's calls and this process's CPU time.
func Sweep(ctx context.Context, o SweepOptions, run SweepRunner) ([]SweepRow, error) {
	env, err := NewEnv(EnvOptions{Limits: o.Limits, Latency: o.Latency, Regions: o.regions()})
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Close() }()
	est, err := setupSweep(env, o)
	if err != nil {
		return nil, err
	}
	stop, err := startCPUProfile(o.SandboxCPUProfile)
	if err != nil {
		return nil, err
	}
	defer stop()
	var rows []SweepRow
	for pass := 1; pass <= max(1, o.Passes); pass++ {
		cnt, keys, cpu := Count(env.SB), env.Limiter.Calls(), processCPU()
		res, err := run(ctx, env.URL, o)
		if err != nil {
			return nil, fmt.Errorf("sweep of %d accounts in %d Regions, pass %d: %w", o.Accounts, len(o.regions()), pass, err)
		}
		rows = append(rows, SweepRow{Options: o, Attempt: 1, Pass: pass, Tagged: est.tagged, TaggedIn: est.taggedIn,
			Held: est.held, Calls: cnt.Delta(), ByKey: keyDelta(keys, env.Limiter.Calls()), Run: res, SandboxCPU: processCPU() - cpu})
	}
	return rows, nil
}

// keyDelta returns the calls per key made between two snapshots.
func keyDelta(before, after map[Key]int) map[Key]int {
	d := map[Key]int{}
	for k, n := range after {
		if n > before[k] {
			d[k] = n - before[k]
		}
	}
	return d
}

// startCPUProfile profiles this process into path until the returned function is called; it
// does nothing for an empty path.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("starting the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

func sweepAccount(i int) string { return fmt.Sprintf("5555%08d", i+1) }

// RegionShares is the real estate of a sweep over n Regions: the k-th Region (home first)
// holds a share of the buckets proportional to 1/k², so most of them sit in one or two home
// Regions and a long tail elsewhere (for 4 Regions: 70, 18, 8 and 4 %).
func RegionShares(n int) []float64 {
	shares := make([]float64, n)
	sum := 0.0
	for k := range n {
		shares[k] = 1 / float64((k+1)*(k+1))
		sum += shares[k]
	}
	for k := range shares {
		shares[k] /= sum
	}
	return shares
}

// estate is what setupSweep created.
type estate struct {
	tagged   int
	taggedIn map[string]int
	held     int
}

// setupSweep creates the accounts and buckets directly (no events), each bucket in a Region
// drawn from RegionShares when there are several.
func setupSweep(env *Env, o SweepOptions) (estate, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	regions, shares := o.regions(), RegionShares(len(o.regions()))
	est := estate{taggedIn: map[string]int{}}
	for a := range o.Accounts {
		acct := sweepAccount(a)
		env.AddWorkload(acct)
		in := map[string]bool{}
		for b := range o.BucketsPerAccount {
			bk := sandbox.Bucket{Account: acct, Region: regions[0], Name: bucketName(acct, b)}
			tagged := rng.Float64() < o.TaggedFraction
			if len(regions) > 1 {
				bk.Region = regions[pick(rng, shares)]
			}
			if tagged {
				bk.Tags = map[string]string{"macie": "true", "team": fmt.Sprintf("team-%d", a%50)}
				in[bk.Region] = true
			} else if o.SkipUntagged {
				continue
			}
			if err := env.SB.PutBucket(bk); err != nil {
				return est, fmt.Errorf("setting up the sweep: %w", err)
			}
			est.held++
		}
		for r := range in {
			est.taggedIn[r]++
		}
		if len(in) > 0 {
			est.tagged++
		}
	}
	return est, nil
}

// pick draws an index with the given probabilities.
func pick(rng *rand.Rand, shares []float64) int {
	x := rng.Float64()
	for i, s := range shares {
		if x < s {
			return i
		}
		x -= s
	}
	return len(shares) - 1
}
