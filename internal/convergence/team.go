package convergence

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// owned is a bucket a team can change: its owner and Region.
type owned struct{ Account, Region string }

// team makes the teams' S3 calls, as each bucket's owner, with its own clients: faults and
// timeouts are injected into the engine's calls, not these.
type team struct {
	cfg     func(account, region string) aws.Config
	clients map[owned]*s3.Client
	buckets map[string]owned // the buckets that exist now
	next    int
	// scoped are the buckets the team has ever tagged in scope (inScope), for the coverage
	// property: a bucket never in scope must never be analysed.
	scoped map[string]bool
}

func (t *team) s3(o owned) *s3.Client {
	if c, ok := t.clients[o]; ok {
		return c
	}
	c := s3.NewFromConfig(t.cfg(o.Account, o.Region), func(opt *s3.Options) {
		opt.UsePathStyle = true
		opt.RetryMaxAttempts = 3
	})
	t.clients[o] = c
	return c
}

// pick returns an existing bucket, chosen with r in [0, n), or false when there is none.
func (t *team) pick(r func(n int) int) (string, owned, bool) {
	if len(t.buckets) == 0 {
		return "", owned{}, false
	}
	names := slices.Sorted(maps.Keys(t.buckets))
	name := names[r(len(names))]
	return name, t.buckets[name], true
}

func (t *team) putTags(ctx context.Context, name string, o owned, tags map[string]string) error {
	set := make([]s3types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	_, err := t.s3(o).PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name),
		Tagging: &s3types.Tagging{TagSet: set}})
	if err != nil {
		return fmt.Errorf("tagging %s: %w", name, err)
	}
	if inScope(tags) {
		if t.scoped == nil {
			t.scoped = map[string]bool{}
		}
		t.scoped[name] = true
	}
	return nil
}

func (t *team) untag(ctx context.Context, name string, o owned) error {
	if _, err := t.s3(o).DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("untagging %s: %w", name, err)
	}
	return nil
}

func (t *team) create(ctx context.Context, o owned) (string, error) {
	t.next++
	name := fmt.Sprintf("bucket-%s-%04d", o.Account, t.next)
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if o.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(o.Region)}
	}
	if _, err := t.s3(o).CreateBucket(ctx, in); err != nil {
		return "", fmt.Errorf("creating %s: %w", name, err)
	}
	t.buckets[name] = o
	return name, nil
}

// putObject puts one small object without sensitive data into a bucket: a data event, so no
// CloudTrail event. A bucket that holds an object can no longer be deleted (BucketNotEmpty).
func (t *team) putObject(ctx context.Context, name string, o owned, key string) error {
	_, err := t.s3(o).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key),
		Body: strings.NewReader("quarterly figures, nothing sensitive")})
	if err != nil {
		return fmt.Errorf("putting %s/%s: %w", name, key, err)
	}
	return nil
}

func (t *team) delete(ctx context.Context, name string, o owned) error {
	if _, err := t.s3(o).DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("deleting %s: %w", name, err)
	}
	delete(t.buckets, name)
	return nil
}
