package sandbox

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func TestMacieRoutedWithIdentityFaultsAndCounts(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	m := func(account string) *macie2.Client { return macie2.NewFromConfig(cfg(srv, account, "eu-west-1")) }

	_, err := m(mgmt).EnableOrganizationAdminAccount(ctx, &macie2.EnableOrganizationAdminAccountInput{
		AdminAccountId: aws.String(admin), ClientToken: aws.String("t1")})
	if err != nil {
		t.Fatal(err)
	}
	if got := sb.Macie().Admin("eu-west-1"); got != admin {
		t.Fatalf("admin in eu-west-1 is %q", got)
	}

	sb.SetFault("macie2:CreateMember", Fault{Error: FaultThrottle, Rate: 1})
	in := &macie2.CreateMemberInput{Account: &macietypes.AccountDetail{AccountId: aws.String(wlA), Email: aws.String("a@example.com")}}
	_, err = m(admin).CreateMember(ctx, in)
	wantCode(t, err, "ThrottlingException")
	wantStatus(t, err, 429)
	sb.SetFault("macie2:CreateMember", Fault{})
	if _, err := m(admin).CreateMember(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := m(admin).GetMember(ctx, &macie2.GetMemberInput{Id: aws.String(wlA)})
	if err != nil || got.RelationshipStatus != macietypes.RelationshipStatusEnabled {
		t.Fatalf("member %+v, %v", got, err)
	}
	if c := sb.Calls(); c["macie2:CreateMember"] != 2 || c["macie2:EnableOrganizationAdminAccount"] != 1 || c["macie2:GetMember"] != 1 {
		t.Fatalf("calls %v", c)
	}
	_, err = macie2.NewFromConfig(cfg(srv, "ASIANOTISSUED0000000", "eu-west-1")).GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	wantCode(t, err, "UnrecognizedClientException")
	wantStatus(t, err, 403)
}
