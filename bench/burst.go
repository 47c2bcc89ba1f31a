package bench

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// Order is the order in which a burst's events reach the queue.
type Order string

// The orders of a burst.
const (
	// Clustered: each account's events arrive together, as when a team tags its buckets in a row.
	Clustered Order = "by account"
	// Interleaved: the events of all accounts are shuffled together.
	Interleaved Order = "shuffled"
)

// BurstOptions shape a burst: Accounts × BucketsPerAccount tag events, each bucket tagged once.
type BurstOptions struct {
	Accounts          int
	BucketsPerAccount int
	BatchSizes        []int
	Orders            []Order
	// Concurrency of the engine.
	Concurrency int
}

// BurstRow is one delivery of a burst: its events in batches of Batch, in Order.
type BurstRow struct {
	Order   Order
	Batch   int
	Events  int
	Batches int
	// Pairs sums, over the batches, the distinct (account, Region) pairs of each batch: the
	// fewest reconciles possible.
	Pairs int
	// Units is the reconciles the engine performed (Result.Units summed).
	Units    int
	Calls    Delta
	Failures int
}

// Burst makes the burst's tag changes through S3 once, then, for every order and batch size,
// delivers the events the sandbox produced to a fresh engine in a fresh sandbox holding the same
// buckets, as the SQS event source would: one Changes call per batch.
func Burst(ctx context.Context, o BurstOptions) ([]BurstRow, error) {
	msgs, err := burstEvents(ctx, o)
	if err != nil {
		return nil, err
	}
	var rows []BurstRow
	for _, order := range o.Orders {
		ordered := arrange(msgs, order)
		for _, size := range o.BatchSizes {
			row, err := deliverBurst(ctx, o, ordered, size)
			if err != nil {
				return nil, fmt.Errorf("%s, batches of %d: %w", order, size, err)
			}
			row.Order = order
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// message is one queued event with what it changed.
type message struct {
	id     string
	body   string
	change event.Change
}

func burstAccount(i int) string { return fmt.Sprintf("4444%08d", i+1) }

// setupBurst creates the burst's accounts and buckets, tagged or not.
func setupBurst(env *Env, o BurstOptions, tagged bool) error {
	for a := range o.Accounts {
		acct := burstAccount(a)
		env.AddWorkload(acct)
		for b := range o.BucketsPerAccount {
			bk := sandbox.Bucket{Account: acct, Region: Region, Name: bucketName(acct, b)}
			if tagged {
				bk.Tags = map[string]string{"macie": "true"}
			}
			if err := env.SB.PutBucket(bk); err != nil {
				return fmt.Errorf("setting up the burst: %w", err)
			}
		}
	}
	return nil
}

// burstEvents tags every bucket through S3, each account's team from its own goroutine, and
// returns the events the sandbox produced.
func burstEvents(ctx context.Context, o BurstOptions) ([]message, error) {
	env, err := NewEnv(EnvOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Close() }()
	if err := setupBurst(env, o, false); err != nil {
		return nil, err
	}
	errs := make([]error, o.Accounts)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for a := range o.Accounts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[a] = tagAll(ctx, env.URL, burstAccount(a), o.BucketsPerAccount)
		})
	}
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return nil, err
	}
	var msgs []message
	for i, raw := range env.SB.TakeEvents() {
		id := fmt.Sprintf("msg-%05d", i)
		msgs = append(msgs, message{id: id, body: string(raw), change: event.DecodeMessage(id, string(raw))})
	}
	return msgs, nil
}

func tagAll(ctx context.Context, url, acct string, n int) error {
	cl := s3.NewFromConfig(AWSConfig(url, acct), func(o *s3.Options) { o.UsePathStyle = true })
	for b := range n {
		_, err := cl.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucketName(acct, b)),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
		if err != nil {
			return fmt.Errorf("tagging %s: %w", bucketName(acct, b), err)
		}
	}
	return nil
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// arrange orders the messages: by account then bucket, or shuffled with a fixed seed.
func arrange(msgs []message, o Order) []message {
	out := slices.Clone(msgs)
	if o == Interleaved {
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	slices.SortStableFunc(out, func(a, b message) int {
		return cmp.Or(cmp.Compare(a.change.Account, b.change.Account), cmp.Compare(a.change.Bucket, b.change.Bucket))
	})
	return out
}

// deliverBurst hands the messages to a fresh engine in batches of size and sums what it did.
func deliverBurst(ctx context.Context, o BurstOptions, msgs []message, size int) (BurstRow, error) {
	env, err := NewEnv(EnvOptions{})
	if err != nil {
		return BurstRow{}, err
	}
	defer func() { _ = env.Close() }()
	if err := setupBurst(env, o, true); err != nil {
		return BurstRow{}, err
	}
	eng := NewEngine(env.URL, o.Concurrency)
	if err := ensureRegion(ctx, eng); err != nil {
		return BurstRow{}, err
	}
	row := BurstRow{Batch: size, Events: len(msgs)}
	cnt := Count(env.SB)
	for batch := range slices.Chunk(msgs, size) {
		changes := make([]event.Change, 0, len(batch))
		for _, m := range batch {
			changes = append(changes, event.DecodeMessage(m.id, m.body))
		}
		res := eng.Changes(ctx, changes)
		row.Batches++
		row.Pairs += distinctPairs(changes)
		row.Units += res.Units
		row.Failures += len(res.Failures)
	}
	row.Calls = cnt.Delta()
	return row, nil
}

// distinctPairs counts the distinct (account, Region) pairs the relevant changes name.
func distinctPairs(changes []event.Change) int {
	seen := map[[2]string]bool{}
	for _, c := range changes {
		if c.Relevant() {
			seen[[2]string{c.Account, c.Region}] = true
		}
	}
	return len(seen)
}
