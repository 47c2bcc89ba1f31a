package awsapi

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

const selfAccount = "100000000000"

// fakeAccount is what one account holds in one Region.
type fakeAccount struct {
	mappings []tagtypes.ResourceTagMapping // what the Tagging API answers
	tags     map[string]map[string]string  // bucket -> tag set (nil: no tag set)
	errCodes map[string]string             // bucket -> GetBucketTagging error code
}

// fakeWorld holds accounts and answers for whichever account the credentials belong to: an
// access key "AK-<account>" (from fakeSTS) or, without credentials, the caller's own account.
type fakeWorld struct {
	mu       sync.Mutex
	accounts map[string]*fakeAccount
	calls    map[string]int // "op account region" -> count
	inputs   []*resourcegroupstaggingapi.GetResourcesInput
	owners   []string // ExpectedBucketOwner of each GetBucketTagging
}

func newFakeWorld() *fakeWorld {
	return &fakeWorld{accounts: map[string]*fakeAccount{}, calls: map[string]int{}}
}

func (w *fakeWorld) count(op, account, region string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[op+" "+account+" "+region]
}

// fakeClients are the S3 and Tagging clients of one identity.
type fakeClients struct {
	w     *fakeWorld
	creds aws.CredentialsProvider
}

func (c *fakeClients) S3(region string) S3API           { return &fakeS3{c: c, region: region} }
func (c *fakeClients) Tagging(region string) TaggingAPI { return &fakeTagging{c, region} }

// enter resolves the credentials, as the SDK signer would, and returns the account they belong to.
func (c *fakeClients) enter(ctx context.Context, op, region string) (*fakeAccount, string, error) {
	account := selfAccount
	if c.creds != nil {
		cr, err := c.creds.Retrieve(ctx)
		if err != nil {
			return nil, "", err
		}
		account = strings.TrimPrefix(cr.AccessKeyID, "AK-")
	}
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.w.calls[op+" "+account+" "+region]++
	a, ok := c.w.accounts[account]
	if !ok {
		return nil, "", apiErr(op, "AccessDenied")
	}
	return a, account, nil
}

type fakeTagging struct {
	c      *fakeClients
	region string
}

func (f *fakeTagging) GetResources(ctx context.Context, in *resourcegroupstaggingapi.GetResourcesInput, _ ...func(*resourcegroupstaggingapi.Options)) (*resourcegroupstaggingapi.GetResourcesOutput, error) {
	a, _, err := f.c.enter(ctx, "GetResources", f.region)
	if err != nil {
		return nil, err
	}
	f.c.w.mu.Lock()
	f.c.w.inputs = append(f.c.w.inputs, in)
	f.c.w.mu.Unlock()
	size := int(aws.ToInt32(in.ResourcesPerPage))
	if size <= 0 || size > 100 {
		return nil, apiErr("GetResources", "InvalidParameterException")
	}
	items, next := page(a.mappings, in.PaginationToken, size)
	if next == nil {
		next = aws.String("") // the Tagging API ends with an empty token
	}
	return &resourcegroupstaggingapi.GetResourcesOutput{ResourceTagMappingList: items, PaginationToken: next}, nil
}

type fakeS3 struct {
	S3API  // methods a test does not fake panic when called
	c      *fakeClients
	region string
}

func (f *fakeS3) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	a, account, err := f.c.enter(ctx, "GetBucketTagging", f.region)
	if err != nil {
		return nil, err
	}
	f.c.w.mu.Lock()
	f.c.w.owners = append(f.c.w.owners, aws.ToString(in.ExpectedBucketOwner))
	f.c.w.mu.Unlock()
	name := aws.ToString(in.Bucket)
	if code := a.errCodes[name]; code != "" {
		return nil, apiErr("GetBucketTagging", code)
	}
	if aws.ToString(in.ExpectedBucketOwner) != account {
		return nil, apiErr("GetBucketTagging", "AccessDenied")
	}
	out := &s3.GetBucketTaggingOutput{TagSet: []s3types.Tag{}}
	for k, v := range a.tags[name] {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

// fakeSTS issues "AK-<account>" keys for any role and counts the calls.
type fakeSTS struct {
	mu       sync.Mutex
	assumed  []*sts.AssumeRoleInput
	identity int
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assumed = append(f.assumed, in)
	var account string
	if _, err := fmt.Sscanf(aws.ToString(in.RoleArn), "arn:aws:iam::%12s", &account); err != nil {
		return nil, apiErr("AssumeRole", "ValidationError")
	}
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("AK-" + account), SecretAccessKey: aws.String("secret"),
		SessionToken: aws.String("token"), Expiration: aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.identity++
	return &sts.GetCallerIdentityOutput{Account: aws.String(selfAccount)}, nil
}

func (f *fakeSTS) roleARNs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var arns []string
	for _, in := range f.assumed {
		arns = append(arns, aws.ToString(in.RoleArn))
	}
	return arns
}

// newTestBuckets returns a Buckets reading w through fake clients and STS, in the aws partition
// unless opts says otherwise.
func newTestBuckets(w *fakeWorld, st *fakeSTS, opts BucketsOptions) *Buckets {
	opts.Partition = cmp.Or(opts.Partition, "aws")
	as := func(p aws.CredentialsProvider) bucketClients { return &fakeClients{w: w, creds: p} }
	return newBuckets(&fakeClients{w: w}, st, as, opts)
}
