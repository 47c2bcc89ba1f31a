package convergence

import "testing"

// shardedOptions size the sharded sequences as the default ones: sweeps run as shards of 1 to
// 10 accounts through the queue, interleaved with the events, through the function's handler.
var shardedOptions = Options{MaxAccounts: 50, MaxSteps: 250, MaxFaultRate: 0.3, Sharded: true}

// TestShardedSequences runs sequences whose sweeps are sharded through the queue: shards are
// dropped, duplicated, handed back and dead-lettered like events, and their sends time out; the
// final sharded sweep must converge like a whole one (a full reconcile after it finds nothing to
// do).
//
//	go test ./internal/convergence -run TestShardedSequences -seed 1234
func TestShardedSequences(t *testing.T) {
	runSequences(t, "TestShardedSequences", plannedSeeds(8), shardedOptions)
}
