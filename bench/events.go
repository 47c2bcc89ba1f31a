package bench

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// Case is one kind of event whose cost is measured.
type Case string

// The cases of the calls-per-event table.
const (
	// TagOn tags the first bucket of an account that is not a member: it is enrolled.
	TagOn Case = "tag on (first tagged bucket)"
	// TagOffOthersLeft removes the tags of one of two tagged buckets: nothing changes.
	TagOffOthersLeft Case = "tag off, another tagged bucket left"
	// DeleteLast deletes the account's only tagged bucket: the member is paused.
	DeleteLast Case = "delete the last tagged bucket"
	// TagOffAllTagged is TagOffOthersLeft where every bucket of the account carries other tags
	// (team, cost centre), so the engine's listing of tagged buckets has one page per 100.
	TagOffAllTagged Case = "tag off, every bucket has other tags"
)

// Cases lists the cases in table order.
var Cases = []Case{TagOn, TagOffOthersLeft, DeleteLast, TagOffAllTagged}

// EventRow is the calls one event cost, by the engine and by the naive baseline, in an account
// with Buckets buckets.
type EventRow struct {
	Buckets int
	Case    Case
	Ours    Delta
	Naive   Delta
}

// handler handles one decoded event.
type handler interface {
	warm(ctx context.Context, account, bucket string) error
	handle(ctx context.Context, c event.Change) error
}

// EventCalls measures, for every number of buckets, the calls each case costs the engine and the
// baseline. Each side runs against its own, identical sandbox, warmed up so that one-time costs
// (the Region's job check, assuming roles) are not counted against the event.
func EventCalls(ctx context.Context, sizes []int) ([]EventRow, error) {
	var rows []EventRow
	for _, n := range sizes {
		ours, err := eventCalls(ctx, n, func(url string) handler { return &engineHandler{eng: NewEngine(url, 8)} })
		if err != nil {
			return nil, fmt.Errorf("engine, %d buckets: %w", n, err)
		}
		naive, err := eventCalls(ctx, n, func(url string) handler { return &naiveHandler{n: NewNaive(url)} })
		if err != nil {
			return nil, fmt.Errorf("baseline, %d buckets: %w", n, err)
		}
		for _, c := range Cases {
			if n >= minBuckets(c) {
				rows = append(rows, EventRow{Buckets: n, Case: c, Ours: ours[c], Naive: naive[c]})
			}
		}
	}
	return rows, nil
}

// eventCalls builds one account per case with n buckets, makes each case's change through S3 and
// hands the event the sandbox produced to the handler, counting its calls.
func eventCalls(ctx context.Context, n int, mk func(url string) handler) (map[Case]Delta, error) {
	env, err := NewEnv(EnvOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = env.Close() }()
	for i, c := range Cases {
		if err := setupCase(env, caseAccount(i), c, n); err != nil {
			return nil, err
		}
	}
	h := mk(env.URL)
	if eh, ok := h.(*engineHandler); ok {
		if err := ensureRegion(ctx, eh.eng); err != nil {
			return nil, err
		}
	}
	out := map[Case]Delta{}
	for i, c := range Cases {
		acct := caseAccount(i)
		if err := h.warm(ctx, acct, bucketName(acct, 0)); err != nil {
			return nil, err
		}
		d, err := measureCase(ctx, env, h, acct, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		out[c] = d
	}
	return out, nil
}

// minBuckets is the smallest account a case makes sense in: "another tagged bucket" needs two.
func minBuckets(c Case) int {
	if c == TagOffOthersLeft || c == TagOffAllTagged {
		return 2
	}
	return 1
}

func caseAccount(i int) string { return fmt.Sprintf("3333%08d", i+1) }

func bucketName(account string, i int) string { return fmt.Sprintf("b-%s-%05d", account, i) }

// setupCase creates the account's buckets and membership as the case starts from.
func setupCase(env *Env, acct string, c Case, n int) error {
	env.AddWorkload(acct)
	for i := range n {
		var tags map[string]string
		if c == TagOffAllTagged {
			tags = map[string]string{"team": "payments"}
		}
		if (i == 0 && c != TagOn) || (i == 1 && (c == TagOffOthersLeft || c == TagOffAllTagged)) {
			tags = map[string]string{"macie": "true", "team": "payments"}
		}
		err := env.SB.PutBucket(sandbox.Bucket{Account: acct, Region: Region, Name: bucketName(acct, i), Tags: tags})
		if err != nil {
			return fmt.Errorf("setting up %s: %w", c, err)
		}
	}
	if c != TagOn {
		env.SB.Macie().SetMember(Admin, Region, acct, string(plan.StatusEnabled))
	}
	return nil
}

// measureCase makes the case's change as the account's team would, then counts the calls the
// handler makes for the one event it produced.
func measureCase(ctx context.Context, env *Env, h handler, acct string, c Case) (Delta, error) {
	if err := teamChange(ctx, env.URL, acct, c); err != nil {
		return nil, err
	}
	raws := env.SB.TakeEvents()
	if len(raws) != 1 {
		return nil, fmt.Errorf("the change produced %d events, want 1", len(raws))
	}
	ch := event.DecodeMessage("msg-1", string(raws[0]))
	if !ch.Relevant() {
		return nil, fmt.Errorf("event not relevant: %s", ch.Reason)
	}
	cnt := Count(env.SB)
	if err := h.handle(ctx, ch); err != nil {
		return nil, err
	}
	return cnt.Delta(), nil
}

// teamChange makes the case's S3 call on the account's first bucket, as the account's team.
func teamChange(ctx context.Context, url, acct string, c Case) error {
	cl := s3.NewFromConfig(AWSConfig(url, acct), func(o *s3.Options) { o.UsePathStyle = true })
	name := aws.String(bucketName(acct, 0))
	var err error
	switch c {
	case TagOn:
		_, err = cl.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{
			TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
	case TagOffOthersLeft:
		_, err = cl.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: name})
	case TagOffAllTagged:
		_, err = cl.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{
			TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("payments")}}}})
	case DeleteLast:
		_, err = cl.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: name})
	}
	if err != nil {
		return fmt.Errorf("team change %q: %w", c, err)
	}
	return nil
}
