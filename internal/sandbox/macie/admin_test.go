package macie

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func TestEnableOrganizationAdminAccount(t *testing.T) {
	h := newHarness(t, 2)
	in := &macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(admin), ClientToken: aws.String("t1")}

	_, err := h.client(wl1, region).EnableOrganizationAdminAccount(ctx(t), in)
	wantCode(t, err, "AccessDeniedException") // only the management account

	_, err = h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t),
		&macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(outsider)})
	wantCode(t, err, "ValidationException") // not in the organization

	must(t, firstErr(h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t), in)))
	must(t, firstErr(h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t), in))) // same token
	_, err = h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t),
		&macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(admin)})
	wantCode(t, err, "ConflictException") // fresh token: already designated
	_, err = h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t),
		&macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(wl1)})
	wantCode(t, err, "ConflictException") // one administrator per Region

	if st, ok := h.svc.Session(admin, region); !ok || st != StatusEnabled {
		t.Fatalf("admin session = %q %v, want Macie enabled", st, ok)
	}
	if h.svc.Admin(region) != admin || h.svc.Admin(region2) != "" {
		t.Fatalf("admins: %q %q", h.svc.Admin(region), h.svc.Admin(region2))
	}
}

func TestListOrganizationAdminAccounts(t *testing.T) {
	h := newHarness(t, 2)
	h.designate(t, region)
	out, err := h.client(mgmt, region).ListOrganizationAdminAccounts(ctx(t), &macie2.ListOrganizationAdminAccountsInput{})
	must(t, err)
	if len(out.AdminAccounts) != 1 || aws.ToString(out.AdminAccounts[0].AccountId) != admin ||
		out.AdminAccounts[0].Status != types.AdminStatusEnabled {
		t.Fatalf("admin accounts: %+v", out.AdminAccounts)
	}
	other, err := h.client(mgmt, region2).ListOrganizationAdminAccounts(ctx(t), &macie2.ListOrganizationAdminAccountsInput{})
	must(t, err)
	if len(other.AdminAccounts) != 0 {
		t.Fatalf("Region %s leaked: %+v", region2, other.AdminAccounts)
	}
	_, err = h.client(admin, region).ListOrganizationAdminAccounts(ctx(t), &macie2.ListOrganizationAdminAccountsInput{})
	wantCode(t, err, "AccessDeniedException")
	_, err = h.client(mgmt, region).ListOrganizationAdminAccounts(ctx(t),
		&macie2.ListOrganizationAdminAccountsInput{MaxResults: aws.Int32(26)})
	wantCode(t, err, "ValidationException")
}

func TestOrganizationConfiguration(t *testing.T) {
	h := newHarness(t, 2)
	h.designate(t, region)
	c := h.client(admin, region)
	got, err := c.DescribeOrganizationConfiguration(ctx(t), &macie2.DescribeOrganizationConfigurationInput{})
	must(t, err)
	if aws.ToBool(got.AutoEnable) || aws.ToBool(got.MaxAccountLimitReached) {
		t.Fatalf("defaults: %+v", got)
	}
	must(t, firstErr(c.UpdateOrganizationConfiguration(ctx(t),
		&macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})))
	got, err = c.DescribeOrganizationConfiguration(ctx(t), &macie2.DescribeOrganizationConfigurationInput{})
	must(t, err)
	if !aws.ToBool(got.AutoEnable) {
		t.Fatal("autoEnable not stored")
	}

	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	_, err = h.client(wl1, region).UpdateOrganizationConfiguration(ctx(t),
		&macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(false)})
	wantCode(t, err, "AccessDeniedException") // a member is not the administrator
	_, err = h.client(admin, region2).DescribeOrganizationConfiguration(ctx(t), &macie2.DescribeOrganizationConfigurationInput{})
	wantCode(t, err, "AccessDeniedException") // not designated (nor enabled) in that Region
}
