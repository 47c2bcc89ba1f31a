package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// failurePattern runs n GetBucketTagging calls under a 50% fault and records which failed.
func failurePattern(t *testing.T, seed int64, n int) []bool {
	t.Helper()
	sb, srv := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "flaky", Tags: map[string]string{"macie": "true"}})
	sb.SetFault("s3:GetBucketTagging", Fault{Error: FaultThrottle, Rate: 0.5, Seed: seed})
	c := s3Client(srv, wlA, "eu-west-1")
	out := make([]bool, n)
	for i := range out {
		_, err := c.GetBucketTagging(context.Background(), &s3.GetBucketTaggingInput{Bucket: aws.String("flaky")})
		if err != nil {
			wantCode(t, err, "SlowDown")
			wantStatus(t, err, 503)
			out[i] = true
		}
	}
	if got := sb.Calls()["s3:GetBucketTagging"]; got != n {
		t.Fatalf("counted %d calls, want %d", got, n)
	}
	return out
}

func TestFaultsRepeatWithSeed(t *testing.T) {
	a, b := failurePattern(t, 42, 40), failurePattern(t, 42, 40)
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("call %d differs between runs with the same seed", i)
		}
		if a[i] {
			failed++
		}
	}
	if failed == 0 || failed == len(a) {
		t.Fatalf("rate 0.5 failed %d of %d calls", failed, len(a))
	}
}

func TestThrottleCodesPerService(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	sb.SetFault("*", Fault{Error: FaultThrottle, Rate: 1})
	ctx := context.Background()
	_, err := stsClient(srv, wlA).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "Throttling")
	wantStatus(t, err, 400)
	_, err = orgClient(srv, mgmt).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantCode(t, err, "TooManyRequestsException")
	_, err = taggingClient(srv, wlA, "eu-west-1").GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{})
	wantCode(t, err, "ThrottledException")

	sb.SetFault("organizations:*", Fault{Error: "AccessDeniedException", Rate: 1})
	_, err = orgClient(srv, mgmt).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantCode(t, err, "AccessDeniedException")
	sb.SetFault("sts:GetCallerIdentity", Fault{Error: "InternalServerError/500", Rate: 1})
	_, err = stsClient(srv, wlA).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InternalServerError")
	wantStatus(t, err, 500)

	sb.SetFault("*", Fault{})
	sb.SetFault("organizations:*", Fault{})
	sb.SetFault("sts:GetCallerIdentity", Fault{Latency: 30 * time.Millisecond})
	start := time.Now()
	if _, err := stsClient(srv, wlA).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("latency fault took %v", d)
	}
	calls := sb.Calls()
	if calls["sts:GetCallerIdentity"] != 3 || calls["organizations:ListAccounts"] != 2 || calls["tagging:GetResources"] != 1 {
		t.Fatalf("calls %v", calls)
	}
	sb.ResetCalls()
	if len(sb.Calls()) != 0 {
		t.Fatalf("ResetCalls left %v", sb.Calls())
	}
}

// A fault named with a Region covers only the calls signed for that Region, and wins over a fault
// without one.
func TestFaultsLimitedToARegion(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	list := func(region string) error {
		_, err := taggingClient(srv, wlA, region).GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{})
		return err
	}
	sb.SetFault("tagging:*@us-east-1", Fault{Error: FaultThrottle, Rate: 1})
	wantCode(t, list("us-east-1"), "ThrottledException")
	if err := list("eu-west-1"); err != nil {
		t.Fatalf("eu-west-1 faulted by a us-east-1 fault: %v", err)
	}

	sb.SetFault("*", Fault{Error: FaultInternal, Rate: 1})
	sb.SetFault("tagging:GetResources@eu-west-1", Fault{Latency: 30 * time.Millisecond})
	start := time.Now()
	if err := list("eu-west-1"); err != nil {
		t.Fatalf("the Region's latency fault did not win over the fault of every call: %v", err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("the Region's latency took %v", d)
	}
	wantCode(t, list("us-east-1"), "ThrottledException")
	wantCode(t, list("ap-southeast-2"), "InternalServiceException")
	if got := sb.Calls()["tagging:GetResources"]; got != 5 {
		t.Fatalf("counted %d calls, want 5", got)
	}
}
