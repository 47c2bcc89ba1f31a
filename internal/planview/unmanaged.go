package planview

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// BucketLister reads where an account's buckets are and their tags; *awsapi.Buckets is one.
type BucketLister interface {
	// BucketRegions lists every bucket of the account with its Region, calling via a Region.
	BucketRegions(ctx context.Context, account, via string) ([]plan.Bucket, error)
	// TaggedBuckets lists the account's tagged buckets in a Region with their tags.
	TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error)
}

// Unmanaged finds the buckets in scope that no managed job can scan because they are in a
// Region that is not managed, in every given account.
//
// Cost: one s3:ListBuckets per account (every bucket with its Region; 10,000 per page), then,
// only for the unmanaged Regions where the account has buckets, one tag:GetResources per 100
// tagged buckets of that Region. Accounts are read concurrency at a time.
//
// A bucket in scope there gives a warning naming it; a Region whose tags cannot be read gives a
// warning with its bucket count; an account that cannot be listed gives a warning too, since the
// plan itself does not depend on it.
func Unmanaged(ctx context.Context, l BucketLister, accounts, managed []string, policy tagpolicy.Policy, concurrency int) []plan.Warning {
	if len(managed) == 0 {
		return []plan.Warning{}
	}
	var mu sync.Mutex
	out := []plan.Warning{}
	sem := make(chan struct{}, max(1, concurrency))
	var wg sync.WaitGroup
	for _, account := range accounts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ws := unmanagedOf(ctx, l, account, managed, policy)
			mu.Lock()
			out = append(out, ws...)
			mu.Unlock()
		})
	}
	wg.Wait()
	plan.SortWarnings(out)
	return out
}

// unmanagedOf checks one account.
func unmanagedOf(ctx context.Context, l BucketLister, account string, managed []string, policy tagpolicy.Policy) []plan.Warning {
	all, err := l.BucketRegions(ctx, account, managed[0])
	if err != nil {
		return []plan.Warning{{Account: account, Message: fmt.Sprintf(
			"account %s: could not list its buckets to look for tagged buckets in Regions that are not managed: %v", account, err)}}
	}
	counts := map[string]int{}
	for _, b := range all {
		if b.Region != "" && !slices.Contains(managed, b.Region) {
			counts[b.Region]++
		}
	}
	var out []plan.Warning
	for _, region := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, unmanagedRegion(ctx, l, account, region, counts[region], policy)...)
	}
	return out
}

// unmanagedRegion reads the tags of an account's buckets in one unmanaged Region.
func unmanagedRegion(ctx context.Context, l BucketLister, account, region string, n int, policy tagpolicy.Policy) []plan.Warning {
	tagged, err := l.TaggedBuckets(ctx, account, region)
	if err != nil {
		return []plan.Warning{{Account: account, Region: region, Message: fmt.Sprintf(
			"account %s has %d bucket(s) in %s, which is not a managed Region; their tags could not be read: %v", account, n, region, err)}}
	}
	var out []plan.Warning
	for _, b := range tagged {
		if policy.InScope(b.Tags) {
			out = append(out, plan.Warning{Account: account, Region: region, Bucket: b.Name, Message: fmt.Sprintf(
				"bucket %s of %s is tagged %s but is in %s, which is not a managed Region: it is not scanned", b.Name, account, policy, region)})
		}
	}
	return out
}

// Accounts lists the distinct accounts of the observed members, sorted.
func Accounts(members []plan.Member) []string {
	var out []string
	for _, m := range members {
		out = append(out, m.Account)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
