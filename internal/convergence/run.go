package convergence

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// Options size a sequence.
type Options struct {
	// MaxAccounts bounds the workload accounts of the organization (at most 50).
	MaxAccounts int
	// MaxSteps bounds the operations of the sequence (team calls, deliveries, drops, faults, sweeps).
	MaxSteps int
	// MaxFaultRate bounds the rate of every injected fault (0.3 means up to 30 %).
	MaxFaultRate float64
	// EventsOnly runs a sequence without dropped events, faults or sweeps, starting from a
	// converged organization and checked without a final full reconcile: the events alone must
	// converge, and no message may be dead-lettered.
	EventsOnly bool
	// Sharded runs the sweeps sharded through the queue by the function's handler (shard.go).
	Sharded bool
	// Logs receives the engine's JSON logs; nil discards them.
	Logs io.Writer
}

// Report is what one sequence did and found.
type Report struct {
	Seed        uint64
	Accounts    int
	Managed     int
	Concurrency int
	Steps       int
	TeamCalls   int
	Events      int
	// Duplicates counts extra copies (in the queue or in a batch); Dropped counts lost messages.
	Duplicates, Dropped   int
	Batches, Redeliveries int
	DeadLettered          int
	Sweeps                int
	// ShardsSent counts the sweep shards the handler sent to the queue (Sharded).
	ShardsSent int
	Timeouts   int
	// StaleReads, RetryableFailures and PermanentFailures count the failed pairs of all runs.
	StaleReads, RetryableFailures, PermanentFailures int
	PermanentErrors                                  []string
	// Violations break a rule that must hold at every moment; Divergences differ from the oracle.
	Violations  []string
	Divergences []string
}

// OK reports whether the sequence converged without breaking a rule.
func (r Report) OK() bool { return len(r.Violations) == 0 && len(r.Divergences) == 0 }

// String summarises the report on one line.
func (r Report) String() string {
	return fmt.Sprintf("seed %d: %d accounts, %d managed Regions, concurrency %d, %d steps, %d team calls, %d events "+
		"(%d duplicates, %d dropped), %d batches, %d redeliveries, %d dead-lettered, %d sweeps (%d shards), %d timeouts, "+
		"%d stale reads held, %d retryable and %d permanent failures, %d violations, %d divergences",
		r.Seed, r.Accounts, r.Managed, r.Concurrency, r.Steps, r.TeamCalls, r.Events, r.Duplicates, r.Dropped,
		r.Batches, r.Redeliveries, r.DeadLettered, r.Sweeps, r.ShardsSent, r.Timeouts, r.StaleReads, r.RetryableFailures,
		r.PermanentFailures, len(r.Violations), len(r.Divergences))
}

// runner is one sequence in progress.
type runner struct {
	rng   *rand.Rand
	org   *org
	sb    *sandbox.Sandbox
	eng   *reconcile.Reconciler
	clk   *vclock.Clock
	flaky *flakyClient
	team  *team
	q     queue
	opts  Options
	// h is the function's handler in the sharded mode (shard.go), nil otherwise; collected, when
	// set, gathers the results of its runs.
	h         *lambdafn.Handler
	collected *reconcile.Result
	// faulted are the sandbox operations with an injected fault.
	faulted map[string]bool

	mu  sync.Mutex // guards rep.Violations, appended from the sandbox's watcher
	rep Report
}

// Run generates and runs the sequence of seed, and checks it.
func Run(ctx context.Context, seed uint64, opts Options) (Report, error) {
	rng := rand.New(rand.NewPCG(seed, 0xc0417e5e))
	o := generate(rng, opts.MaxAccounts)
	clk := vclock.New(time.Now().UTC().Truncate(time.Second))
	sb := sandbox.New(sandbox.Options{Seed: int64(seed), Now: clk.Now, PageSize: 1 + rng.IntN(25)})
	if err := o.install(sb); err != nil {
		return Report{Seed: seed}, err
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		return Report{Seed: seed}, fmt.Errorf("starting the sandbox: %w", err)
	}
	defer func() { _ = srv.Close() }()
	r := &runner{rng: rng, org: o, sb: sb, clk: clk, opts: opts, faulted: map[string]bool{},
		flaky: newFlakyClient(seed), rep: Report{Seed: seed, Accounts: len(o.Workloads), Managed: len(o.Managed)}}
	r.rep.Concurrency = []int{1, 1, 1, 4}[rng.IntN(4)]
	r.eng = r.engine(ctx, srv, opts.Logs)
	if opts.Sharded {
		r.shardSweeps()
	}
	r.team = &team{clients: map[owned]*s3.Client{}, buckets: map[string]owned{},
		cfg: func(a, region string) aws.Config { return srv.Config(ctx, a, region) }}
	for _, b := range o.Buckets {
		r.team.buckets[b.Name] = owned{b.Account, b.Region}
	}
	sb.Macie().Watch(r.watch)
	if opts.EventsOnly {
		r.tally(r.eng.Full(ctx)) // the organization as a deployment and its first sweep leave it
	}
	r.sequence(ctx)
	r.finish(ctx)
	sb.Macie().Watch(nil)
	return r.rep, ctx.Err()
}

// engine wires the real engine to the sandbox: SDK retries off (every fault reaches the engine,
// which retries nothing itself), the shared clock, and the flaky HTTP client.
func (r *runner) engine(ctx context.Context, srv *sandbox.Server, logs io.Writer) *reconcile.Reconciler {
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	awsCfg := srv.Config(ctx, adminAccount, r.org.Managed[0])
	awsCfg.HTTPClient = r.flaky
	eng := engine.New(awsCfg, r.org.config(r.rep.Concurrency), engine.Options{Endpoint: srv.URL(), MaxAttempts: 1,
		Logger: logger})
	eng.Now = r.clk.Now
	return eng.Reconciler
}

// watch checks every member change the sandbox makes against the rules that hold at all times.
func (r *runner) watch(c macie.MemberChange) {
	var why string
	switch {
	case c.Account == adminAccount:
		why = "the administrator was made a member of itself"
	case !slices.Contains(r.org.Managed, c.Region):
		why = "an unmanaged Region was touched"
	case !slices.Contains(r.org.Workloads, c.Account):
		why = "an account outside the organization was touched"
	case r.org.Excluded[c.Account]:
		why = "an excluded account was touched"
	case r.org.Protected[c.Account] && c.To == macie.RelationshipPaused:
		why = "a protected account was paused"
	default:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Violations = append(r.rep.Violations, fmt.Sprintf("step %d: %s: %s in %s %q -> %q",
		r.rep.Steps, why, c.Account, c.Region, c.From, c.To))
}

// allowedMacieCalls are the only Macie operations the engine may call: never a disassociation,
// a deletion or disabling Macie.
var allowedMacieCalls = []string{"GetMember", "ListMembers", "CreateMember", "UpdateMemberSession",
	"ListClassificationJobs", "DescribeClassificationJob", "CreateClassificationJob", "UpdateClassificationJob",
	"GetFindingsPublicationConfiguration", "PutFindingsPublicationConfiguration",
	"SearchResources", "GetAutomatedDiscoveryConfiguration", "ListAutomatedDiscoveryAccounts", "BatchUpdateAutomatedDiscoveryAccounts"}

// checkCalls reports every Macie operation called that is not allowed.
func (r *runner) checkCalls() {
	for op, n := range r.sb.Calls() {
		name, ok := strings.CutPrefix(op, "macie2:")
		if ok && !slices.Contains(allowedMacieCalls, name) {
			r.rep.Violations = append(r.rep.Violations, fmt.Sprintf("called %s %d times", op, n))
		}
	}
}
