package lambdafn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
)

// OrgAdminAPI is what designating the Macie administrator needs of a Macie client in the
// management account, with the SDK's signatures; awsapi.MacieAPI is one.
type OrgAdminAPI interface {
	EnableOrganizationAdminAccount(ctx context.Context, in *macie2.EnableOrganizationAdminAccountInput, optFns ...func(*macie2.Options)) (*macie2.EnableOrganizationAdminAccountOutput, error)
	ListOrganizationAdminAccounts(ctx context.Context, in *macie2.ListOrganizationAdminAccountsInput, optFns ...func(*macie2.Options)) (*macie2.ListOrganizationAdminAccountsOutput, error)
}

// designate makes admin the delegated Macie administrator of the Region api serves, and reports
// whether it had to (false: it already was). It lists first and designates only when the account
// is not already ENABLED, since designating again is a ConflictException; a Conflict answer is
// checked by listing again (another request may have designated it meanwhile). Another account
// already designated is an error: this project never removes an administrator.
func designate(ctx context.Context, api OrgAdminAPI, region, admin, token string) (bool, error) {
	admins, err := listAdmins(ctx, api)
	if err != nil {
		return false, fmt.Errorf("listing Macie administrators in %s: %w", region, err)
	}
	if done, err := checkAdmins(admins, region, admin); done || err != nil {
		return false, err
	}
	_, err = api.EnableOrganizationAdminAccount(ctx, &macie2.EnableOrganizationAdminAccountInput{
		AdminAccountId: aws.String(admin), ClientToken: aws.String(token)})
	if apierr.Is(err, apierr.Conflict) {
		admins, lerr := listAdmins(ctx, api)
		if lerr != nil {
			return false, fmt.Errorf("listing Macie administrators in %s after a conflict: %w", region, lerr)
		}
		if done, cerr := checkAdmins(admins, region, admin); done || cerr != nil {
			return false, cerr
		}
	}
	if err != nil {
		return false, fmt.Errorf("designating %s as the Macie administrator in %s: %w", admin, region, err)
	}
	return true, nil
}

// checkAdmins says whether admin is already the ENABLED administrator, and fails when another
// account is designated or admin is being removed.
func checkAdmins(admins []types.AdminAccount, region, admin string) (bool, error) {
	for _, a := range admins {
		id, status := aws.ToString(a.AccountId), a.Status
		switch {
		case id == admin && status == types.AdminStatusEnabled:
			return true, nil
		case id == admin:
			return false, fmt.Errorf("account %s is being removed as the Macie administrator in %s (status %s): try again once that is done", admin, region, status)
		default:
			return false, fmt.Errorf("account %s is already the Macie administrator in %s (status %s): one administrator per Region; remove it first, this function never does", id, region, status)
		}
	}
	return false, nil
}

func listAdmins(ctx context.Context, api OrgAdminAPI) ([]types.AdminAccount, error) {
	var out []types.AdminAccount
	pages := macie2.NewListOrganizationAdminAccountsPaginator(api, &macie2.ListOrganizationAdminAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.AdminAccounts...)
	}
	return out, nil
}

// clientToken derives the idempotency token of one designation from what identifies it, so a
// repeated request (a retried invocation) repeats the token.
func clientToken(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
