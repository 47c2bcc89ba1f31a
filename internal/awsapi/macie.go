package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/lru"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// macieClients gives the Macie client of a Region; *Clients is one.
type macieClients interface {
	Macie(region string) MacieAPI
}

// Macie reads and changes Macie in the administrator account, one SDK client per Region. It
// implements execute.Macie and reconcile.MacieReader and is safe for concurrent use. It keeps the
// bucket lists of the backfill jobs it has described (BackfillJobs).
type Macie struct {
	clients   macieClients
	backfills *lru.Cache[string, []plan.BucketRef] // Region/job id -> buckets named
}

// NewMacie returns the Macie adapter for the identity of c (the administrator account).
func NewMacie(c *Clients) *Macie { return newMacie(c) }

func newMacie(c macieClients) *Macie {
	return &Macie{clients: c, backfills: lru.New[string, []plan.BucketRef](BackfillCacheSize, BackfillCacheTTL, nil)}
}

// Client returns the Macie client of a Region, for readers outside the engine (the cost
// inventory) that call operations the engine does not.
func (m *Macie) Client(region string) MacieAPI { return m.clients.Macie(region) }

// notMemberCodes are the answers of GetMember for an account that is not a member: the account
// was never associated (ResourceNotFoundException), is not associated (ValidationException), or
// has no Macie at all (AccessDeniedException). A real permission problem of the administrator
// also reads as "not a member"; the CreateMember that follows then fails and shows it.
var notMemberCodes = map[string]bool{
	"ResourceNotFoundException": true,
	"ValidationException":       true,
	"AccessDeniedException":     true,
}

// MemberStatus returns an account's relationship status in a Region, plan.StatusNone when it is
// not a member.
func (m *Macie) MemberStatus(ctx context.Context, region, account string) (plan.MemberStatus, error) {
	out, err := m.clients.Macie(region).GetMember(ctx, &macie2.GetMemberInput{Id: aws.String(account)})
	if notMemberCodes[apierr.Code(err)] {
		return plan.StatusNone, nil
	}
	if err != nil {
		return "", fmt.Errorf("getting Macie member %s in %s: %w", account, region, err)
	}
	if out.RelationshipStatus == "" {
		return plan.StatusNone, nil
	}
	return plan.MemberStatus(out.RelationshipStatus), nil
}

// MemberStatuses returns the status of every member, current or past, in a Region. ListMembers
// lists only current members unless onlyAssociated is the string "false". The page size is left
// to Macie, which documents no bound for maxResults.
func (m *Macie) MemberStatuses(ctx context.Context, region string) (map[string]plan.MemberStatus, error) {
	in := &macie2.ListMembersInput{OnlyAssociated: aws.String("false")}
	pages := macie2.NewListMembersPaginator(m.clients.Macie(region), in)
	statuses := map[string]plan.MemberStatus{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing Macie members in %s: %w", region, err)
		}
		for _, mem := range page.Members {
			if id := aws.ToString(mem.AccountId); id != "" {
				statuses[id] = plan.MemberStatus(mem.RelationshipStatus)
			}
		}
	}
	return statuses, nil
}

// CreateMember associates an organization account and enables Macie there. A
// ConflictException (already a member) is returned, wrapped, for the caller to classify.
func (m *Macie) CreateMember(ctx context.Context, region, account, email string) error {
	in := &macie2.CreateMemberInput{Account: &types.AccountDetail{
		AccountId: aws.String(account),
		Email:     aws.String(email),
	}}
	if _, err := m.clients.Macie(region).CreateMember(ctx, in); err != nil {
		return fmt.Errorf("creating Macie member %s in %s: %w", account, region, err)
	}
	return nil
}

// UpdateMemberSession sets a member's Macie status to ENABLED or PAUSED. PAUSED keeps the
// member's settings, resources and findings and stops its charges.
func (m *Macie) UpdateMemberSession(ctx context.Context, region, account, status string) error {
	st := types.MacieStatus(status)
	if st != types.MacieStatusEnabled && st != types.MacieStatusPaused {
		return fmt.Errorf("updating Macie member %s in %s: status %q is not ENABLED or PAUSED", account, region, status)
	}
	in := &macie2.UpdateMemberSessionInput{Id: aws.String(account), Status: st}
	if _, err := m.clients.Macie(region).UpdateMemberSession(ctx, in); err != nil {
		return fmt.Errorf("setting Macie member %s in %s to %s: %w", account, region, status, err)
	}
	return nil
}

// Publishing reports whether classification findings are published to Security Hub.
func (m *Macie) Publishing(ctx context.Context, region string) (bool, error) {
	cfg, err := m.publication(ctx, region)
	if err != nil {
		return false, err
	}
	return aws.ToBool(cfg.PublishClassificationFindings), nil
}

// EnablePublication publishes classification findings to Security Hub. It reads the current
// setting first and keeps publishPolicyFindings as it is (true, Macie's default, when unset).
func (m *Macie) EnablePublication(ctx context.Context, region string) error {
	cur, err := m.publication(ctx, region)
	if err != nil {
		return err
	}
	policy := true
	if cur.PublishPolicyFindings != nil {
		policy = *cur.PublishPolicyFindings
	}
	in := &macie2.PutFindingsPublicationConfigurationInput{
		SecurityHubConfiguration: &types.SecurityHubConfiguration{
			PublishClassificationFindings: aws.Bool(true),
			PublishPolicyFindings:         aws.Bool(policy),
		},
	}
	if _, err := m.clients.Macie(region).PutFindingsPublicationConfiguration(ctx, in); err != nil {
		return fmt.Errorf("enabling publication of classification findings in %s: %w", region, err)
	}
	return nil
}

// publication reads the Security Hub publication settings of a Region; never nil on success.
func (m *Macie) publication(ctx context.Context, region string) (*types.SecurityHubConfiguration, error) {
	out, err := m.clients.Macie(region).GetFindingsPublicationConfiguration(ctx, &macie2.GetFindingsPublicationConfigurationInput{})
	if err != nil {
		return nil, fmt.Errorf("reading findings publication settings in %s: %w", region, err)
	}
	if out.SecurityHubConfiguration == nil {
		return &types.SecurityHubConfiguration{}, nil
	}
	return out.SecurityHubConfiguration, nil
}
