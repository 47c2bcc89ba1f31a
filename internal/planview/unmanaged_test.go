package planview

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// fakeLister holds each account's buckets and counts the calls.
type fakeLister struct {
	mu       sync.Mutex
	buckets  map[string][]plan.Bucket // account -> buckets with Region and tags
	failList map[string]bool          // accounts whose listing fails
	failTags map[string]bool          // "account region" whose tags cannot be read
	lists    []string                 // "account via"
	tagReads []string                 // "account region"
}

func (f *fakeLister) BucketRegions(_ context.Context, account, via string) ([]plan.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, account+" "+via)
	if f.failList[account] {
		return nil, errors.New("AccessDenied")
	}
	var out []plan.Bucket
	for _, b := range f.buckets[account] {
		out = append(out, plan.Bucket{Name: b.Name, Region: b.Region})
	}
	return out, nil
}

func (f *fakeLister) TaggedBuckets(_ context.Context, account, region string) ([]plan.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tagReads = append(f.tagReads, account+" "+region)
	if f.failTags[account+" "+region] {
		return nil, errors.New("ThrottledException")
	}
	var out []plan.Bucket
	for _, b := range f.buckets[account] {
		if b.Region == region && len(b.Tags) > 0 {
			out = append(out, b)
		}
	}
	return out, nil
}

func tags(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestUnmanagedNamesTaggedBucketsOutsideTheManagedRegionsCheaply(t *testing.T) {
	f := &fakeLister{
		buckets: map[string][]plan.Bucket{
			"1": {
				{Name: "in-managed", Region: "eu-west-1", Tags: tags("macie", "true")},
				{Name: "far-tagged", Region: "us-west-2", Tags: tags("macie", "true")},
				{Name: "far-near-miss", Region: "us-west-2", Tags: tags("Macie", "true")},
				{Name: "far-untagged", Region: "ap-south-1"},
			},
			"2": {{Name: "only-managed", Region: "us-east-1", Tags: tags("macie", "true")}},
			"3": {{Name: "x", Region: "sa-east-1"}, {Name: "y", Region: "sa-east-1"}},
		},
		failList: map[string]bool{"4": true},
		failTags: map[string]bool{"3 sa-east-1": true},
	}
	policy := tagpolicy.Policy{Key: "macie", Value: "true"}
	ws := Unmanaged(context.Background(), f, []string{"1", "2", "3", "4"}, []string{"eu-west-1", "us-east-1"}, policy, 2)
	want := []struct{ account, region, bucket, has string }{
		{"1", "us-west-2", "far-tagged", "tagged macie=true but is in us-west-2, which is not a managed Region"},
		{"3", "sa-east-1", "", "has 2 bucket(s) in sa-east-1, which is not a managed Region; their tags could not be read"},
		{"4", "", "", "could not list its buckets"},
	}
	if len(ws) != len(want) {
		t.Fatalf("warnings %+v", ws)
	}
	for i, w := range want {
		if g := ws[i]; g.Account != w.account || g.Region != w.region || g.Bucket != w.bucket || !strings.Contains(g.Message, w.has) {
			t.Errorf("warning %d = %+v, want %+v", i, g, w)
		}
	}
	slices.Sort(f.lists)
	if !slices.Equal(f.lists, []string{"1 eu-west-1", "2 eu-west-1", "3 eu-west-1", "4 eu-west-1"}) {
		t.Errorf("ListBuckets calls %v: want one per account", f.lists)
	}
	slices.Sort(f.tagReads)
	if !slices.Equal(f.tagReads, []string{"1 ap-south-1", "1 us-west-2", "3 sa-east-1"}) {
		t.Errorf("tag reads %v: want only unmanaged Regions that hold buckets", f.tagReads)
	}
}

func TestUnmanagedWithoutManagedRegionsOrAccountsReadsNothing(t *testing.T) {
	f := &fakeLister{}
	if ws := Unmanaged(context.Background(), f, []string{"1"}, nil, tagpolicy.Policy{}, 1); len(ws) != 0 || ws == nil {
		t.Fatalf("%+v", ws)
	}
	if ws := Unmanaged(context.Background(), f, nil, []string{"eu-west-1"}, tagpolicy.Policy{}, 1); len(ws) != 0 || ws == nil {
		t.Fatalf("%+v", ws)
	}
	if len(f.lists)+len(f.tagReads) != 0 {
		t.Fatalf("calls %v %v", f.lists, f.tagReads)
	}
}

func TestAccounts(t *testing.T) {
	got := Accounts([]plan.Member{{Account: "2", Region: "a"}, {Account: "1", Region: "a"}, {Account: "2", Region: "b"}})
	if !slices.Equal(got, []string{"1", "2"}) {
		t.Fatalf("%v", got)
	}
}
