package awsapi

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/awsid"
	"github.com/macieselfservice/macie-selfservice/internal/lru"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// bucketClients gives the S3 and Tagging API clients of one identity per Region; *Clients is one.
type bucketClients interface {
	S3(region string) S3API
	Tagging(region string) TaggingAPI
}

// BucketsOptions say how the buckets of a workload account are read.
type BucketsOptions struct {
	// ReadRole is the name of the read-only role in every workload account, assumed as
	// arn:<partition>:iam::<account>:role/<ReadRole>. Empty: every account is read as the caller.
	ReadRole string
	// Self is the caller's own account, whose buckets are read without AssumeRole. Empty: asked
	// of STS (GetCallerIdentity) once, when a role would otherwise be assumed.
	Self string
	// Partition of the role ARNs; empty means the partition of the Clients' Region (aws-cn for
	// cn-north-1, aws-us-gov for us-gov-west-1), from the SDK's partition metadata.
	Partition string
	// SessionName is the role session name (empty: SessionName).
	SessionName string
}

// Buckets reads the buckets of workload accounts through their read-only role. It implements
// reconcile.BucketReader and is safe for concurrent use. The credentials of each account's role
// (refreshed before they expire) and its clients are cached for the AccountCacheSize accounts
// used last, each for at most AccountCacheTTL, so that a sweep of many accounts does not keep
// them all.
type Buckets struct {
	base bucketClients
	sts  STSAPI
	as   func(aws.CredentialsProvider) bucketClients
	opts BucketsOptions

	selfMu sync.Mutex
	self   string

	accounts *lru.Cache[string, bucketClients]
}

// The bounds of the per-account cache: AccountCacheSize accounts of about 5 KB each, each kept
// at most AccountCacheTTL, under the hour an assumed role's credentials last by default.
const (
	AccountCacheSize = 256
	AccountCacheTTL  = 45 * time.Minute
)

// NewBuckets returns the bucket reader. c is the caller's identity; its STS client assumes the
// read-only roles.
func NewBuckets(c *Clients, opts BucketsOptions) *Buckets {
	if opts.Partition == "" {
		opts.Partition, _ = awsid.Partition(c.cfg.Region) // none: role ARNs are refused, naming why
	}
	as := func(p aws.CredentialsProvider) bucketClients { return c.WithCredentials(p) }
	return newBuckets(c, c.STS(), as, opts)
}

// newBuckets returns a bucket reader on base, making the clients of a role with as.
func newBuckets(base bucketClients, st STSAPI, as func(aws.CredentialsProvider) bucketClients, opts BucketsOptions) *Buckets {
	return &Buckets{base: base, sts: st, as: as, opts: opts, self: opts.Self,
		accounts: lru.New[string, bucketClients](AccountCacheSize, AccountCacheTTL, nil)}
}

// TaggedBuckets lists the account's buckets in a Region that carry at least one tag, with their
// tags, with the Resource Groups Tagging API: GetResources, resource type "s3", 100 per page, so
// it costs ceil(tagged buckets / 100) calls however many untagged buckets there are. Entries with
// no tags (buckets tagged once, untagged since) are left out.
//
// How soon a tag change shows in the Tagging API is not documented. The engine therefore never
// relies on this list alone for the bucket an event names: it reads that bucket directly (Bucket).
func (b *Buckets) TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error) {
	c, err := b.clientsFor(ctx, account)
	if err != nil {
		return nil, err
	}
	in := &resourcegroupstaggingapi.GetResourcesInput{
		ResourceTypeFilters: []string{"s3"},
		ResourcesPerPage:    aws.Int32(100),
	}
	pages := resourcegroupstaggingapi.NewGetResourcesPaginator(c.Tagging(region), in)
	buckets := []plan.Bucket{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing tagged buckets of %s in %s: %w", account, region, err)
		}
		for _, r := range page.ResourceTagMappingList {
			if bk, ok := taggedBucket(r, region); ok {
				buckets = append(buckets, bk)
			}
		}
	}
	return buckets, nil
}

// taggedBucket turns a Tagging API entry into a bucket; ok is false for entries without tags and
// for S3 resources that are not buckets (their ARNs carry a Region or a path).
func taggedBucket(r tagtypes.ResourceTagMapping, region string) (plan.Bucket, bool) {
	a, err := arn.Parse(aws.ToString(r.ResourceARN))
	if err != nil || a.Service != "s3" || a.Region != "" || a.Resource == "" || strings.Contains(a.Resource, "/") {
		return plan.Bucket{}, false
	}
	tags := map[string]string{}
	for _, t := range r.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if len(tags) == 0 {
		return plan.Bucket{}, false
	}
	return plan.Bucket{Name: a.Resource, Region: region, Tags: tags}, true
}

// Bucket reads one bucket's tags with S3 GetBucketTagging in its Region, as the expected owner
// account. A bucket without tags (NoSuchTagSet) exists with no tags; NoSuchBucket gives ok false.
func (b *Buckets) Bucket(ctx context.Context, account, region, name string) (plan.Bucket, bool, error) {
	c, err := b.clientsFor(ctx, account)
	if err != nil {
		return plan.Bucket{}, false, err
	}
	in := &s3.GetBucketTaggingInput{Bucket: aws.String(name), ExpectedBucketOwner: aws.String(account)}
	out, err := c.S3(region).GetBucketTagging(ctx, in)
	switch apierr.Code(err) {
	case "":
	case "NoSuchTagSet":
		return plan.Bucket{Name: name, Region: region}, true, nil
	case "NoSuchBucket":
		return plan.Bucket{}, false, nil
	}
	if err != nil {
		return plan.Bucket{}, false, fmt.Errorf("reading tags of bucket %s of %s in %s: %w", name, account, region, err)
	}
	bk := plan.Bucket{Name: name, Region: region}
	for _, t := range out.TagSet {
		if bk.Tags == nil {
			bk.Tags = map[string]string{}
		}
		bk.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return bk, true, nil
}

// clientsFor returns the clients that read an account: the caller's own when there is no
// read-only role or the account is the caller's, else the clients of the account's role.
func (b *Buckets) clientsFor(ctx context.Context, account string) (bucketClients, error) {
	if b.opts.ReadRole == "" {
		return b.base, nil
	}
	self, err := b.selfAccount(ctx)
	if err != nil {
		return nil, err
	}
	if account == self {
		return b.base, nil
	}
	roleArn, err := roleARN(b.opts.Partition, account, b.opts.ReadRole)
	if err != nil {
		return nil, fmt.Errorf("reading buckets: %w", err)
	}
	return b.accounts.GetOrAdd(account, func() bucketClients { return b.as(assumeRole(b.sts, roleArn, b.opts.SessionName)) }), nil
}

// S3 returns the S3 client of a Region for an account's buckets, through its read role (cached
// like the engine's), for readers outside the engine (the cost inventory).
func (b *Buckets) S3(ctx context.Context, account, region string) (S3API, error) {
	c, err := b.clientsFor(ctx, account)
	if err != nil {
		return nil, err
	}
	return c.S3(region), nil
}

// selfAccount returns the caller's account, asking STS the first time it is not known. A failed
// call is not remembered.
func (b *Buckets) selfAccount(ctx context.Context) (string, error) {
	b.selfMu.Lock()
	defer b.selfMu.Unlock()
	if b.self != "" {
		return b.self, nil
	}
	out, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("finding the caller's account: %w", err)
	}
	b.self = aws.ToString(out.Account)
	return b.self, nil
}
