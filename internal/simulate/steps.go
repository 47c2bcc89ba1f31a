package simulate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// step runs one scenario step.
func (r *runner) step(ctx context.Context, i int, st scenario.Step) {
	e := Entry{Step: i + 1, Line: st.Line, At: r.clock.Now()}
	switch {
	case st.PutTags != nil, st.DeleteTags != nil, st.CreateBucket != nil, st.DeleteBucket != nil:
		var err error
		if e.What, err = r.mutate(ctx, st); err != nil {
			e.Error = err.Error() // the team's call failed: nothing changed, no event
		}
		if !r.hold {
			r.deliver(ctx, &e, r.take())
		}
	case st.Hold != nil:
		r.hold = *st.Hold
		e.What = fmt.Sprintf("hold %v: events %s", r.hold, map[bool]string{true: "queue until delivered", false: "are delivered after each step"}[r.hold])
	case st.Deliver != nil:
		msgs := order(r.take(), *st.Deliver)
		e.What = fmt.Sprintf("deliver %d queued events (%s, %d duplicates each)", len(msgs), orderName(st.Deliver.Order), st.Deliver.Duplicates)
		r.deliver(ctx, &e, msgs)
	case st.Drop != nil:
		e.What = fmt.Sprintf("drop %d queued events (lost)", len(r.take()))
	case st.Reconcile != nil:
		e.What = "scheduled full reconcile"
		r.record(&e, r.eng.Full(ctx))
	case st.Faults != nil:
		e.What = r.faults(*st.Faults)
	case st.PutObjects != nil:
		e.What, e.Error = r.putObjects(*st.PutObjects)
	case st.Advance != nil:
		r.advance(ctx, &e, *st.Advance)
	}
	if reachesEngine(st) {
		r.noteActivity(ctx, &e)
	}
	r.out.Timeline = append(r.out.Timeline, e)
}

// reachesEngine reports whether a step (other than advance, which notes each moment) can make
// the engine call Macie, and so Macie act: a job's first run starts when the job is created.
func reachesEngine(st scenario.Step) bool {
	return st.PutTags != nil || st.DeleteTags != nil || st.CreateBucket != nil || st.DeleteBucket != nil ||
		st.Deliver != nil || st.Reconcile != nil
}

// mutate makes a team's bucket change through S3, as the bucket's account.
func (r *runner) mutate(ctx context.Context, st scenario.Step) (string, error) {
	before := r.sb.Calls()
	defer r.countTeamCalls(before)
	switch {
	case st.PutTags != nil:
		p := st.PutTags
		return fmt.Sprintf("%s tags bucket %s %s", p.Account, p.Bucket, tagString(p.Tags)), r.putTags(ctx, p.Account, p.Bucket, p.Tags)
	case st.DeleteTags != nil:
		d := st.DeleteTags
		c := r.s3(ctx, d.Account, r.bucketRegion(d.Bucket))
		_, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: &d.Bucket})
		return fmt.Sprintf("%s removes every tag of bucket %s", d.Account, d.Bucket), err
	case st.CreateBucket != nil:
		return r.createBucket(ctx, st.CreateBucket)
	default:
		d := st.DeleteBucket
		r.empty(d.Bucket)
		c := r.s3(ctx, d.Account, r.bucketRegion(d.Bucket))
		_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &d.Bucket})
		return fmt.Sprintf("%s deletes bucket %s", d.Account, d.Bucket), err
	}
}

func (r *runner) createBucket(ctx context.Context, b *scenario.CreateBucket) (string, error) {
	in := &s3.CreateBucketInput{Bucket: &b.Bucket}
	if b.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(b.Region)}
	}
	what := fmt.Sprintf("%s creates bucket %s in %s", b.Account, b.Bucket, b.Region)
	if _, err := r.s3(ctx, b.Account, b.Region).CreateBucket(ctx, in); err != nil {
		return what, err
	}
	if len(b.Tags) == 0 {
		return what, nil
	}
	return what + " tagged " + tagString(b.Tags), r.putTags(ctx, b.Account, b.Bucket, b.Tags)
}

func (r *runner) putTags(ctx context.Context, account, bucket string, tags map[string]string) error {
	set := make([]s3types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	_, err := r.s3(ctx, account, r.bucketRegion(bucket)).PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
		Bucket: &bucket, Tagging: &s3types.Tagging{TagSet: set}})
	return err
}

// empty removes a bucket's objects, as a team does before deleting it (S3 refuses to delete a
// bucket that is not empty). Object deletions are not events the engine listens to.
func (r *runner) empty(name string) {
	if b, ok := r.sb.LookupBucket(name); ok && b.Objects > 0 {
		b.Objects, b.SizeBytes = 0, 0
		_ = r.sb.PutBucket(b) // the bucket exists and belongs to its owner: cannot fail
	}
}

func (r *runner) s3(ctx context.Context, account, region string) *s3.Client {
	return s3.NewFromConfig(r.srv.Config(ctx, account, region), func(o *s3.Options) { o.UsePathStyle = true })
}

func (r *runner) bucketRegion(name string) string {
	if b, ok := r.sb.LookupBucket(name); ok {
		return b.Region
	}
	return r.s.Organization.Regions[0]
}

// countTeamCalls adds the calls made since before to the calls left out of apiCalls.
func (r *runner) countTeamCalls(before map[string]int) {
	for op, n := range r.sb.Calls() {
		if d := n - before[op]; d > 0 {
			r.teamCalls[op] += d
		}
	}
}

func (r *runner) faults(f scenario.Fault) string {
	r.sb.SetFault(f.Operation, sandbox.Fault{Error: f.Error, Rate: f.Rate,
		Latency: time.Duration(f.LatencyMS) * time.Millisecond, Seed: f.Seed})
	if f.Rate == 0 && f.LatencyMS == 0 {
		return "faults cleared for " + f.Operation
	}
	return fmt.Sprintf("faults: %s fails with %s at rate %v, latency %dms", f.Operation, f.Error, f.Rate, f.LatencyMS)
}

func tagString(tags map[string]string) string {
	if len(tags) == 0 {
		return "{}"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// putObjects adds the step's objects to the bucket, last modified now. Object uploads are S3
// data events, which the trail does not forward: no event.
func (r *runner) putObjects(p scenario.PutObjects) (what, failure string) {
	g := p.Group()
	what = fmt.Sprintf("%s puts %s (%s, %d sensitive) in bucket %s", p.Account, plural(int(g.N()), "object"), gb(g.SizeBytes()), g.Sensitive(), p.Bucket)
	if err := r.sb.PutObjects(p.Account, p.Bucket, objectGroup(g, r.clock.Now())); err != nil {
		return what, err.Error()
	}
	return what, ""
}
