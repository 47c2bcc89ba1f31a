package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// listBucketsPage is the largest page ListBuckets serves: the default quota of general purpose
// buckets per account, so one page usually holds every bucket.
const listBucketsPage = 10000

// BucketRegions lists every general purpose bucket of an account with its Region (name and
// Region only, no tags), through the account's read-only role, with S3 ListBuckets.
//
// ListBuckets returns all buckets the account owns whatever the Region of the endpoint it is sent
// to (unless its BucketRegion filter is set, which is not used here), and names each bucket's
// Region in BucketRegion. With MaxBuckets at 10,000 it costs ceil(buckets / 10,000) calls per
// account: one for nearly every account. via is the Region whose endpoint is called.
func (b *Buckets) BucketRegions(ctx context.Context, account, via string) ([]plan.Bucket, error) {
	c, err := b.clientsFor(ctx, account)
	if err != nil {
		return nil, err
	}
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(listBucketsPage)}
	pages := s3.NewListBucketsPaginator(c.S3(via), in)
	buckets := []plan.Bucket{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the buckets of %s: %w", account, err)
		}
		for _, bk := range page.Buckets {
			buckets = append(buckets, plan.Bucket{Name: aws.ToString(bk.Name), Region: aws.ToString(bk.BucketRegion)})
		}
	}
	return buckets, nil
}
