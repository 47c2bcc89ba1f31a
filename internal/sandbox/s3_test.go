package sandbox

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestListBucketsPaginatesAndFiltersByRegion(t *testing.T) {
	sb, srv := testSandbox(t, 2)
	for i := range 5 {
		mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: fmt.Sprintf("a-eu-%d", i)})
	}
	mustPut(t, sb, Bucket{Account: wlA, Region: "us-east-1", Name: "a-us"})
	mustPut(t, sb, Bucket{Account: wlB, Region: "eu-west-1", Name: "b-eu"})
	ctx := context.Background()
	client := s3Client(srv, wlA, "eu-west-1")

	list := func(in *s3.ListBucketsInput) (names, regions []string, pages int) {
		p := s3.NewListBucketsPaginator(client, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Buckets) > 2 {
				t.Fatalf("page of %d buckets, want at most 2", len(out.Buckets))
			}
			pages++
			for _, b := range out.Buckets {
				names = append(names, aws.ToString(b.Name))
				regions = append(regions, aws.ToString(b.BucketRegion))
			}
		}
		return names, regions, pages
	}
	names, regions, pages := list(&s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)})
	want := []string{"a-eu-0", "a-eu-1", "a-eu-2", "a-eu-3", "a-eu-4", "a-us"}
	if !slices.Equal(names, want) || pages != 3 {
		t.Fatalf("got %v in %d pages, want %v in 3", names, pages, want)
	}
	if regions[5] != "us-east-1" || regions[0] != "eu-west-1" {
		t.Fatalf("regions %v", regions)
	}
	names, _, _ = list(&s3.ListBucketsInput{BucketRegion: aws.String("us-east-1")})
	if !slices.Equal(names, []string{"a-us"}) {
		t.Fatalf("BucketRegion filter: got %v", names)
	}
	_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: aws.String("garbage")})
	wantCode(t, err, "InvalidArgument")
}

func TestCreateBucketRegionsAndConflicts(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	eu := s3Client(srv, wlA, "eu-west-1")
	_, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-a-data"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := eu.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("team-a-data")})
	if err != nil || loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
		t.Fatalf("location %v, %v", loc, err)
	}
	us := s3Client(srv, wlA, "us-east-1")
	if _, err := us.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-a-us")}); err != nil {
		t.Fatal(err)
	}
	loc, err = us.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("team-a-us")})
	if err != nil || loc.LocationConstraint != "" {
		t.Fatalf("us-east-1 location must be empty: %q, %v", loc.LocationConstraint, err)
	}
	if b, _ := sb.LookupBucket("team-a-us"); b.Region != "us-east-1" || b.Account != wlA {
		t.Fatalf("stored %+v", b)
	}
	_, err = eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("no-constraint")})
	wantCode(t, err, "IllegalLocationConstraintException")
	_, err = us.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-a-us")})
	wantCode(t, err, "BucketAlreadyOwnedByYou")
	wantStatus(t, err, 409)
	_, err = s3Client(srv, wlB, "us-east-1").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-a-us")})
	wantCode(t, err, "BucketAlreadyExists")
	_, err = us.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	wantCode(t, err, "InvalidBucketName")
}

func TestBucketTaggingLifecycleAndErrors(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "team-a-logs"})
	ctx := context.Background()
	a := s3Client(srv, wlA, "eu-west-1")
	name := aws.String("team-a-logs")

	_, err := a.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name})
	wantCode(t, err, "NoSuchTagSet")
	wantStatus(t, err, 404)

	tags := []types.Tag{{Key: aws.String("owner"), Value: aws.String("a")}, {Key: aws.String("macie"), Value: aws.String("true")}}
	if _, err := a.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	got, err := a.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name})
	if err != nil || len(got.TagSet) != 2 || aws.ToString(got.TagSet[0].Key) != "macie" || aws.ToString(got.TagSet[1].Value) != "a" {
		t.Fatalf("tags %+v, %v", got, err)
	}
	dup := []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}
	_, err = a.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: dup}})
	wantCode(t, err, "InvalidTag")
	sys := []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}
	_, err = a.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: sys}})
	wantCode(t, err, "InvalidTag")

	// Another account can neither read nor change the tags.
	b := s3Client(srv, wlB, "eu-west-1")
	_, err = b.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name})
	wantCode(t, err, "AccessDenied")
	wantStatus(t, err, 403)
	_, err = b.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: tags}})
	wantCode(t, err, "AccessDenied")
	_, err = a.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name, ExpectedBucketOwner: aws.String(wlB)})
	wantCode(t, err, "AccessDenied")

	if _, err := a.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: name}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name})
	wantCode(t, err, "NoSuchTagSet")
	_, err = a.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("nope-missing")})
	wantCode(t, err, "NoSuchBucket")
}

func TestHeadAndDeleteBucket(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "team-a-empty"})
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "team-a-full", Objects: 3, SizeBytes: 300})
	ctx := context.Background()
	a := s3Client(srv, wlA, "eu-west-1")
	out, err := a.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("team-a-empty")})
	if err != nil || aws.ToString(out.BucketRegion) != "eu-west-1" {
		t.Fatalf("head: %+v, %v", out, err)
	}
	_, err = s3Client(srv, wlB, "eu-west-1").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("team-a-empty")})
	wantStatus(t, err, 403)
	_, err = a.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("missing-bucket")})
	wantStatus(t, err, 404)

	_, err = a.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("team-a-full")})
	wantCode(t, err, "BucketNotEmpty")
	_, err = s3Client(srv, wlB, "eu-west-1").DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("team-a-empty")})
	wantCode(t, err, "AccessDenied")
	if _, err := a.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("team-a-empty")}); err != nil {
		t.Fatal(err)
	}
	if _, ok := sb.LookupBucket("team-a-empty"); ok {
		t.Fatal("bucket still stored after DeleteBucket")
	}
	_, err = a.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("team-a-empty")})
	wantCode(t, err, "NoSuchBucket")
}

func TestAccountsAreIsolated(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "only-a"})
	mustPut(t, sb, Bucket{Account: wlB, Region: "eu-west-1", Name: "only-b"})
	for acct, want := range map[string]string{wlA: "only-a", wlB: "only-b"} {
		out, err := s3Client(srv, acct, "eu-west-1").ListBuckets(context.Background(), &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != want {
			t.Fatalf("%s sees %+v", acct, out.Buckets)
		}
	}
	if err := sb.PutBucket(Bucket{Account: wlB, Region: "eu-west-1", Name: "only-a"}); err == nil {
		t.Fatal("PutBucket must refuse a name owned by another account")
	}
	if got := sb.Buckets(wlA, "eu-west-1"); len(got) != 1 || got[0].Name != "only-a" {
		t.Fatalf("Buckets: %+v", got)
	}
}

func TestUnknownAndMissingCredentials(t *testing.T) {
	_, srv := testSandbox(t, 0)
	c := cfg(srv, "AKIAUNKNOWNKEY000000", "eu-west-1")
	_, err := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidAccessKeyId")
	wantStatus(t, err, 403)
	c.Credentials = aws.AnonymousCredentials{}
	_, err = s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied")
}
