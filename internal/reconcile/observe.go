package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// ErrStale marks a read that contradicts a recent event: the read may predate the event, so the
// pair is retried later instead of acted on.
var ErrStale = errors.New("read contradicts a recent event")

// observe reads the member status and the buckets that decide a pair. The buckets named by events
// are read directly; the account's tagged buckets are listed only when none of those is in scope.
func (r *Reconciler) observe(ctx context.Context, t task) (plan.Member, error) {
	m := plan.Member{Account: t.Account, Region: t.Region, Email: t.email, Status: t.status}
	if m.Status == "" {
		st, err := r.Macie.MemberStatus(ctx, t.Region, t.Account)
		if err != nil {
			return m, fmt.Errorf("reading member %s in %s: %w", t.Account, t.Region, err)
		}
		m.Status = st
	}
	direct, err := r.readChanged(ctx, t)
	if err != nil {
		return m, err
	}
	if slices.ContainsFunc(direct, func(b plan.Bucket) bool { return r.Rules.Policy.InScope(b.Tags) }) {
		m.Buckets = direct
		return m, nil
	}
	listed, err := r.Buckets.TaggedBuckets(ctx, t.Account, t.Region)
	if err != nil {
		return m, fmt.Errorf("listing tagged buckets of %s in %s: %w", t.Account, t.Region, err)
	}
	m.Buckets = merge(listed, direct, t.changes)
	return m, nil
}

// readChanged reads every bucket named by a change, once, and checks each read against the
// bucket's newest changes.
func (r *Reconciler) readChanged(ctx context.Context, t task) ([]plan.Bucket, error) {
	var out []plan.Bucket
	for _, name := range bucketNames(t.changes) {
		b, ok, err := r.Buckets.Bucket(ctx, t.Account, t.Region, name)
		if err != nil {
			return nil, fmt.Errorf("reading bucket %s of %s: %w", name, t.Account, err)
		}
		if err := r.checkFresh(changesOf(t.changes, name), ok && r.Rules.Policy.InScope(b.Tags)); err != nil {
			return nil, err
		}
		if ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// checkFresh returns ErrStale when the newest changes of a bucket, all from the same second, are
// recent and every one of them says the bucket's scope is other than read. Changes of one second
// cannot be ordered, so a read that agrees with any of them may be the fresh one.
func (r *Reconciler) checkFresh(newest []event.Change, readInScope bool) error {
	for _, c := range newest {
		want, known := r.expectedScope(c)
		if !known || want == readInScope || r.now().Sub(c.EventTime) > staleWindow(r.StaleWindow) {
			return nil
		}
	}
	if len(newest) == 0 {
		return nil
	}
	c := newest[0]
	return fmt.Errorf("bucket %s of %s: event %s at %s (of %d that second) says in scope=%v, read says %v: %w",
		c.Bucket, c.Account, c.EventID, c.EventTime.Format(time.RFC3339), len(newest), !readInScope, readInScope, ErrStale)
}

// bucketNames lists the buckets the changes name, once each, in order.
func bucketNames(changes []event.Change) []string {
	var names []string
	for _, c := range changes {
		if !slices.Contains(names, c.Bucket) {
			names = append(names, c.Bucket)
		}
	}
	return names
}

// changesOf returns the changes of one bucket.
func changesOf(changes []event.Change, bucket string) []event.Change {
	var out []event.Change
	for _, c := range changes {
		if c.Bucket == bucket {
			out = append(out, c)
		}
	}
	return out
}

// DefaultStaleWindow is how long after an event a read that contradicts it is taken for stale
// when Reconciler.StaleWindow is zero.
const DefaultStaleWindow = 5 * time.Minute

func staleWindow(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultStaleWindow
	}
	return d
}

// expectedScope says whether a change leaves its bucket in scope, when the change tells.
func (r *Reconciler) expectedScope(c event.Change) (inScope, known bool) {
	switch c.Kind {
	case event.TagsReplaced:
		return r.Rules.Policy.InScope(c.Tags), true
	case event.TagsRemoved, event.BucketDeleted:
		return false, true
	}
	return false, false
}

// merge lists the tagged buckets with the direct reads taking the place of what the listing said
// of the same buckets.
func merge(listed, direct []plan.Bucket, changes []event.Change) []plan.Bucket {
	read := map[string]bool{}
	for _, c := range changes {
		read[c.Bucket] = true
	}
	out := slices.Clone(direct)
	for _, b := range listed {
		if !read[b.Name] {
			out = append(out, b)
		}
	}
	return out
}
