package bench

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// Naive handles each event on its own the straightforward way, as the baseline: list every
// bucket of the account, read each one's tags (one GetBucketTagging per bucket in the event's
// Region), read the member, then create, resume or pause it. It uses the same SDK clients, roles
// and credential caching as the engine; only the way of deciding differs.
type Naive struct {
	admin  *awsapi.Clients
	org    *awsapi.Clients
	policy tagpolicy.Policy
	roles  map[string]*awsapi.Clients
}

// NewNaive returns the baseline calling endpoint as the administrator account.
func NewNaive(endpoint string) *Naive {
	admin := awsapi.NewClients(AWSConfig(endpoint, Admin), awsapi.ClientOptions{Endpoint: endpoint})
	orgRole := "arn:aws:iam::" + Management + ":role/" + OrgRole
	return &Naive{
		admin:  admin,
		org:    admin.WithCredentials(assumed(admin, orgRole)),
		policy: EngineConfig(1).Policy,
		roles:  map[string]*awsapi.Clients{},
	}
}

func assumed(c *awsapi.Clients, roleARN string) aws.CredentialsProvider {
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(c.STS(), roleARN))
}

// account returns the clients of an account's read-only role (not safe for concurrent use).
func (n *Naive) account(id string) *awsapi.Clients {
	c, ok := n.roles[id]
	if !ok {
		c = n.admin.WithCredentials(assumed(n.admin, "arn:aws:iam::"+id+":role/"+config.DefaultReadRole))
		n.roles[id] = c
	}
	return c
}

// Handle converges the member of the event's account in its Region.
func (n *Naive) Handle(ctx context.Context, c event.Change) error {
	tagged, err := n.anyInScope(ctx, c.Account, c.Region)
	if err != nil {
		return err
	}
	status, err := n.status(ctx, c.Account, c.Region)
	if err != nil {
		return err
	}
	switch {
	case tagged && (status == "" || status == string(macietypes.RelationshipStatusRemoved)):
		return n.create(ctx, c.Account, c.Region)
	case tagged && status == string(macietypes.RelationshipStatusPaused):
		return n.session(ctx, c.Account, c.Region, macietypes.MacieStatusEnabled)
	case !tagged && status == string(macietypes.RelationshipStatusEnabled):
		return n.session(ctx, c.Account, c.Region, macietypes.MacieStatusPaused)
	}
	return nil
}

// anyInScope lists every bucket and reads the tags of each one in region.
func (n *Naive) anyInScope(ctx context.Context, account, region string) (bool, error) {
	s3c := n.account(account).S3(region)
	pages := s3.NewListBucketsPaginator(s3c, &s3.ListBucketsInput{})
	found := false
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("listing buckets of %s: %w", account, err)
		}
		for _, b := range page.Buckets {
			if aws.ToString(b.BucketRegion) != region {
				continue
			}
			in, err := n.bucketInScope(ctx, s3c, account, aws.ToString(b.Name))
			if err != nil {
				return false, err
			}
			found = found || in
		}
	}
	return found, nil
}

func (n *Naive) bucketInScope(ctx context.Context, s3c awsapi.S3API, account, name string) (bool, error) {
	out, err := s3c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name), ExpectedBucketOwner: aws.String(account)})
	switch code := apierr.Code(err); {
	case code == "NoSuchTagSet" || code == "NoSuchBucket":
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading tags of %s: %w", name, err)
	}
	tags := map[string]string{}
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return n.policy.InScope(tags), nil
}

// status returns the member's relationship status, "" when it is not a member.
func (n *Naive) status(ctx context.Context, account, region string) (string, error) {
	out, err := n.admin.Macie(region).GetMember(ctx, &macie2.GetMemberInput{Id: aws.String(account)})
	switch {
	case err == nil:
		return string(out.RelationshipStatus), nil
	case apierr.Is(err, apierr.NotFound), apierr.Code(err) == "ValidationException", apierr.Code(err) == "AccessDeniedException":
		return "", nil
	}
	return "", fmt.Errorf("reading member %s: %w", account, err)
}

func (n *Naive) create(ctx context.Context, account, region string) error {
	out, err := n.org.Organizations().DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(account)})
	if err != nil {
		return fmt.Errorf("describing account %s: %w", account, err)
	}
	_, err = n.admin.Macie(region).CreateMember(ctx, &macie2.CreateMemberInput{Account: &macietypes.AccountDetail{
		AccountId: aws.String(account), Email: out.Account.Email}})
	if err != nil {
		return fmt.Errorf("creating member %s: %w", account, err)
	}
	return nil
}

func (n *Naive) session(ctx context.Context, account, region string, st macietypes.MacieStatus) error {
	_, err := n.admin.Macie(region).UpdateMemberSession(ctx, &macie2.UpdateMemberSessionInput{Id: aws.String(account), Status: st})
	if err != nil {
		return fmt.Errorf("setting member %s to %s: %w", account, st, err)
	}
	return nil
}
