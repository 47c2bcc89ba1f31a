package cost

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
)

// exampleClients serves the example organization and returns the administrator's clients.
func exampleClients(t *testing.T) (*sandbox.Sandbox, *awsapi.Clients) {
	t.Helper()
	srv := sandboxtest.Example(t, sandbox.Options{})
	cfg := srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1")
	return srv.Sandbox(), awsapi.NewClients(cfg, awsapi.ClientOptions{Endpoint: srv.URL(), MaxAttempts: 1})
}

func newTestInventory(c *awsapi.Clients) *AWSReader {
	return NewAWSReader(awsapi.NewMacie(c), awsapi.NewBuckets(c, awsapi.BucketsOptions{ReadRole: sandbox.ExampleReadRole, Self: sandbox.ExampleAdmin}), "eu-west-1")
}

func TestInventoryAgainstTheSandbox(t *testing.T) {
	sb, c := exampleClients(t)
	sb.Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadA, "Enabled")
	sb.Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadB, "Paused")
	inv := newTestInventory(c)
	ctx := context.Background()

	got, err := inv.MacieBuckets(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	// The administrator's bucket and the Enabled member's, with sizes and object counts; the Paused
	// member's are not shown.
	want := []SizedBucket{
		{Account: sandbox.ExampleAdmin, Name: "security-macie-results", SizeBytes: 1 << 28, Objects: 300},
		{Account: sandbox.ExampleWorkloadA, Name: "team-a-customer-exports", SizeBytes: 12 << 30, Objects: 48000},
		{Account: sandbox.ExampleWorkloadA, Name: "team-a-invoices", SizeBytes: 3 << 30, Objects: 9100},
		{Account: sandbox.ExampleWorkloadA, Name: "team-a-scratch"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inventory %+v", got)
	}

	names, err := inv.BucketNames(ctx, sandbox.ExampleWorkloadB)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names["eu-west-1"], []string{"team-b-raw-uploads", "team-b-scratch"}) || !slices.Equal(names["us-east-1"], []string{"team-b-reports"}) {
		t.Errorf("names %v", names)
	}

	u, err := inv.UsageTotals(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox meters usage day by day: nothing yet, every type reported.
	if u.Region != "eu-west-1" || u.TimeRange != "PAST_30_DAYS" || u.Currency != "USD" || u.TotalUSD != 0 ||
		len(u.ByType) != 4 || u.ByType["DATA_INVENTORY_EVALUATION"] != 0 {
		t.Errorf("usage %+v", u)
	}
	st, err := inv.MemberStatuses(ctx, "eu-west-1")
	if err != nil || st[sandbox.ExampleWorkloadB] != plan.StatusPaused {
		t.Errorf("statuses %v, %v", st, err)
	}
}

func TestInventoryBucketNamesWithoutTheReadRole(t *testing.T) {
	_, c := exampleClients(t)
	inv := NewAWSReader(awsapi.NewMacie(c), awsapi.NewBuckets(c, awsapi.BucketsOptions{ReadRole: "NoSuchRole", Self: sandbox.ExampleAdmin}), "eu-west-1")
	if _, err := inv.BucketNames(context.Background(), sandbox.ExampleWorkloadA); err == nil {
		t.Fatal("listed the buckets of an account whose read role does not exist")
	}
	own, err := inv.BucketNames(context.Background(), sandbox.ExampleAdmin)
	if err != nil || !slices.Equal(own["eu-west-1"], []string{"security-macie-results"}) {
		t.Fatalf("own buckets %v, %v", own, err)
	}
}
