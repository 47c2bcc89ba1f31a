package reconcile

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Changes reconciles every (account, Region) that a batch of changes touches, each once.
func (r *Reconciler) Changes(ctx context.Context, changes []event.Change) Result {
	return r.Batch(ctx, changes, nil).Result
}

// Units reconciles the given pairs as if an event had named each, without a bucket to read
// directly.
func (r *Reconciler) Units(ctx context.Context, units []Unit) Result {
	c := &collector{}
	var tasks []task
	for _, u := range units {
		t := task{Unit: u}
		if r.admit(ctx, &t, c) {
			tasks = append(tasks, t)
		}
	}
	return r.run(ctx, nil, tasks, c)
}

// coalesce groups relevant changes by pair, keeping the changes of each bucket's newest second,
// in the order the pairs first appear.
func coalesce(changes []event.Change) []task {
	index := map[Unit]int{}
	var tasks []task
	for _, c := range changes {
		if !c.Relevant() {
			continue
		}
		u := Unit{Account: c.Account, Region: c.Region}
		i, ok := index[u]
		if !ok {
			i = len(tasks)
			index[u] = i
			tasks = append(tasks, task{Unit: u})
		}
		tasks[i].changes = latest(tasks[i].changes, c)
	}
	return tasks
}

// latest puts c in the list of newest changes per bucket. CloudTrail times have one-second
// resolution, so changes of one bucket in the same second cannot be ordered: all of them are
// kept, and an older second gives way to a newer one.
func latest(list []event.Change, c event.Change) []event.Change {
	i := slices.IndexFunc(list, func(o event.Change) bool { return o.Bucket == c.Bucket })
	if i < 0 {
		return append(list, c)
	}
	at, have := second(c), second(list[i])
	switch {
	case at.Before(have):
		return list
	case at.After(have):
		list = slices.DeleteFunc(list, func(o event.Change) bool { return o.Bucket == c.Bucket })
		return append(list, c)
	case slices.ContainsFunc(list, func(o event.Change) bool { return o.Bucket == c.Bucket && o.EventID == c.EventID && c.EventID != "" }):
		return list // the same event delivered twice
	}
	return append(list, c)
}

// second is the time of a change at CloudTrail's resolution.
func second(c event.Change) time.Time { return c.EventTime.Truncate(time.Second) }

// admit decides whether a pair named by an event may be reconciled, and fills in its email.
func (r *Reconciler) admit(ctx context.Context, t *task, c *collector) bool {
	switch {
	case !r.managed(t.Region):
		r.skip(ctx, c, t, fmt.Sprintf("account %s: Region %s is not managed, so buckets there are not scanned", t.Account, t.Region))
		return false
	case t.Account == r.Rules.Admin:
		return false // the administrator's own buckets are scanned by its job; it is never a member
	case r.Rules.Excluded[t.Account]:
		r.skip(ctx, c, t, fmt.Sprintf("account %s is excluded: it is never touched", t.Account))
		return false
	}
	acct, ok, err := r.Directory.Account(ctx, t.Account)
	switch {
	case err != nil:
		r.fail(ctx, c, t.Unit, fmt.Errorf("looking up account %s: %w", t.Account, err))
		return false
	case !ok:
		r.skip(ctx, c, t, fmt.Sprintf("account %s is not in the organization: event rejected", t.Account))
		return false
	case !acct.Active():
		r.skip(ctx, c, t, fmt.Sprintf("account %s is %s in the organization, not ACTIVE: it is left as it is", t.Account, stateName(acct)))
		return false
	}
	t.email = acct.Email
	return true
}

// ErrNoAccounts is a listing of the organization without any account: an organization has at
// least its management account, so the listing is wrong, and a plan from it would be empty.
var ErrNoAccounts = errors.New("the organization's listing holds no account")

// stateName names an account's state, "no state" when the directory gave none.
func stateName(a Account) string {
	if a.State == "" {
		return "of no known state"
	}
	return string(a.State)
}

func (r *Reconciler) skip(ctx context.Context, c *collector, t *task, why string) {
	bucket := firstBucket(t.changes)
	r.log().LogAttrs(ctx, slog.LevelWarn, "skipped", slog.String("account", t.Account),
		slog.String("region", t.Region), slog.String("bucket", bucket), slog.String("reason", why))
	c.warn(plan.Warning{Account: t.Account, Region: t.Region, Bucket: bucket, Message: why})
}

// EnsureRegions converges the managed job and findings publication of every managed Region,
// and nothing else: what a deployment does once it is in place.
func (r *Reconciler) EnsureRegions(ctx context.Context) Result {
	return r.run(ctx, r.Regions, nil, &collector{})
}

// Full reconciles every account of the organization in every managed Region: the scheduled
// sweep that repairs drift and lost events. Each Region is a lane of its own, side by side with
// the others: its members are listed, its job and publication checked, its pairs reconciled, then
// its backfill and automated discovery policy (backfill.go, discovery.go) run on what the pairs
// read. The lanes start on the organization's first accounts while the rest are still being
// listed (roster.go), and every lane takes the accounts in the same order, so the lanes use an
// account's cached read-role credentials at about the same time. When ctx ends first (the
// caller's deadline), the pairs not yet started are counted as Pending and left to the next
// sweep. A listing that fails part way leaves the coverage steps out (they would judge on part of
// the organization) and is a failure of the run.
func (r *Reconciler) Full(ctx context.Context) Result {
	c := &collector{}
	ros, ok := r.organization(ctx, c)
	if !ok {
		return c.result()
	}
	regions := &regionGate{done: map[string]bool{}}
	eachRegion(r.Regions, func(region string) {
		tasks, ok := r.sweep(ctx, region, ros, c)
		if !ok {
			return
		}
		r.region(ctx, region, regions, c)
		r.pairs(ctx, region, tasks, ros.count, func(ctx context.Context, t task) { r.unit(ctx, t, regions, c) })
		if ros.wait() == nil {
			r.coverage(ctx, region, c.readView(region), c)
		}
	})
	r.listed(ctx, ros, c)
	return c.result()
}

