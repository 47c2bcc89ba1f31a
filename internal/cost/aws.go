package cost

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// AWSReader reads what a cost estimate needs from AWS, through the engine's adapters: Macie's
// bucket inventory and usage totals in the administrator account, member statuses, and the
// buckets of every account through the read role. It implements Reader and UsageReader. Only
// maciectl needs it: the function does not link the price table.
type AWSReader struct {
	macie   *awsapi.Macie
	buckets *awsapi.Buckets
	// listRegion is the Region of the S3 client that lists an account's buckets: ListBuckets
	// answers for every Region from any regional endpoint.
	listRegion string
}

// NewAWSReader returns the reader. listRegion is the Region whose S3 endpoint lists buckets (one
// of the managed Regions).
func NewAWSReader(m *awsapi.Macie, b *awsapi.Buckets, listRegion string) *AWSReader {
	return &AWSReader{macie: m, buckets: b, listRegion: listRegion}
}

// MemberStatuses returns the status of every member, current or past, in a Region.
func (v *AWSReader) MemberStatuses(ctx context.Context, region string) (map[string]plan.MemberStatus, error) {
	return v.macie.MemberStatuses(ctx, region)
}

// TaggedBuckets lists an account's tagged buckets in a Region.
func (v *AWSReader) TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error) {
	return v.buckets.TaggedBuckets(ctx, account, region)
}

// searchPageSize is SearchResources' documented default page size, asked for explicitly so the
// call count is known: one call per 50 buckets of the organization's inventory.
const searchPageSize = 50

// MacieBuckets reads Macie's bucket inventory of a Region with SearchResources: the
// administrator's buckets and those of its members where Macie is enabled, with their
// classifiable size, the bytes a job can analyse, and their object count, what automated
// discovery monitors. Macie refreshes this inventory about daily.
func (v *AWSReader) MacieBuckets(ctx context.Context, region string) ([]SizedBucket, error) {
	in := &macie2.SearchResourcesInput{MaxResults: aws.Int32(searchPageSize)}
	pages := macie2.NewSearchResourcesPaginator(v.macie.Client(region), in)
	var out []SizedBucket
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("searching Macie's bucket inventory in %s: %w", region, err)
		}
		for _, r := range page.MatchingResources {
			if b := r.MatchingBucket; b != nil {
				out = append(out, SizedBucket{Account: aws.ToString(b.AccountId), Name: aws.ToString(b.BucketName),
					SizeBytes: aws.ToInt64(b.ClassifiableSizeInBytes), Objects: aws.ToInt64(b.ObjectCount)})
			}
		}
	}
	return out, nil
}

// UsageTotals reads Macie's estimated usage costs of a Region for the past 30 days
// (GetUsageTotals): for the administrator, the whole organization's.
func (v *AWSReader) UsageTotals(ctx context.Context, region string) (Usage, error) {
	out, err := v.macie.Client(region).GetUsageTotals(ctx, &macie2.GetUsageTotalsInput{TimeRange: aws.String("PAST_30_DAYS")})
	if err != nil {
		return Usage{}, fmt.Errorf("reading Macie usage totals in %s: %w", region, err)
	}
	u := Usage{Region: region, TimeRange: string(out.TimeRange), ByType: map[string]float64{}}
	for _, t := range out.UsageTotals {
		v, err := strconv.ParseFloat(aws.ToString(t.EstimatedCost), 64)
		if err != nil {
			return Usage{}, fmt.Errorf("reading Macie usage totals in %s: estimated cost %q of %s: %w", region, aws.ToString(t.EstimatedCost), t.Type, err)
		}
		u.ByType[string(t.Type)] += v
		u.TotalUSD += v
		u.Currency = string(t.Currency)
	}
	return u, nil
}

// maxBucketsPage is the largest page ListBuckets returns. Passing MaxBuckets also makes S3
// return each bucket's BucketRegion ("if the request contains at least one valid parameter").
const maxBucketsPage = 10000

// BucketNames lists every bucket of an account by Region, through its read role: one
// ListBuckets call per 10,000 buckets.
func (v *AWSReader) BucketNames(ctx context.Context, account string) (map[string][]string, error) {
	client, err := v.buckets.S3(ctx, account, v.listRegion)
	if err != nil {
		return nil, err
	}
	pages := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(maxBucketsPage)})
	out := map[string][]string{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the buckets of %s: %w", account, err)
		}
		for _, b := range page.Buckets {
			region := aws.ToString(b.BucketRegion)
			out[region] = append(out[region], aws.ToString(b.Name))
		}
	}
	return out, nil
}
