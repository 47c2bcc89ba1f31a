package sandbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// lagSandbox starts a sandbox whose tag reads lag 30 seconds behind writes.
func lagSandbox(t *testing.T) (*Sandbox, *s3.Client, *resourcegroupstaggingapi.Client, *vclock.Clock) {
	t.Helper()
	clk := vclock.New(fixedNow)
	sb := New(Options{Seed: 7, Now: clk.Now, TagReadLag: 30 * time.Second})
	sb.SetOrganization("o-abcdefghij", mgmt)
	sb.AddAccount(Account{ID: wlA, Email: "a@example.com"})
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return sb, s3Client(srv, wlA, "eu-west-1"), taggingClient(srv, wlA, "eu-west-1"), clk
}

// readTag reads one tag of a bucket with GetBucketTagging: its value, or the error code.
func readTag(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetBucketTagging(context.Background(), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case err != nil:
		t.Fatal(err)
	}
	for _, tg := range out.TagSet {
		if aws.ToString(tg.Key) == key {
			return aws.ToString(tg.Value)
		}
	}
	return "(absent)"
}

// listedTagged lists the buckets GetResources returns with at least one tag.
func listedTagged(t *testing.T, c *resourcegroupstaggingapi.Client) []string {
	t.Helper()
	out, err := c.GetResources(context.Background(), &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"s3"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range out.ResourceTagMappingList {
		if len(m.Tags) > 0 {
			names = append(names, aws.ToString(m.ResourceARN))
		}
	}
	return names
}

func putTag(t *testing.T, c *s3.Client, bucket, key, value string) {
	t.Helper()
	_, err := c.PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{Bucket: aws.String(bucket),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String(key), Value: aws.String(value)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTagReadsLagBehindWrites(t *testing.T) {
	sb, c, _, clk := lagSandbox(t)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "data", Tags: map[string]string{"macie": "true"}})
	if got := readTag(t, c, "data", "macie"); got != "true" {
		t.Fatalf("setup is visible at once: %s", got)
	}
	putTag(t, c, "data", "macie", "false")
	clk.Advance(10 * time.Second)
	putTag(t, c, "data", "macie", "maybe")
	for _, step := range []struct {
		after time.Duration
		want  string
	}{{0, "true"}, {19 * time.Second, "true"}, {time.Second, "false"}, {9 * time.Second, "false"}, {time.Second, "maybe"}} {
		clk.Advance(step.after)
		if got := readTag(t, c, "data", "macie"); got != step.want {
			t.Fatalf("at +%v: read %s, want %s", clk.Now().Sub(fixedNow), got, step.want)
		}
	}
}

func TestDeletesAndCreatesLag(t *testing.T) {
	sb, c, _, clk := lagSandbox(t)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "old", Tags: map[string]string{"macie": "true"}})
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "untag-me", Tags: map[string]string{"macie": "true"}})
	ctx := context.Background()
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("old")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String("untag-me")}); err != nil {
		t.Fatal(err)
	}
	in := &s3.CreateBucketInput{Bucket: aws.String("new"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("old")}); err == nil {
		t.Fatal("HeadBucket sees the deletion at once")
	}
	stale := map[string]string{"old": "true", "untag-me": "true", "new": "NoSuchBucket"}
	fresh := map[string]string{"old": "NoSuchBucket", "untag-me": "NoSuchTagSet", "new": "NoSuchTagSet"}
	for _, want := range []map[string]string{stale, fresh} {
		for bucket, w := range want {
			if got := readTag(t, c, bucket, "macie"); got != w {
				t.Fatalf("at +%v: %s read %s, want %s", clk.Now().Sub(fixedNow), bucket, got, w)
			}
		}
		clk.Advance(30 * time.Second)
	}
}

func TestGetResourcesLagsAndLagCanBeTurnedOff(t *testing.T) {
	sb, c, tg, clk := lagSandbox(t)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "aaa"})
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "bbb", Tags: map[string]string{"macie": "true"}})
	putTag(t, c, "aaa", "macie", "true")
	if _, err := c.DeleteBucketTagging(context.Background(), &s3.DeleteBucketTaggingInput{Bucket: aws.String("bbb")}); err != nil {
		t.Fatal(err)
	}
	if got := listedTagged(t, tg); !slices.Equal(got, []string{"arn:aws:s3:::bbb"}) {
		t.Fatalf("stale list: %v", got)
	}
	clk.Advance(time.Minute)
	if got := listedTagged(t, tg); !slices.Equal(got, []string{"arn:aws:s3:::aaa"}) {
		t.Fatalf("fresh list: %v", got)
	}
	putTag(t, c, "bbb", "macie", "true")
	sb.SetTagReadLag(0)
	if got := listedTagged(t, tg); !slices.Equal(got, []string{"arn:aws:s3:::aaa", "arn:aws:s3:::bbb"}) {
		t.Fatalf("without lag: %v", got)
	}
}

func TestHistoryKeepsOnlyWhatLaggedReadsNeed(t *testing.T) {
	sb, c, _, clk := lagSandbox(t)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "busy"})
	for i := range 100 {
		putTag(t, c, "busy", "n", string(rune('a'+i%26)))
		clk.Advance(time.Second)
	}
	sb.world.mu.Lock()
	n := len(sb.world.history["busy"])
	sb.world.mu.Unlock()
	if n > 32 {
		t.Fatalf("history holds %d versions for a 30 s lag at one write a second", n)
	}
}

func TestGetResourcesListsADeletedBucketUntilTheLagPasses(t *testing.T) {
	sb, c, tg, clk := lagSandbox(t)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "gone", Tags: map[string]string{"macie": "true"}})
	if _, err := c.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	if got := listedTagged(t, tg); !slices.Equal(got, []string{"arn:aws:s3:::gone"}) {
		t.Fatalf("within the lag: %v", got)
	}
	clk.Advance(time.Minute)
	if got := listedTagged(t, tg); len(got) != 0 {
		t.Fatalf("after the lag: %v", got)
	}
}

func TestReadBucketsWhereLooksOnlyAtTheAccountsBuckets(t *testing.T) {
	sb := New(Options{Seed: 7})
	for i := range 50 {
		mustPut(t, sb, Bucket{Account: wlB, Region: "eu-west-1", Name: fmt.Sprintf("other-%02d", i)})
	}
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "mine-b"})
	mustPut(t, sb, Bucket{Account: wlA, Region: "us-east-1", Name: "mine-a"})
	looked := 0
	got := sb.world.readBucketsWhere(wlA, fixedNow, func(*bucketState) bool { looked++; return true })
	if looked != 2 || len(got) != 2 || got[0].Name != "mine-a" || got[1].Name != "mine-b" {
		t.Fatalf("looked at %d buckets, returned %v; want the account's two, sorted", looked, got)
	}
}
