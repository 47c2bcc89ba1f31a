package findings

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// Directory knows the organization's accounts; *awsapi.Directory is one.
type Directory interface {
	Account(ctx context.Context, id string) (reconcile.Account, bool, error)
}

// Buckets reads one bucket's tags as its expected owner, through that account's read role, so
// that S3 itself refuses a bucket the account does not own; *awsapi.Buckets is one.
type Buckets interface {
	Bucket(ctx context.Context, account, region, name string) (plan.Bucket, bool, error)
}

// Publisher publishes a message to an SNS topic and returns SNS's message id.
type Publisher interface {
	Publish(ctx context.Context, topicARN string, m Message) (string, error)
}

// Silence is the bucket tag that keeps a bucket's findings from being published.
const (
	SilenceKey   = "macie-notify"
	SilenceValue = "off"
)

// Router decides, for each finding, whether and where it is published, and publishes it.
type Router struct {
	// Admin is the Macie administrator account: the only account whose bus carries the findings
	// of the organization's jobs.
	Admin string
	// TopicRegion is the home Region of the workload stacks, where each account's topic is.
	TopicRegion string
	// MinSeverity leaves out findings below it; empty means Low (every finding).
	MinSeverity Severity
	DryRun      bool
	Directory   Directory
	Buckets     Buckets
	Publisher   Publisher
	// Seen suppresses redeliveries; nil remembers nothing across calls.
	Seen   *Seen
	Logger *slog.Logger
}

// Item is one message to route: an SQS message id and its body, an EventBridge event.
type Item struct {
	MessageID string
	Body      string
}

// Outcome is what became of one finding.
type Outcome string

// The outcomes. Only Retry asks for the message again.
const (
	Published Outcome = "published"
	// Duplicate: the same finding id and update was published already.
	Duplicate Outcome = "duplicate"
	// Refused: not a finding of the organization's own buckets (malformed, forged, wrong owner).
	Refused Outcome = "refused"
	// Skipped: a real finding that is not published (below the minimum severity, bucket silenced,
	// account not onboarded, no topic, bucket gone), or would be under dry-run.
	Skipped Outcome = "skipped"
	// Failed: publishing failed in a way a retry cannot fix.
	Failed Outcome = "failed"
	// Retry: a call failed in a way a retry can fix (throttling, 5xx, lost connection).
	Retry Outcome = "retry"
)

// Result is the outcome of one item, with the topic it went to and why.
type Result struct {
	MessageID string
	Finding   Finding
	Outcome   Outcome
	Topic     string
	Reason    string
}

// Route handles every item in order and returns one result per item. Within a batch and across
// batches of one instance, a finding id and update already published is not published again.
// Each bucket is read once per batch: a job run finds many objects of one bucket.
func (r *Router) Route(ctx context.Context, items []Item) []Result {
	out := make([]Result, 0, len(items))
	reads := map[[3]string]bucketRead{}
	for _, it := range items {
		res := r.route(ctx, it, reads)
		res.MessageID = it.MessageID
		r.logResult(ctx, res)
		out = append(out, res)
	}
	return out
}

// bucketRead is the answer of one read of a bucket's tags.
type bucketRead struct {
	bucket plan.Bucket
	exists bool
	err    error
}

func (r *Router) route(ctx context.Context, it Item, reads map[[3]string]bucketRead) Result {
	f, err := Decode(it.Body)
	if err != nil {
		return Result{Outcome: Refused, Reason: err.Error()}
	}
	res := Result{Finding: f}
	if why := r.forged(f); why != "" {
		return res.with(Refused, why)
	}
	if r.Seen != nil && r.Seen.Has(f.DedupKey()) {
		return res.with(Duplicate, "finding "+f.DedupKey()+" was published already")
	}
	if !f.Severity.AtLeast(r.minSeverity()) {
		return res.with(Skipped, fmt.Sprintf("severity %s is below the minimum %s", f.Severity, r.minSeverity()))
	}
	if res = r.checkOwner(ctx, res, reads); res.Outcome != "" {
		return res
	}
	return r.publish(ctx, res)
}

// forged returns why the event cannot be a finding of the organization's jobs, or "". The event
// must have been published on the administrator's bus; a bucket owner given as an account id
// must be the finding's account (Macie gives the owner's canonical user id, which S3 checks
// below).
func (r *Router) forged(f Finding) string {
	switch {
	case f.EventAccount != r.Admin:
		return fmt.Sprintf("published on the bus of account %s, not of the Macie administrator %s", f.EventAccount, r.Admin)
	case accountRE.MatchString(f.OwnerID) && f.OwnerID != f.Account:
		return fmt.Sprintf("bucket owner %s differs from the finding's account %s", f.OwnerID, f.Account)
	}
	return ""
}

