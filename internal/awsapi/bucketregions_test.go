package awsapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// listWorld answers ListBuckets for whichever account the credentials belong to.
type listWorld struct {
	mu      sync.Mutex
	buckets map[string][]s3types.Bucket // account -> buckets
	inputs  []*s3.ListBucketsInput
	regions []string // Region of the client of each call
	size    int      // page size the fake serves (at most MaxBuckets)
}

type listClients struct {
	w     *listWorld
	creds aws.CredentialsProvider
}

func (c *listClients) S3(region string) S3API           { return &listS3{c: c, region: region} }
func (c *listClients) Tagging(region string) TaggingAPI { return nil }

type listS3 struct {
	S3API
	c      *listClients
	region string
}

func (f *listS3) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	account := selfAccount
	if f.c.creds != nil {
		cr, err := f.c.creds.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		account = strings.TrimPrefix(cr.AccessKeyID, "AK-")
	}
	w := f.c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inputs = append(w.inputs, in)
	w.regions = append(w.regions, f.region)
	items, next := page(w.buckets[account], in.ContinuationToken, min(w.size, int(aws.ToInt32(in.MaxBuckets))))
	return &s3.ListBucketsOutput{Buckets: items, ContinuationToken: next}, nil
}

func TestBucketRegionsListsEveryBucketWithItsRegionThroughTheRole(t *testing.T) {
	w := &listWorld{buckets: map[string][]s3types.Bucket{}, size: 2}
	for i, r := range []string{"eu-west-1", "us-east-1", "ap-south-1", "eu-west-1", "sa-east-1"} {
		w.buckets[workload] = append(w.buckets[workload],
			s3types.Bucket{Name: aws.String(fmt.Sprintf("b%d", i)), BucketRegion: aws.String(r)})
	}
	st := &fakeSTS{}
	as := func(p aws.CredentialsProvider) bucketClients { return &listClients{w: w, creds: p} }
	b := newBuckets(&listClients{w: w}, st, as, BucketsOptions{ReadRole: "ReadOnly", Self: selfAccount, Partition: "aws"})
	got, err := b.BucketRegions(context.Background(), workload, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var names, regions []string
	for _, bk := range got {
		names, regions = append(names, bk.Name), append(regions, bk.Region)
	}
	if !slices.Equal(names, []string{"b0", "b1", "b2", "b3", "b4"}) ||
		!slices.Equal(regions, []string{"eu-west-1", "us-east-1", "ap-south-1", "eu-west-1", "sa-east-1"}) {
		t.Fatalf("names %v regions %v", names, regions)
	}
	if len(w.inputs) != 3 || aws.ToInt32(w.inputs[0].MaxBuckets) != 10000 || w.inputs[0].BucketRegion != nil {
		t.Fatalf("want 3 pages of MaxBuckets 10000 without a Region filter, got %d: %+v", len(w.inputs), w.inputs[0])
	}
	if !slices.Equal(w.regions, []string{"eu-west-1", "eu-west-1", "eu-west-1"}) {
		t.Fatalf("called via %v", w.regions)
	}
	if arns := st.roleARNs(); !slices.Equal(arns, []string{"arn:aws:iam::" + workload + ":role/ReadOnly"}) {
		t.Fatalf("assumed %v", arns)
	}
}

func TestBucketRegionsOfAnEmptyAccountIsAnEmptyList(t *testing.T) {
	w := &listWorld{buckets: map[string][]s3types.Bucket{}, size: 100}
	b := newBuckets(&listClients{w: w}, &fakeSTS{}, nil, BucketsOptions{})
	got, err := b.BucketRegions(context.Background(), selfAccount, "us-east-1")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}
