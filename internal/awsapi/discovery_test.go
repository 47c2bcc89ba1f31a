package awsapi

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// fakeDiscovery answers the automated discovery operations of one Region.
type fakeDiscovery struct {
	MacieAPI
	accounts []types.AutomatedDiscoveryAccount
	updates  []*macie2.BatchUpdateAutomatedDiscoveryAccountsInput
	rejected []types.AutomatedDiscoveryAccountUpdateError
	listIn   []*macie2.ListAutomatedDiscoveryAccountsInput
}

func (f *fakeDiscovery) Macie(string) MacieAPI { return f }

func (f *fakeDiscovery) GetAutomatedDiscoveryConfiguration(context.Context, *macie2.GetAutomatedDiscoveryConfigurationInput, ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
	return &macie2.GetAutomatedDiscoveryConfigurationOutput{Status: types.AutomatedDiscoveryStatusEnabled, AutoEnableOrganizationMembers: types.AutoEnableModeAll}, nil
}

func (f *fakeDiscovery) ListAutomatedDiscoveryAccounts(_ context.Context, in *macie2.ListAutomatedDiscoveryAccountsInput, _ ...func(*macie2.Options)) (*macie2.ListAutomatedDiscoveryAccountsOutput, error) {
	f.listIn = append(f.listIn, in)
	items, next := page(f.accounts, in.NextToken, 2)
	return &macie2.ListAutomatedDiscoveryAccountsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeDiscovery) BatchUpdateAutomatedDiscoveryAccounts(_ context.Context, in *macie2.BatchUpdateAutomatedDiscoveryAccountsInput, _ ...func(*macie2.Options)) (*macie2.BatchUpdateAutomatedDiscoveryAccountsOutput, error) {
	f.updates = append(f.updates, in)
	return &macie2.BatchUpdateAutomatedDiscoveryAccountsOutput{Errors: f.rejected}, nil
}

func TestDiscoveryReadsAndDisables(t *testing.T) {
	f := &fakeDiscovery{accounts: []types.AutomatedDiscoveryAccount{
		{AccountId: aws.String("333333333333"), Status: types.AutomatedDiscoveryAccountStatusEnabled},
		{AccountId: aws.String("444444444444"), Status: types.AutomatedDiscoveryAccountStatusDisabled},
		{AccountId: aws.String("555555555555"), Status: types.AutomatedDiscoveryAccountStatusEnabled},
	}}
	m := &Macie{clients: f}
	ctx := context.Background()
	cfg, err := m.DiscoveryConfig(ctx, "eu-west-1")
	if err != nil || cfg.Status != plan.DiscoveryEnabled || cfg.AutoEnable != "ALL" || cfg.Region != "eu-west-1" {
		t.Fatalf("%+v, %v", cfg, err)
	}
	got, err := m.DiscoveryAccounts(ctx, "eu-west-1")
	want := map[string]string{"333333333333": "ENABLED", "444444444444": "DISABLED", "555555555555": "ENABLED"}
	if err != nil || !reflect.DeepEqual(got, want) || len(f.listIn) != 2 {
		t.Fatalf("%v, %v after %d pages", got, err, len(f.listIn))
	}
	if err := m.DisableDiscovery(ctx, "eu-west-1", []string{"333333333333", "555555555555"}); err != nil {
		t.Fatal(err)
	}
	u := f.updates[0].Accounts
	if len(u) != 2 || aws.ToString(u[1].AccountId) != "555555555555" || u[1].Status != types.AutomatedDiscoveryAccountStatusDisabled {
		t.Fatalf("update %+v", u)
	}
	f.rejected = []types.AutomatedDiscoveryAccountUpdateError{{AccountId: aws.String("333333333333"), ErrorCode: types.AutomatedDiscoveryAccountUpdateErrorCodeAccountPaused}}
	if err := m.DisableDiscovery(ctx, "eu-west-1", []string{"333333333333"}); err == nil || !strings.Contains(err.Error(), "333333333333: ACCOUNT_PAUSED") {
		t.Fatalf("a rejected account is an error naming it: %v", err)
	}
	if err := m.DisableDiscovery(ctx, "eu-west-1", make([]string, plan.MaxDiscoveryBatch+1)); err == nil || len(f.updates) != 2 {
		t.Fatal("an oversized batch is refused before any call")
	}
}
