package sandbox

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func getResources(t *testing.T, c *resourcegroupstaggingapi.Client, in *resourcegroupstaggingapi.GetResourcesInput) []string {
	t.Helper()
	var arns []string
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ResourceTagMappingList) > 2 {
			t.Fatalf("page of %d", len(out.ResourceTagMappingList))
		}
		for _, m := range out.ResourceTagMappingList {
			arns = append(arns, aws.ToString(m.ResourceARN))
		}
	}
	return arns
}

func TestGetResourcesFiltersAndPaginates(t *testing.T) {
	sb, srv := testSandbox(t, 2)
	for i := range 4 {
		mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: fmt.Sprintf("tagged-%d", i), Tags: map[string]string{"macie": "true"}})
	}
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "near-miss", Tags: map[string]string{"Macie": "true"}})
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "false-one", Tags: map[string]string{"macie": "false"}})
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "untagged"})
	mustPut(t, sb, Bucket{Account: wlA, Region: "us-east-1", Name: "other-region", Tags: map[string]string{"macie": "true"}})
	mustPut(t, sb, Bucket{Account: wlB, Region: "eu-west-1", Name: "other-account", Tags: map[string]string{"macie": "true"}})
	c := taggingClient(srv, wlA, "eu-west-1")

	got := getResources(t, c, &resourcegroupstaggingapi.GetResourcesInput{
		ResourceTypeFilters: []string{"s3"},
		TagFilters:          []tagtypes.TagFilter{{Key: aws.String("macie"), Values: []string{"true"}}},
	})
	want := []string{"arn:aws:s3:::tagged-0", "arn:aws:s3:::tagged-1", "arn:aws:s3:::tagged-2", "arn:aws:s3:::tagged-3"}
	if !slices.Equal(got, want) {
		t.Fatalf("macie=true: %v", got)
	}
	got = getResources(t, c, &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("macie")}}})
	if len(got) != 5 || !slices.Contains(got, "arn:aws:s3:::false-one") {
		t.Fatalf("key only: %v", got)
	}
	if got := getResources(t, c, &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2:instance"}}); len(got) != 0 {
		t.Fatalf("ec2 filter: %v", got)
	}

	// Untagging leaves the bucket listed with an empty tag set when no filter is given.
	_, err := s3Client(srv, wlA, "eu-west-1").DeleteBucketTagging(context.Background(), &s3.DeleteBucketTaggingInput{Bucket: aws.String("false-one")})
	if err != nil {
		t.Fatal(err)
	}
	all := getResources(t, c, &resourcegroupstaggingapi.GetResourcesInput{})
	if len(all) != 6 || !slices.Contains(all, "arn:aws:s3:::false-one") || slices.Contains(all, "arn:aws:s3:::untagged") {
		t.Fatalf("no filter: %v", all)
	}
	_, err = c.GetResources(context.Background(), &resourcegroupstaggingapi.GetResourcesInput{ResourcesPerPage: aws.Int32(500)})
	wantCode(t, err, "InvalidParameterException")
}
