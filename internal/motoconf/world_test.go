package motoconf

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// world drives moto directly with the raw SDK, as the teams and the organization's
// administrators would: it never goes through the project's adapters, so that what it reads
// back (the oracle) does not share their code.
type world struct {
	endpoint string // the motoFront URL
	mgmt     aws.Config
	creds    map[string]aws.Config // account -> its credentials
}

// motoManagement is the account moto acts as for keys it did not issue: the organization is
// created there, so it is the management account.
const motoManagement = "123456789012"

func newWorld(endpoint string) *world {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("management", "management", ""),
	}
	return &world{endpoint: endpoint, mgmt: cfg, creds: map[string]aws.Config{motoManagement: cfg}}
}

func (w *world) org() *organizations.Client {
	return organizations.NewFromConfig(w.mgmt, func(o *organizations.Options) { o.BaseEndpoint = aws.String(w.endpoint) })
}

func (w *world) s3(account, region string) *s3.Client {
	return s3.NewFromConfig(w.creds[account], func(o *s3.Options) {
		o.BaseEndpoint, o.Region, o.UsePathStyle = aws.String(w.endpoint), region, true
	})
}

// createOrganization creates the organization and one account per name, and returns the
// organization's id and the new accounts' ids in the order of names. login gives the harness
// credentials in an account.
func (w *world) createOrganization(ctx context.Context, t *testing.T, names ...string) (string, []string) {
	t.Helper()
	org, err := w.org().CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		out, err := w.org().CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(n), Email: aws.String(n + "@example.com")})
		if err != nil {
			t.Fatalf("CreateAccount %s: %v", n, err)
		}
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		if out.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded || id == "" {
			t.Fatalf("CreateAccount %s: %s, account %q", n, out.CreateAccountStatus.State, id)
		}
		ids = append(ids, id)
	}
	return aws.ToString(org.Organization.Id), ids
}

// login makes the harness act in account through the role Organizations creates in every new
// account.
func (w *world) login(ctx context.Context, t *testing.T, account string) {
	t.Helper()
	w.creds[account] = w.assume(ctx, t, account)
}

// assume returns credentials in account through OrganizationAccountAccessRole.
func (w *world) assume(ctx context.Context, t *testing.T, account string) aws.Config {
	t.Helper()
	client := sts.NewFromConfig(w.mgmt, func(o *sts.Options) { o.BaseEndpoint = aws.String(w.endpoint) })
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"),
		RoleSessionName: aws.String("setup"),
	})
	if err != nil {
		t.Fatalf("AssumeRole into %s: %v", account, err)
	}
	c := out.Credentials
	cfg := w.mgmt.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

// createBucket creates a bucket of account in region with tags (none when empty).
func (w *world) createBucket(ctx context.Context, t *testing.T, account, region, name string, tags map[string]string) {
	t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := w.s3(account, region).CreateBucket(ctx, in); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
	if len(tags) > 0 {
		w.putTags(ctx, t, account, region, name, tags)
	}
}

// putTags replaces a bucket's tag set.
func (w *world) putTags(ctx context.Context, t *testing.T, account, region, name string, tags map[string]string) {
	t.Helper()
	set := []s3types.Tag{}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	_, err := w.s3(account, region).PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: set}})
	if err != nil {
		t.Fatalf("PutBucketTagging %s: %v", name, err)
	}
}

// deleteTags removes a bucket's tags.
func (w *world) deleteTags(ctx context.Context, t *testing.T, account, region, name string) {
	t.Helper()
	if _, err := w.s3(account, region).DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("DeleteBucketTagging %s: %v", name, err)
	}
}

// inScope is the oracle: the (account, Region) pairs where moto holds a bucket tagged exactly
// macie=true, read bucket by bucket (ListBuckets, GetBucketLocation, GetBucketTagging).
func (w *world) inScope(ctx context.Context, t *testing.T, accounts []string) map[string]bool {
	t.Helper()
	pairs := map[string]bool{}
	for _, a := range accounts {
		c := w.s3(a, "us-east-1")
		list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatalf("ListBuckets of %s: %v", a, err)
		}
		for _, b := range list.Buckets {
			if region, ok := w.taggedIn(ctx, t, c, aws.ToString(b.Name)); ok {
				pairs[pair(a, region)] = true
			}
		}
	}
	return pairs
}

// taggedIn reports a bucket's Region when it carries macie=true.
func (w *world) taggedIn(ctx context.Context, t *testing.T, c *s3.Client, name string) (string, bool) {
	t.Helper()
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatalf("GetBucketLocation %s: %v", name, err)
	}
	region := string(loc.LocationConstraint)
	if region == "" {
		region = "us-east-1" // GetBucketLocation answers null for us-east-1
	}
	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchTagSet" {
		return region, false
	}
	if err != nil {
		t.Fatalf("GetBucketTagging %s: %v", name, err)
	}
	for _, tag := range tags.TagSet {
		if aws.ToString(tag.Key) == "macie" && aws.ToString(tag.Value) == "true" {
			return region, true
		}
	}
	return region, false
}

func pair(account, region string) string { return fmt.Sprintf("%s/%s", account, region) }
