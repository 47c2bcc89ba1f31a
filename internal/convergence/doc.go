// Package convergence checks, with randomised sequences, that the engine converges and keeps its
// safety rules whatever the order, number and fate of the events it is given.
//
// One sequence generates an organization (up to 50 workload accounts, three Regions of which two
// or three are managed, some accounts protected, some excluded, some outside the organization)
// with random buckets, tags and Macie members, then performs a long random series of team
// operations through S3 against the sandbox: tag, untag, create and delete buckets, put objects
// (into a third of the buckets first, most of them not yet in scope). The sandbox
// emits the CloudTrail events AWS would, and they reach the real engine (engine.New with the real
// SDK adapters) reordered, duplicated, in random batches, some dropped, some redelivered after a
// retryable failure and dead-lettered after RetryLimit receives; meanwhile throttling, 500s and
// timeouts are injected on the engine's calls at rates up to MaxFaultRate, and now and then a
// scheduled sweep runs under those faults. At the end the faults are cleared, the rest of the
// queue is delivered and one full reconcile runs.
//
// In the events-only mode (Options.EventsOnly) nothing is dropped, no fault is injected and no
// sweep runs: the organization starts converged, teams also flip one bucket's tags several times
// within one second (CloudTrail gives those events one time, so they cannot be ordered), messages
// handed back wait as SQS makes them wait, and the check runs without a final full reconcile. The
// events alone must converge, and no message may be dead-lettered.
//
// In the sharded mode (Options.Sharded, shard.go) the sweeps run as the deployed function runs
// them with its queue: its handler sends the shards to the modelled queue, where they share the
// events' fate, and every batch goes through the handler; the final check runs one sharded sweep
// to its end, after which a full reconcile must find nothing to do.
//
// Then the final Macie state is compared with an oracle that knows only the final tags, the
// initial members and the configuration (it does not use the engine's plan or tag policy), and
// the rules that must hold at every moment are checked on every member change the sandbox saw:
// protected accounts are never paused, excluded accounts, accounts outside the organization, the
// administrator and unmanaged Regions are never touched, and no member is ever disassociated or
// deleted.
//
// Last, 72 quiet virtual hours pass, in which Macie refreshes its inventory and runs its jobs
// and, except in the events-only mode, the sweep runs once a day; then the coverage property is
// checked (oracle.go): every object of every bucket in scope that the jobs cover was analysed
// (in the events-only mode, which has no sweep to create backfills, every object changed after
// the daily job's latest run), and no bucket that was never in scope was analysed.
//
// Every sequence is determined by its seed; a run with concurrency 1 replays exactly.
package convergence
