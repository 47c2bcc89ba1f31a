package sandbox

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

func TestLoadExample(t *testing.T) {
	sb := New(Options{})
	if err := sb.LoadExample(); err != nil {
		t.Fatal(err)
	}
	if err := sb.LoadExample(); err != nil {
		t.Fatalf("loading twice must replace, not conflict: %v", err)
	}
	var ids []string
	for _, a := range sb.Accounts() {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []string{ExampleManagement, ExampleAdmin, ExampleWorkloadA, ExampleWorkloadB}) {
		t.Fatalf("accounts %v", ids)
	}
	if got := sb.Roles(ExampleWorkloadA); !slices.Equal(got, []string{ExampleReadRole}) {
		t.Fatalf("roles %v", got)
	}
	for _, region := range ExampleRegions {
		if got := sb.Macie().Admin(region); got != ExampleAdmin {
			t.Fatalf("administrator in %s: %q", region, got)
		}
	}
	if email, ok := sb.OrgAccount(ExampleWorkloadB); !ok || email != "team-b@example.com" || sb.Management() != ExampleManagement {
		t.Fatalf("org account %q %v", email, ok)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	out, err := taggingClient(srv, ExampleWorkloadA, "eu-west-1").GetResources(context.Background(), &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: aws.String("macie"), Values: []string{"true"}}}})
	if err != nil || len(out.ResourceTagMappingList) != 1 ||
		aws.ToString(out.ResourceTagMappingList[0].ResourceARN) != "arn:aws:s3:::team-a-customer-exports" {
		t.Fatalf("tagged buckets of workload A: %+v, %v", out, err)
	}
}
