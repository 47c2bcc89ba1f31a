package cost

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// SizedBucket is a bucket of Macie's inventory with its size and object count.
type SizedBucket struct {
	Account   string
	Name      string
	SizeBytes int64
	Objects   int64
}

// Reader reads what an inventory needs, in the administrator account and, through the read
// role, in the workload accounts.
type Reader interface {
	// MemberStatuses returns the status of every member, current or past, in a Region.
	MemberStatuses(ctx context.Context, region string) (map[string]plan.MemberStatus, error)
	// MacieBuckets returns Macie's bucket inventory in a Region: the administrator's buckets and
	// those of its Enabled members, with sizes.
	MacieBuckets(ctx context.Context, region string) ([]SizedBucket, error)
	// BucketNames lists every bucket of an account, by Region.
	BucketNames(ctx context.Context, account string) (map[string][]string, error)
	// TaggedBuckets lists an account's tagged buckets in a Region, with their tags.
	TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error)
}

// Scope says which pairs an inventory covers and how buckets come into scope.
type Scope struct {
	Admin    string
	Accounts []string
	Regions  []string
	Policy   tagpolicy.Policy
	// Members are the pairs already observed with their tagged buckets (a reconcile Snapshot's
	// Members); the tags of the administrator's buckets are read here.
	Members []plan.Member
	// Concurrency bounds the accounts listed at once (default 8).
	Concurrency int
}

// ReadError is a part of the inventory that could not be read: an account (the administrator's,
// for Macie's own figures) in some Regions.
type ReadError struct {
	Account string
	Regions []string
	Err     error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("%s in %s: %v", e.Account, strings.Join(e.Regions, ", "), e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// Gather reads the inventory of every account of s in every Region of s. What cannot be read is
// returned as *ReadError and left out of the figures: a Region without Macie's inventory has no
// sizes, an account whose buckets cannot be listed is not Listed.
func Gather(ctx context.Context, r Reader, s Scope) (Inventory, []error) {
	var errs []error
	statuses, sizes := map[Key]string{}, map[Key]map[string]SizedBucket{}
	for _, region := range s.Regions {
		st, err := r.MemberStatuses(ctx, region)
		if err != nil {
			errs = append(errs, &ReadError{Account: s.Admin, Regions: []string{region}, Err: err})
		}
		for a, v := range st {
			statuses[Key{a, region}] = string(v)
		}
		bs, err := r.MacieBuckets(ctx, region)
		if err != nil {
			errs = append(errs, &ReadError{Account: s.Admin, Regions: []string{region}, Err: err})
		}
		for _, b := range bs {
			k := Key{b.Account, region}
			if sizes[k] == nil {
				sizes[k] = map[string]SizedBucket{}
			}
			sizes[k][b.Name] = b
		}
	}
	tagged, terrs := taggedScope(ctx, r, s)
	names, nerrs := listAll(ctx, r, s)
	errs = append(append(errs, terrs...), nerrs...)
	return assemble(s, statuses, sizes, tagged, names), errs
}

// taggedScope returns the in-scope bucket names of each pair: from the observed members, and
// read for the administrator.
func taggedScope(ctx context.Context, r Reader, s Scope) (map[Key]map[string]bool, []error) {
	out := map[Key]map[string]bool{}
	mark := func(k Key, bs []plan.Bucket) {
		for _, b := range bs {
			if s.Policy.InScope(b.Tags) {
				if out[k] == nil {
					out[k] = map[string]bool{}
				}
				out[k][b.Name] = true
			}
		}
	}
	for _, m := range s.Members {
		mark(Key{m.Account, m.Region}, m.Buckets)
	}
	var errs []error
	for _, region := range s.Regions {
		bs, err := r.TaggedBuckets(ctx, s.Admin, region)
		if err != nil {
			errs = append(errs, &ReadError{Account: s.Admin, Regions: []string{region}, Err: err})
		}
		mark(Key{s.Admin, region}, bs)
	}
	return out, errs
}

// listAll lists the buckets of every account, a bounded number at once; accounts that fail are
// missing from the result.
func listAll(ctx context.Context, r Reader, s Scope) (map[string]map[string][]string, []error) {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	out := map[string]map[string][]string{}
	sem := make(chan struct{}, cmp.Or(max(s.Concurrency, 0), 8))
	for _, a := range accountsOf(s) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			names, err := r.BucketNames(ctx, a)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, &ReadError{Account: a, Regions: s.Regions, Err: err}) // unlisted everywhere
				return
			}
			out[a] = names
		}()
	}
	wg.Wait()
	return out, errs
}

// accountsOf is every account of the scope, the administrator included, sorted, once each.
func accountsOf(s Scope) []string {
	as := append([]string{s.Admin}, s.Accounts...)
	slices.Sort(as)
	return slices.Compact(as)
}

// assemble builds the pairs from what was read.
func assemble(s Scope, statuses map[Key]string, sizes map[Key]map[string]SizedBucket,
	tagged map[Key]map[string]bool, names map[string]map[string][]string) Inventory {
	inv := Inventory{Pairs: []Pair{}}
	for _, a := range accountsOf(s) {
		for _, region := range s.Regions {
			k := Key{a, region}
			p := Pair{Account: a, Region: region, Status: cmp.Or(statuses[k], string(plan.StatusNone)), Buckets: []Bucket{}}
			if a == s.Admin {
				p.Status = StatusAdministrator
			}
			byRegion, listed := names[a]
			p.Listed = listed
			for _, n := range byRegion[region] {
				sb, known := sizes[k][n]
				p.Buckets = append(p.Buckets, Bucket{Name: n, SizeBytes: sb.SizeBytes, Objects: sb.Objects, SizeKnown: known, InScope: tagged[k][n]})
			}
			inv.Pairs = append(inv.Pairs, p)
		}
	}
	return inv
}
