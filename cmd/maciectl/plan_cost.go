package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// planCost estimates the monthly cost change that p makes, with the same inventory and model as
// maciectl cost (cost.ReadInventory, cost.Prices.Estimate). What cannot be read is left out of the
// figures and said in the note; so are the buckets of unknown size.
func planCost(ctx context.Context, o *org, r *reconcile.Reconciler, reader cost.Reader, snap reconcile.Snapshot, p plan.Plan) planview.Cost {
	prices, err := cost.DefaultPrices()
	if err != nil {
		return planview.Cost{Note: fmt.Sprintf("price table: %v", err)}
	}
	inv, unread := cost.ReadInventory(ctx, cost.Org{Config: o.Config, Reconciler: r, Reader: reader}, snap)
	a := cost.Assumptions{SamplingPercentage: o.Config.SamplingPercentage, MonthlyChangePercent: cost.DefaultMonthlyChangePercent}
	ch := prices.MonthlyChange(a, inv, cost.StatusesAfter(p.Actions))
	c := planview.Cost{Available: true, Currency: "USD", Before: ch.BeforeUSD, After: ch.AfterUSD,
		Change: ch.MonthlyUSD, InitialChange: ch.InitialUSD, UnsizedBuckets: ch.UnsizedBuckets}
	c.Note = costNote(a, ch, len(unread))
	return c
}

// costNote says what the estimate assumes and leaves out.
func costNote(a cost.Assumptions, ch cost.Change, unread int) string {
	note := fmt.Sprintf("assumes %d%% sampling and %v%% of scanned data new or changed a month",
		a.SamplingPercentage, a.MonthlyChangePercent)
	if ch.UnsizedBuckets > 0 {
		note += "; Macie knows a bucket's size only where it is enabled (maciectl cost --assume-gb-per-bucket N prices the others)"
	}
	if unread > 0 {
		note += fmt.Sprintf("; %d part(s) of the organization could not be read and are left out (maciectl cost lists them)", unread)
	}
	return note
}

// costReader returns the reader of the bucket inventory that the estimate needs, sharing the
// engine's adapters (and so its cached role credentials) and the bucket listings of lists.
func costReader(e *engine.Engine, lists *listCache) cost.Reader {
	return costSource{AWSReader: cost.NewAWSReader(e.Macie, lists.buckets, lists.via), lists: lists}
}

// costSource is the inventory reader with bucket listings served from the cache.
type costSource struct {
	*cost.AWSReader
	lists *listCache
}

// BucketNames lists every bucket of an account by Region, from the cache when it is there.
func (c costSource) BucketNames(ctx context.Context, account string) (map[string][]string, error) {
	bs, err := c.lists.BucketRegions(ctx, account, c.lists.via)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, b := range bs {
		out[b.Region] = append(out[b.Region], b.Name)
	}
	return out, nil
}

// listCache remembers each account's bucket listing, so that the check for tagged buckets in
// unmanaged Regions and the cost estimate share one s3:ListBuckets per account.
type listCache struct {
	buckets *awsapi.Buckets
	// via is the Region whose S3 endpoint lists buckets.
	via string

	mu  sync.Mutex
	got map[string][]plan.Bucket
}

// newListCache reads through the engine's bucket reader.
func newListCache(e *engine.Engine, o *org) *listCache {
	return &listCache{buckets: e.Buckets, via: o.Config.Regions[0], got: map[string][]plan.Bucket{}}
}

// BucketRegions lists an account's buckets with their Regions; a failed listing is not kept.
func (c *listCache) BucketRegions(ctx context.Context, account, via string) ([]plan.Bucket, error) {
	c.mu.Lock()
	bs, ok := c.got[account]
	c.mu.Unlock()
	if ok {
		return bs, nil
	}
	bs, err := c.buckets.BucketRegions(ctx, account, via)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.got[account] = bs
	c.mu.Unlock()
	return bs, nil
}

// TaggedBuckets lists an account's tagged buckets in a Region.
func (c *listCache) TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error) {
	return c.buckets.TaggedBuckets(ctx, account, region)
}
