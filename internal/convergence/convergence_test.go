package convergence

import (
	"context"
	"flag"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Replaying and sizing the randomised suite:
//
//	go test ./internal/convergence -run TestRandomSequences -seed 1234      # replay one sequence
//	CONVERGENCE_SEED=1234 go test ./internal/convergence -run TestRandomSequences
//	CONVERGENCE_SEQUENCES=10000 go test ./internal/convergence -run TestRandomSequences -timeout 0
//	CONVERGENCE_SEQUENCES=1000 go test ./internal/convergence -run TestEventsOnlySequences -timeout 0
var (
	seedFlag      = flag.Uint64("seed", 0, "replay only the sequence of this seed")
	sequencesFlag = flag.Int("sequences", 0, "how many sequences to run (default 24, or $CONVERGENCE_SEQUENCES)")
)

// shortOptions size the sequences of `make test`: long enough to mix every kind of step many
// times, short enough for CI.
var shortOptions = Options{MaxAccounts: 50, MaxSteps: 250, MaxFaultRate: 0.3}

// eventsOnlyOptions size the events-only sequences: no faults, drops or sweeps, no final
// full reconcile.
var eventsOnlyOptions = Options{MaxAccounts: 50, MaxSteps: 250, EventsOnly: true}

func envUint(name string) uint64 {
	n, _ := strconv.ParseUint(os.Getenv(name), 10, 64)
	return n
}

// plannedSeeds returns the seeds to run: one to replay, or a count from a first seed (byDefault
// when none is asked for).
func plannedSeeds(byDefault int) []uint64 {
	if s := max(*seedFlag, envUint("CONVERGENCE_SEED")); s != 0 {
		return []uint64{s}
	}
	n := *sequencesFlag
	if n == 0 {
		n = int(envUint("CONVERGENCE_SEQUENCES"))
	}
	if n == 0 {
		n = byDefault
		if testing.Short() {
			n = max(1, byDefault/4)
		}
	}
	first := envUint("CONVERGENCE_FIRST_SEED")
	if first == 0 {
		first = uint64(time.Now().UnixNano() % 1_000_000_000) // new sequences every run; printed on failure
	}
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = first + uint64(i)
	}
	return seeds
}

func TestRandomSequences(t *testing.T) {
	runSequences(t, "TestRandomSequences", plannedSeeds(24), shortOptions)
}

// TestEventsOnlySequences runs sequences whose events alone must converge, with same-second
// flip-flops of one bucket delivered in any order and split across batches.
func TestEventsOnlySequences(t *testing.T) {
	runSequences(t, "TestEventsOnlySequences", plannedSeeds(8), eventsOnlyOptions)
}

// runSequences runs the seeds in parallel, reporting every sequence that breaks a rule or
// diverges with how to replay it.
func runSequences(t *testing.T, name string, seeds []uint64, opts Options) {
	work := make(chan uint64)
	var mu sync.Mutex
	var runs, events, dead, stale int
	var wg sync.WaitGroup
	for range max(2, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for seed := range work {
				rep, err := Run(context.Background(), seed, opts)
				mu.Lock()
				runs, events, dead, stale = runs+1, events+rep.Events, dead+rep.DeadLettered, stale+rep.StaleReads
				mu.Unlock()
				if err != nil {
					t.Errorf("seed %d: %v (replay: go test ./internal/convergence -run %s -seed %d)", seed, err, name, seed)
				}
				if testing.Verbose() && len(seeds) == 1 {
					t.Logf("%s\npermanent errors: %q", rep, rep.PermanentErrors)
				}
				if !rep.OK() {
					t.Errorf("%s\nviolations: %q\ndivergences: %q\nreplay: go test ./internal/convergence -run %s -seed %d",
						rep, rep.Violations, rep.Divergences, name, seed)
				}
			}
		})
	}
	for _, s := range seeds {
		work <- s
	}
	close(work)
	wg.Wait()
	t.Logf("%d sequences from seed %d: %d events, %d dead-lettered messages, %d stale reads held back", runs, seeds[0], events, dead, stale)
}