// checkOwner confirms that the account is in the organization and owns the bucket, and that the
// bucket is not silenced; it returns res with an outcome when the finding stops here.
func (r *Router) checkOwner(ctx context.Context, res Result, reads map[[3]string]bucketRead) Result {
	f := res.Finding
	_, member, err := r.Directory.Account(ctx, f.Account)
	if err != nil {
		return res.failure(err, "reading account "+f.Account+" in the organization")
	}
	if !member {
		return res.with(Refused, "account "+f.Account+" is not in the organization")
	}
	k := [3]string{f.Account, f.Region, f.Bucket}
	read, ok := reads[k]
	if !ok {
		read.bucket, read.exists, read.err = r.Buckets.Bucket(ctx, f.Account, f.Region, f.Bucket)
		if !apierr.Retryable(read.err) {
			reads[k] = read
		}
	}
	b, exists, err := read.bucket, read.exists, read.err
	switch {
	case apierr.AssumeRoleDenied(err):
		return res.with(Skipped, "the read role of account "+f.Account+" cannot be assumed: the account is not onboarded")
	case apierr.Is(err, apierr.AccessDenied):
		return res.with(Refused, "S3 refuses to confirm that account "+f.Account+" owns bucket "+f.Bucket+
			" (another owner, or a bucket policy that denies the read role)")
	case err != nil:
		return res.failure(err, "reading the tags of bucket "+f.Bucket)
	case !exists:
		return res.with(Skipped, "bucket "+f.Bucket+" no longer exists, so its owner cannot be confirmed")
	case b.Tags[SilenceKey] == SilenceValue:
		return res.with(Skipped, "bucket "+f.Bucket+" is tagged "+SilenceKey+"="+SilenceValue)
	}
	return Result{Finding: f}
}

// publish sends the finding to the topic of the account that owns the bucket.
func (r *Router) publish(ctx context.Context, res Result) Result {
	f := res.Finding
	res.Topic = TopicARN(f.Partition, r.TopicRegion, f.Account)
	m, err := NewMessage(f)
	if err != nil {
		return res.with(Failed, err.Error())
	}
	if r.DryRun {
		return res.with(Skipped, "dry run: would publish to "+res.Topic)
	}
	_, err = r.Publisher.Publish(ctx, res.Topic, m)
	switch {
	case apierr.Is(err, apierr.NotFound), apierr.Is(err, apierr.AccessDenied):
		return res.with(Skipped, "topic "+res.Topic+" is missing or refuses the function: deploy the workload stack in "+r.TopicRegion+": "+err.Error())
	case err != nil:
		return res.failure(err, "publishing to "+res.Topic)
	}
	if r.Seen != nil {
		r.Seen.Add(f.DedupKey())
	}
	return res.with(Published, "published to "+res.Topic)
}

func (r *Router) minSeverity() Severity {
	if r.MinSeverity == "" {
		return Low
	}
	return r.MinSeverity
}

func (res Result) with(o Outcome, reason string) Result {
	res.Outcome, res.Reason = o, reason
	return res
}

// failure is Retry for an error a retry can fix, Failed otherwise.
func (res Result) failure(err error, doing string) Result {
	if apierr.Retryable(err) {
		return res.with(Retry, doing+": "+err.Error())
	}
	return res.with(Failed, doing+": "+err.Error())
}

// logResult writes one line per finding; refusals and failures are warnings and errors.
func (r *Router) logResult(ctx context.Context, res Result) {
	if r.Logger == nil {
		return
	}
	level := slog.LevelInfo
	switch res.Outcome {
	case Refused, Retry:
		level = slog.LevelWarn
	case Failed:
		level = slog.LevelError
	}
	f := res.Finding
	r.Logger.LogAttrs(ctx, level, "finding", slog.String("message_id", res.MessageID),
		slog.String("outcome", string(res.Outcome)), slog.String("account", f.Account),
		slog.String("region", f.Region), slog.String("bucket", f.Bucket), slog.String("finding_id", f.ID),
		slog.String("updated_at", f.UpdatedAt), slog.String("severity", string(f.Severity)),
		slog.String("topic", res.Topic), slog.String("reason", res.Reason), slog.Bool("dry_run", r.DryRun))
}