// organization starts listing the organization's accounts that a sweep looks at and waits for
// the first of them; ok is false, and the failure recorded in c, when none could be listed.
func (r *Reconciler) organization(ctx context.Context, c *collector) (*roster, bool) {
	ros := r.listOrganization(ctx, r.swept)
	if err := ros.started(); err != nil {
		r.fail(ctx, c, Unit{}, err)
		return nil, false
	}
	return ros, true
}

// listed waits for the end of a listing that started and records its failure, if any, in c.
func (r *Reconciler) listed(ctx context.Context, ros *roster, c *collector) {
	if err := ros.wait(); err != nil {
		r.fail(ctx, c, Unit{}, fmt.Errorf("the organization's listing stopped part way: %w", err))
	}
}

// sweep returns the pairs of one Region that a full reconcile looks at, as the roster grows; ok is
// false, and the failure recorded in c, when the Region's members could not be listed.
func (r *Reconciler) sweep(ctx context.Context, region string, ros *roster, c *collector) (iter.Seq[task], bool) {
	statuses, err := r.Macie.MemberStatuses(ctx, region)
	if err != nil {
		r.fail(ctx, c, Unit{Region: region}, fmt.Errorf("listing members in %s: %w", region, err))
		return nil, false
	}
	return func(yield func(task) bool) {
		for a := range ros.all() {
			if !yield(sweepTask(region, a, statuses)) {
				return
			}
		}
	}, true
}

// swept reports whether a full reconcile looks at an account: ACTIVE, neither the administrator
// nor excluded.
func (r *Reconciler) swept(a Account) bool {
	return a.ID != r.Rules.Admin && !r.Rules.Excluded[a.ID] && a.Active()
}

// sweepTask is the pair of an account in a Region, with its member status from statuses.
func sweepTask(region string, a Account, statuses map[string]plan.MemberStatus) task {
	st := statuses[a.ID]
	if st == "" {
		st = plan.StatusNone
	}
	return task{Unit: Unit{Account: a.ID, Region: region}, email: a.Email, status: st}
}

// sweepTasks lists the pairs of one Region that a full reconcile looks at.
func (r *Reconciler) sweepTasks(region string, accounts []Account, statuses map[string]plan.MemberStatus) []task {
	var tasks []task
	for _, a := range accounts {
		if r.swept(a) {
			tasks = append(tasks, sweepTask(region, a, statuses))
		}
	}
	return tasks
}

// StaleMessages returns the ids of the messages of RetryMessages whose every failure was a read
// older than its event (ErrStale): a retry soon can fix them, in input order.
func (res Result) StaleMessages(changes []event.Change) []string {
	var ids []string
	for _, id := range res.RetryMessages(changes) {
		if !slices.ContainsFunc(changes, func(c event.Change) bool {
			return c.MessageID == id && slices.ContainsFunc(res.Failures, func(f Failure) bool {
				return f.names(c) && !errors.Is(f.Err, ErrStale)
			})
		}) {
			ids = append(ids, id)
		}
	}
	return ids
}

// names reports whether a failure is of the pair of a change (a failed Region counts for every
// pair in it).
func (f Failure) names(c event.Change) bool {
	return f.Region == c.Region && (f.Account == c.Account || f.Account == "")
}

// retries reports whether a failure hands back the message of a change. A stale read hands back
// only the messages of the stale buckets: the pair's other buckets were read fresh, and the
// retried messages reconcile the whole pair again, reading them the way a sweep does. (Handing
// them back too would receive them as often as the pair has newer changes of another bucket,
// and send them to the dead-letter queue although nothing was lost.)
func (f Failure) retries(c event.Change) bool {
	return f.names(c) && (len(f.StaleBuckets) == 0 || slices.Contains(f.StaleBuckets, c.Bucket))
}

// RetryMessages returns the ids of the messages that carried a change of a pair whose reconcile
// failed in a way a retry can fix (a failed Region counts for every pair in it), in input order.
// A message whose change was superseded in the batch by a newer change of the same bucket is not
// among them: the newer change's message is, and it alone decides that bucket when the pair is
// reconciled again. (Retrying the older one too would hold it back as stale for as long as the
// pair has newer changes, and send it to the dead-letter queue although nothing was lost.)
func (res Result) RetryMessages(changes []event.Change) []string {
	used := map[string]bool{}
	for _, t := range coalesce(changes) {
		for _, c := range t.changes {
			used[c.MessageID] = true
		}
	}
	var ids []string
	for _, c := range changes {
		if c.MessageID == "" || !c.Relevant() || !used[c.MessageID] || slices.Contains(ids, c.MessageID) {
			continue
		}
		if slices.ContainsFunc(res.Failures, func(f Failure) bool { return f.Retryable && f.retries(c) }) {
			ids = append(ids, c.MessageID)
		}
	}
	return ids
}
