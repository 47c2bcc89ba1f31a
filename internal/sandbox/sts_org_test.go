package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestGetCallerIdentityAndAssumeRole(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "team-a-bucket"})
	ctx := context.Background()
	id, err := stsClient(srv, admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != admin || aws.ToString(id.Arn) != "arn:aws:iam::"+admin+":root" {
		t.Fatalf("root identity %+v, %v", id, err)
	}

	roleArn := "arn:aws:iam::" + wlA + ":role/MacieSelfServiceRead"
	out, err := stsClient(srv, admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("reconcile")})
	if err != nil {
		t.Fatal(err)
	}
	key := aws.ToString(out.Credentials.AccessKeyId)
	if !strings.HasPrefix(key, "ASIA") || len(key) != 20 || aws.ToString(out.Credentials.SessionToken) == "" {
		t.Fatalf("issued key %q", key)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+wlA+":assumed-role/MacieSelfServiceRead/reconcile" {
		t.Fatalf("assumed role user %+v", out.AssumedRoleUser)
	}

	// The stscreds provider, as production code uses it, acts in the role's account.
	c := cfg(srv, admin, "eu-west-1")
	c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c), roleArn))
	who, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Account) != wlA || !strings.HasPrefix(aws.ToString(who.UserId), "AROA") {
		t.Fatalf("role identity %+v, %v", who, err)
	}
	list, err := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 1 || aws.ToString(list.Buckets[0].Name) != "team-a-bucket" {
		t.Fatalf("role lists %+v, %v", list, err)
	}

	_, err = stsClient(srv, admin).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + wlB + ":role/MacieSelfServiceRead"), RoleSessionName: aws.String("x1")})
	wantCode(t, err, "AccessDenied")
	wantStatus(t, err, 403)
	_, err = stsClient(srv, admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("bad session")})
	wantCode(t, err, "ValidationError")
	_, err = stsClient(srv, "ASIAUNKNOWN000000000").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	wantStatus(t, err, 403)
}

func TestOrganizationsReads(t *testing.T) {
	sb, srv := testSandbox(t, 2)
	for i := range 3 {
		sb.AddAccount(Account{ID: fmt.Sprintf("55555555555%d", i), Email: fmt.Sprintf("x%d@example.com", i), Name: "X"})
	}
	ctx := context.Background()
	org := orgClient(srv, mgmt)
	d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || aws.ToString(d.Organization.Id) != "o-abcdefghij" || aws.ToString(d.Organization.MasterAccountId) != mgmt {
		t.Fatalf("describe organization %+v, %v", d, err)
	}

	var ids []string
	p := organizations.NewListAccountsPaginator(org, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Accounts) > 2 {
			t.Fatalf("page of %d", len(page.Accounts))
		}
		for _, a := range page.Accounts {
			if a.Status != orgtypes.AccountStatusActive || aws.ToString(a.Email) == "" {
				t.Fatalf("account %+v", a)
			}
			ids = append(ids, aws.ToString(a.Id))
		}
	}
	if len(ids) != 7 || ids[0] != mgmt || ids[6] != "555555555552" {
		t.Fatalf("accounts %v", ids)
	}

	acct, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(wlA)})
	if err != nil || aws.ToString(acct.Account.Email) != "a@example.com" {
		t.Fatalf("describe account %+v, %v", acct, err)
	}
	_, err = org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
	wantCode(t, err, "AccountNotFoundException")

	parents, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(wlA)})
	if err != nil || len(parents.Parents) != 1 || parents.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Fatalf("parents %+v, %v", parents, err)
	}
	ou := aws.ToString(parents.Parents[0].Id)
	up, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(ou)})
	if err != nil || up.Parents[0].Type != orgtypes.ParentTypeRoot || !strings.HasPrefix(aws.ToString(up.Parents[0].Id), "r-") {
		t.Fatalf("OU parent %+v, %v", up, err)
	}
	_, err = org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("999999999999")})
	wantCode(t, err, "ChildNotFoundException")
}

func TestOrganizationsAccess(t *testing.T) {
	_, srv := testSandbox(t, 0)
	ctx := context.Background()
	_, err := orgClient(srv, admin).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantCode(t, err, "AccessDeniedException")
	if _, err := orgClient(srv, admin).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Fatalf("any member may describe the organization: %v", err)
	}
	_, err = orgClient(srv, "999999999999").DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantCode(t, err, "AWSOrganizationsNotInUseException")

	// A role in the management account may read the organization.
	c := cfg(srv, admin, "us-east-1")
	c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c),
		"arn:aws:iam::"+mgmt+":role/MacieSelfServiceOrgRead"))
	out, err := organizations.NewFromConfig(c).ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 4 {
		t.Fatalf("org role lists %+v, %v", out, err)
	}
	_, err = orgClient(srv, "AKIANOTISSUED0000000").ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantCode(t, err, "UnrecognizedClientException")
}
