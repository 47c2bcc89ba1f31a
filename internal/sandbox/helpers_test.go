package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const (
	mgmt  = "111111111111"
	admin = "222222222222"
	wlA   = "333333333333"
	wlB   = "444444444444"
)

// fixedNow is the test clock.
var fixedNow = time.Date(2026, 11, 2, 10, 15, 31, 0, time.UTC)

// testSandbox starts a sandbox with a four-account organization and returns its server.
func testSandbox(t *testing.T, pageSize int) (*Sandbox, *Server) {
	t.Helper()
	sb := New(Options{PageSize: pageSize, Seed: 7, Now: func() time.Time { return fixedNow }})
	sb.SetOrganization("o-abcdefghij", mgmt)
	sb.AddAccount(Account{ID: mgmt, Email: "mgmt@example.com", Name: "Management"})
	sb.AddAccount(Account{ID: admin, Email: "admin@example.com", Name: "Security", OU: "Security"})
	sb.AddAccount(Account{ID: wlA, Email: "a@example.com", Name: "Team A", OU: "Workloads"})
	sb.AddAccount(Account{ID: wlB, Email: "b@example.com", Name: "Team B", OU: "Workloads"})
	sb.AddRole(wlA, "MacieSelfServiceRead")
	sb.AddRole(mgmt, "MacieSelfServiceOrgRead")
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return sb, srv
}

// cfg is a config that does not retry, so that every call counts once.
func cfg(srv *Server, account, region string) aws.Config {
	c := srv.Config(context.Background(), account, region)
	c.RetryMaxAttempts = 1
	return c
}

func s3Client(srv *Server, account, region string) *s3.Client {
	return s3.NewFromConfig(cfg(srv, account, region), func(o *s3.Options) { o.UsePathStyle = true })
}

func stsClient(srv *Server, account string) *sts.Client {
	return sts.NewFromConfig(cfg(srv, account, "us-east-1"))
}

func orgClient(srv *Server, account string) *organizations.Client {
	return organizations.NewFromConfig(cfg(srv, account, "us-east-1"))
}

func taggingClient(srv *Server, account, region string) *resourcegroupstaggingapi.Client {
	return resourcegroupstaggingapi.NewFromConfig(cfg(srv, account, region))
}

// wantCode fails unless err is an API error with that code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s (%v)", code, ae.ErrorCode(), err)
	}
}

// wantStatus fails unless err carries that HTTP status.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) {
		t.Fatalf("want HTTP status %d, got %v", status, err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("want HTTP status %d, got %d (%v)", status, re.HTTPStatusCode(), err)
	}
}

func mustPut(t *testing.T, sb *Sandbox, b Bucket) {
	t.Helper()
	if err := sb.PutBucket(b); err != nil {
		t.Fatal(err)
	}
}
