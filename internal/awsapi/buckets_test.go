package awsapi

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

const workload = "222222222222"

func mapping(arn string, kv ...string) tagtypes.ResourceTagMapping {
	m := tagtypes.ResourceTagMapping{ResourceARN: aws.String(arn), Tags: []tagtypes.Tag{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Tags = append(m.Tags, tagtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return m
}

func TestTaggedBucketsParsesNamesAndSkipsUntaggedEntries(t *testing.T) {
	w := newFakeWorld()
	w.accounts[workload] = &fakeAccount{mappings: []tagtypes.ResourceTagMapping{
		mapping("arn:aws:s3:::payroll", "macie", "true", "team", "hr"),
		mapping("arn:aws:s3:::was-tagged-once"),                                      // previously tagged
		mapping("arn:aws:s3:eu-west-1:222222222222:accesspoint/ap", "macie", "true"), // not a bucket
		mapping("arn:aws-cn:s3:::logs.example", "Macie", "True"),
		mapping("not an arn", "macie", "true"),
	}}
	got, err := newTestBuckets(w, &fakeSTS{}, BucketsOptions{ReadRole: "ReadOnly", Self: selfAccount}).
		TaggedBuckets(context.Background(), workload, region)
	if err != nil {
		t.Fatal(err)
	}
	want := []plan.Bucket{
		{Name: "payroll", Region: region, Tags: map[string]string{"macie": "true", "team": "hr"}},
		{Name: "logs.example", Region: region, Tags: map[string]string{"Macie": "True"}},
	}
	if !slices.EqualFunc(got, want, bucketEqual) {
		t.Fatalf("buckets = %+v\nwant %+v", got, want)
	}
	in := w.inputs[0]
	if !slices.Equal(in.ResourceTypeFilters, []string{"s3"}) || aws.ToInt32(in.ResourcesPerPage) != 100 || len(in.TagFilters) != 0 {
		t.Fatalf("input = %+v, want type s3, 100 per page, no tag filter", in)
	}
}

func TestTaggedBucketsCostsOneCallPerHundredTagged(t *testing.T) {
	w := newFakeWorld()
	a := &fakeAccount{}
	for i := range 250 {
		a.mappings = append(a.mappings, mapping(fmt.Sprintf("arn:aws:s3:::bucket-%03d", i), "macie", "true"))
	}
	w.accounts[workload] = a
	got, err := newTestBuckets(w, &fakeSTS{}, BucketsOptions{ReadRole: "ReadOnly", Self: selfAccount}).
		TaggedBuckets(context.Background(), workload, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 || got[249].Name != "bucket-249" {
		t.Fatalf("got %d buckets", len(got))
	}
	if n := w.count("GetResources", workload, region); n != 3 {
		t.Fatalf("GetResources calls = %d, want 3", n)
	}
}

func TestBucketMapsTagSetAndMissingBucket(t *testing.T) {
	w := newFakeWorld()
	w.accounts[workload] = &fakeAccount{
		tags:     map[string]map[string]string{"payroll": {"macie": "true"}},
		errCodes: map[string]string{"bare": "NoSuchTagSet", "gone": "NoSuchBucket", "slow": "SlowDown"},
	}
	b := newTestBuckets(w, &fakeSTS{}, BucketsOptions{ReadRole: "ReadOnly", Self: selfAccount})
	ctx := context.Background()
	cases := []struct {
		name   string
		want   plan.Bucket
		wantOK bool
	}{
		{"payroll", plan.Bucket{Name: "payroll", Region: region, Tags: map[string]string{"macie": "true"}}, true},
		{"bare", plan.Bucket{Name: "bare", Region: region}, true},
		{"gone", plan.Bucket{}, false},
	}
	for _, tc := range cases {
		got, ok, err := b.Bucket(ctx, workload, region, tc.name)
		if err != nil || ok != tc.wantOK || !bucketEqual(got, tc.want) {
			t.Errorf("Bucket(%s) = %+v, %v, %v; want %+v, %v", tc.name, got, ok, err, tc.want, tc.wantOK)
		}
	}
	if _, _, err := b.Bucket(ctx, workload, region, "slow"); !apierr.Is(err, apierr.Throttled) {
		t.Errorf("SlowDown: err = %v, want a throttling error", err)
	}
	for _, owner := range w.owners {
		if owner != workload {
			t.Fatalf("expected bucket owner %q, want %s", owner, workload)
		}
	}
}

func TestRolesAreAssumedOncePerAccountConcurrently(t *testing.T) {
	w := newFakeWorld()
	accounts := []string{"222222222222", "333333333333", "444444444444", selfAccount}
	for _, a := range accounts {
		w.accounts[a] = &fakeAccount{tags: map[string]map[string]string{"b-" + a: {"owner": a}}}
	}
	st := &fakeSTS{}
	b := newTestBuckets(w, st, BucketsOptions{ReadRole: "MacieSelfServiceRead"})
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		a := accounts[i%len(accounts)]
		wg.Go(func() {
			got, ok, err := b.Bucket(context.Background(), a, region, "b-"+a)
			if err == nil && (!ok || got.Tags["owner"] != a) {
				err = fmt.Errorf("account %s read %+v", a, got)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	arns := st.roleARNs()
	slices.Sort(arns)
	want := []string{
		"arn:aws:iam::222222222222:role/MacieSelfServiceRead",
		"arn:aws:iam::333333333333:role/MacieSelfServiceRead",
		"arn:aws:iam::444444444444:role/MacieSelfServiceRead",
	}
	if !slices.Equal(arns, want) {
		t.Fatalf("assumed %v, want each workload role once and not the caller's own account", arns)
	}
	for _, in := range st.assumed {
		if aws.ToString(in.RoleSessionName) != SessionName {
			t.Fatalf("session name %q", aws.ToString(in.RoleSessionName))
		}
	}
	if st.identity != 1 {
		t.Fatalf("GetCallerIdentity calls = %d, want 1", st.identity)
	}
}

func TestNoReadRoleReadsAsCaller(t *testing.T) {
	w := newFakeWorld()
	w.accounts[selfAccount] = &fakeAccount{tags: map[string]map[string]string{"mine": {"macie": "true"}}}
	st := &fakeSTS{}
	_, ok, err := newTestBuckets(w, st, BucketsOptions{}).Bucket(context.Background(), selfAccount, region, "mine")
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if len(st.assumed) != 0 || st.identity != 0 {
		t.Fatalf("STS called: %d AssumeRole, %d GetCallerIdentity", len(st.assumed), st.identity)
	}
}

func TestInvalidAccountIsRejectedBeforeAssumingARole(t *testing.T) {
	st := &fakeSTS{}
	b := newTestBuckets(newFakeWorld(), st, BucketsOptions{ReadRole: "ReadOnly", Self: selfAccount})
	for _, bad := range []string{"", "12345", "22222222222x", "arn:aws:iam::222222222222:role/x"} {
		if _, err := b.TaggedBuckets(context.Background(), bad, region); err == nil {
			t.Errorf("account %q accepted", bad)
		}
	}
	if len(st.assumed) != 0 {
		t.Fatalf("assumed %v", st.roleARNs())
	}
}

func TestRoleARNPartition(t *testing.T) {
	got, err := roleARN("aws-cn", "222222222222", "Read")
	if err != nil || got != "arn:aws-cn:iam::222222222222:role/Read" {
		t.Fatalf("roleARN = %q, %v", got, err)
	}
}

func bucketEqual(a, b plan.Bucket) bool {
	return a.Name == b.Name && a.Region == b.Region && maps.Equal(a.Tags, b.Tags)
}

// A sweep of more accounts than the cache holds keeps only the last AccountCacheSize accounts'
// credentials and clients; an account read again soon after uses its cached role.
func TestAccountCacheIsBounded(t *testing.T) {
	w := newFakeWorld()
	n := AccountCacheSize * 4
	for i := range n {
		w.accounts[fmt.Sprintf("5%011d", i)] = &fakeAccount{tags: map[string]map[string]string{}}
	}
	st := &fakeSTS{}
	b := newTestBuckets(w, st, BucketsOptions{ReadRole: "MacieSelfServiceRead", Self: selfAccount})
	for i := range n {
		if _, err := b.TaggedBuckets(context.Background(), fmt.Sprintf("5%011d", i), region); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.accounts.Len(); got != AccountCacheSize {
		t.Fatalf("%d accounts cached after reading %d, want %d", got, n, AccountCacheSize)
	}
	last := fmt.Sprintf("5%011d", n-1)
	if _, err := b.TaggedBuckets(context.Background(), last, region); err != nil {
		t.Fatal(err)
	}
	if got := len(st.roleARNs()); got != n {
		t.Fatalf("%d roles assumed, want %d: the last account read again uses its cached role", got, n)
	}
}
