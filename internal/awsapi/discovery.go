package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// DiscoveryConfig reads the organization's automated sensitive data discovery configuration of
// a Region (GetAutomatedDiscoveryConfiguration): status ENABLED or DISABLED, and
// autoEnableOrganizationMembers ALL, NEW or NONE.
func (m *Macie) DiscoveryConfig(ctx context.Context, region string) (plan.DiscoveryState, error) {
	out, err := m.clients.Macie(region).GetAutomatedDiscoveryConfiguration(ctx, &macie2.GetAutomatedDiscoveryConfigurationInput{})
	if err != nil {
		return plan.DiscoveryState{}, fmt.Errorf("reading the automated discovery configuration in %s: %w", region, err)
	}
	return plan.DiscoveryState{Region: region, Status: string(out.Status), AutoEnable: string(out.AutoEnableOrganizationMembers)}, nil
}

// DiscoveryAccounts reads the automated discovery status of every account of the organization in
// a Region (ListAutomatedDiscoveryAccounts, paginated): ENABLED or DISABLED.
func (m *Macie) DiscoveryAccounts(ctx context.Context, region string) (map[string]string, error) {
	pages := macie2.NewListAutomatedDiscoveryAccountsPaginator(m.clients.Macie(region), &macie2.ListAutomatedDiscoveryAccountsInput{})
	out := map[string]string{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing automated discovery accounts in %s: %w", region, err)
		}
		for _, a := range page.Items {
			out[aws.ToString(a.AccountId)] = string(a.Status)
		}
	}
	return out, nil
}

// DisableDiscovery turns automated discovery off for the accounts
// (BatchUpdateAutomatedDiscoveryAccounts, at most plan.MaxDiscoveryBatch a call). The accounts
// the answer lists as not changed are returned as an error naming each with Macie's code.
func (m *Macie) DisableDiscovery(ctx context.Context, region string, accounts []string) error {
	if len(accounts) == 0 || len(accounts) > plan.MaxDiscoveryBatch {
		return fmt.Errorf("disabling automated discovery in %s: %d accounts, not 1 to %d", region, len(accounts), plan.MaxDiscoveryBatch)
	}
	in := &macie2.BatchUpdateAutomatedDiscoveryAccountsInput{}
	for _, a := range accounts {
		in.Accounts = append(in.Accounts, types.AutomatedDiscoveryAccountUpdate{AccountId: aws.String(a), Status: types.AutomatedDiscoveryAccountStatusDisabled})
	}
	out, err := m.clients.Macie(region).BatchUpdateAutomatedDiscoveryAccounts(ctx, in)
	if err != nil {
		return fmt.Errorf("disabling automated discovery for %d account(s) in %s: %w", len(accounts), region, err)
	}
	var errs []error
	for _, e := range out.Errors {
		errs = append(errs, fmt.Errorf("account %s: %s", aws.ToString(e.AccountId), e.ErrorCode))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("disabling automated discovery in %s: %w", region, err)
	}
	return nil
}
