package reconcile

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

const (
	admin = "222222222222"
	acctA = "333333333333"
	acctB = "444444444444"
	prot  = "555555555555"
	excl  = "666666666666"
	euw1  = "eu-west-1"
	use1  = "us-east-1"
)

var on = map[string]string{"macie": "true"}

func newReconciler(w *world) *Reconciler {
	p := tagpolicy.Default()
	return &Reconciler{
		Macie: w, Buckets: w, Directory: w,
		Applier: &execute.Executor{Macie: w},
		Rules: plan.Rules{Policy: p, Admin: admin, Protected: map[string]bool{prot: true},
			Excluded: map[string]bool{excl: true}, Job: plan.NewJobSpec(p, []string{excl}, 100)},
		Regions:     []string{euw1, use1},
		Concurrency: 8,
		Now:         func() time.Time { return clock.Add(time.Hour) },
	}
}

func kinds(p plan.Plan) []plan.Kind {
	var out []plan.Kind
	for _, a := range p.Actions {
		out = append(out, a.Kind)
	}
	return out
}

func TestTagOnEnrolsAndSetsUpTheRegion(t *testing.T) {
	w := newWorld(t, admin, acctA)
	res := newReconciler(w).Changes(context.Background(), []event.Change{w.put(acctA, euw1, "pii", on)})
	want := []plan.Kind{plan.CreateJob, plan.EnablePublication, plan.CreateMember}
	if !slices.Equal(kinds(res.Plan), want) || len(res.Failures) != 0 {
		t.Fatalf("plan %v failures %v", kinds(res.Plan), res.Failures)
	}
	if w.status(acctA, euw1) != plan.StatusEnabled || !w.publish[euw1] || len(w.jobs) != 1 {
		t.Fatalf("state: %s %v %v", w.status(acctA, euw1), w.publish, w.jobs)
	}
	if w.calls["GetResources"] != 0 {
		t.Fatalf("listed buckets although the event's bucket is in scope: %v", w.calls)
	}
}

func TestTagOffWithAnotherTaggedBucketKeepsTheMember(t *testing.T) {
	w := newWorld(t, admin, acctA)
	w.put(acctA, euw1, "other", on)
	w.members[euw1+"/"+acctA] = plan.StatusEnabled
	res := newReconciler(w).Changes(context.Background(), []event.Change{w.untag(acctA, euw1, "pii")})
	if len(res.Plan.Actions) != 0 || w.status(acctA, euw1) != plan.StatusEnabled {
		t.Fatalf("plan %v", res.Plan.Actions)
	}
}

func TestLastTaggedBucketGonePauses(t *testing.T) {
	for name, mutate := range map[string]func(w *world) event.Change{
		"untag":  func(w *world) event.Change { return w.untag(acctA, euw1, "pii") },
		"false":  func(w *world) event.Change { return w.put(acctA, euw1, "pii", map[string]string{"macie": "false"}) },
		"delete": func(w *world) event.Change { return w.remove(acctA, euw1, "pii") },
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, admin, acctA)
			w.put(acctA, euw1, "pii", on)
			w.put(acctA, use1, "elsewhere", on) // another Region does not count
			w.members[euw1+"/"+acctA] = plan.StatusEnabled
			res := newReconciler(w).Changes(context.Background(), []event.Change{mutate(w)})
			if !slices.Equal(kinds(res.Plan), []plan.Kind{plan.PauseMember}) || w.status(acctA, euw1) != plan.StatusPaused {
				t.Fatalf("plan %v status %s", kinds(res.Plan), w.status(acctA, euw1))
			}
		})
	}
}

func TestProtectedExcludedAdminAndOutsiders(t *testing.T) {
	w := newWorld(t, admin, prot, excl)
	w.members[euw1+"/"+prot] = plan.StatusEnabled
	changes := []event.Change{
		w.untag(prot, euw1, "p"),
		w.put(excl, euw1, "x", on),
		w.put(admin, euw1, "own", on),
		change(event.TagsReplaced, "999999999999", euw1, "forged", on),
		change(event.TagsReplaced, acctA, "ap-south-1", "unmanaged", on),
	}
	res := newReconciler(w).Changes(context.Background(), changes)
	if len(res.Plan.Actions) != 0 || w.status(prot, euw1) != plan.StatusEnabled || w.status(excl, euw1) != plan.StatusNone {
		t.Fatalf("plan %v", res.Plan.Actions)
	}
	if len(res.Plan.Warnings) != 4 { // unmanaged Region, protected kept enabled, excluded, outsider
		t.Fatalf("warnings %v", res.Plan.Warnings)
	}
	if w.calls["CreateMember"]+w.calls["UpdateMemberSession"] != 0 {
		t.Fatalf("calls %v", w.calls)
	}
}

func TestBurstIsCoalescedPerPair(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	var batch []event.Change
	for i := range 100 {
		acct := []string{acctA, acctB}[i%2]
		batch = append(batch, w.put(acct, euw1, "pii", on))
		batch = append(batch, batch[len(batch)-1]) // duplicated delivery
	}
	res := newReconciler(w).Changes(context.Background(), batch)
	if res.Units != 2 || w.calls["GetMember"] != 2 || w.calls["GetBucketTagging"] != 2 {
		t.Fatalf("units %d calls %v", res.Units, w.calls)
	}
}

func TestSamePairNeverConcurrent(t *testing.T) {
	w := newWorld(t, admin, acctA)
	w.members[euw1+"/"+acctA] = plan.StatusEnabled
	r := newReconciler(w)
	done := make(chan struct{})
	for range 8 {
		go func() {
			r.Changes(context.Background(), []event.Change{w.untag(acctA, euw1, "b")})
			done <- struct{}{}
		}()
	}
	for range 8 {
		<-done
	}
}

func TestReadFailureChangesNothing(t *testing.T) {
	w := newWorld(t, admin, acctA)
	w.members[euw1+"/"+acctA] = plan.StatusEnabled
	w.fail["GetResources"] = &smithy.GenericAPIError{Code: "AccessDenied"}
	res := newReconciler(w).Changes(context.Background(), []event.Change{w.untag(acctA, euw1, "pii")})
	if len(res.Failures) != 1 || res.Failures[0].Retryable || w.status(acctA, euw1) != plan.StatusEnabled {
		t.Fatalf("failures %+v status %s", res.Failures, w.status(acctA, euw1))
	}
	w.fail["GetResources"] = &smithy.GenericAPIError{Code: "ThrottlingException"}
	res = newReconciler(w).Changes(context.Background(), []event.Change{w.untag(acctA, euw1, "pii")})
	if len(res.Failures) != 1 || !res.Failures[0].Retryable {
		t.Fatalf("throttled read must be retryable: %+v", res.Failures)
	}
}

func TestStaleReadIsRetriedNotActedOn(t *testing.T) {
	w := newWorld(t, admin, acctA)
	c := w.put(acctA, euw1, "pii", on)
	w.staleTags = map[string]map[string]string{"pii": {}} // the read still shows the old, empty set
	r := newReconciler(w)
	r.Now = func() time.Time { return c.EventTime.Add(10 * time.Second) }
	res := r.Changes(context.Background(), []event.Change{c})
	if len(res.Failures) != 1 || !res.Failures[0].Retryable || !errors.Is(res.Failures[0].Err, ErrStale) || len(res.Plan.Actions) != 0 {
		t.Fatalf("failures %+v plan %v", res.Failures, res.Plan.Actions)
	}
	r.Now = func() time.Time { return c.EventTime.Add(time.Hour) } // long after: trust the read
	if res := r.Changes(context.Background(), []event.Change{c}); len(res.Failures) != 0 {
		t.Fatalf("old event still blocks: %+v", res.Failures)
	}
}

func TestFullReconcileRepairsDrift(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB, prot, excl)
	w.put(acctA, euw1, "pii", on)
	w.put(acctB, use1, "near", map[string]string{"Macie": "True"})
	w.members[use1+"/"+acctB] = plan.StatusEnabled
	w.members[euw1+"/"+prot] = plan.StatusEnabled
	w.members[euw1+"/"+excl] = plan.StatusEnabled
	res := newReconciler(w).Full(context.Background())
	if len(res.Failures) != 0 {
		t.Fatal(res.Failures)
	}
	want := map[string]plan.MemberStatus{acctA + euw1: plan.StatusEnabled, acctB + use1: plan.StatusPaused,
		prot + euw1: plan.StatusEnabled, excl + euw1: plan.StatusEnabled, acctA + use1: plan.StatusNone}
	for k, s := range want {
		if got := w.status(k[:12], k[12:]); got != s {
			t.Errorf("%s: %s, want %s", k, got, s)
		}
	}
	if len(res.Plan.Warnings) != 2 || res.Plan.Warnings[0].Bucket != "near" || !strings.Contains(res.Plan.Warnings[1].Message, "protected") {
		t.Fatalf("warnings %v", res.Plan.Warnings)
	}
	if w.status(admin, euw1) != plan.StatusNone || len(w.jobs) != 2 || !w.publish[use1] {
		t.Fatalf("admin %s jobs %v publish %v", w.status(admin, euw1), w.jobs, w.publish)
	}
	w.resetCalls()
	if again := newReconciler(w).Full(context.Background()); len(again.Plan.Actions) != 0 {
		t.Fatalf("second sweep not empty: %v", again.Plan.Actions)
	}
}

func TestPlanOnlyChangesNothing(t *testing.T) {
	w := newWorld(t, admin, acctA)
	w.put(acctA, euw1, "pii", on)
	r := newReconciler(w)
	r.Applier = nil
	res := r.Full(context.Background())
	if len(res.Plan.Actions) != 5 || w.status(acctA, euw1) != plan.StatusNone || len(w.jobs) != 0 {
		t.Fatalf("plan %v", kinds(res.Plan))
	}
}

// TestEventOrderDoesNotMatter applies random sequences of changes, then delivers their events
// reversed, duplicated and with some lost, then looks at every changed pair again: the final
// state is always the one the final tags call for.
func TestEventOrderDoesNotMatter(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 7))
		w := newWorld(t, admin, acctA, acctB, prot)
		var events []event.Change
		for range 40 {
			acct := []string{acctA, acctB, prot}[rng.IntN(3)]
			region := []string{euw1, use1}[rng.IntN(2)]
			name := []string{"b1", "b2"}[rng.IntN(2)] + region
			switch rng.IntN(3) {
			case 0:
				events = append(events, w.put(acct, region, name, on))
			case 1:
				events = append(events, w.untag(acct, region, name))
			default:
				events = append(events, w.remove(acct, region, name))
			}
		}
		r := newReconciler(w)
		slices.Reverse(events)
		var delivered, touched []event.Change
		for _, e := range events {
			if rng.IntN(4) > 0 { // a quarter is lost
				delivered = append(delivered, e, e)
			}
			touched = append(touched, e)
		}
		r.Changes(context.Background(), delivered)
		var units []Unit
		for _, e := range touched {
			units = append(units, Unit{Account: e.Account, Region: e.Region})
		}
		r.Units(context.Background(), units)
		checkConverged(t, seed, w)
	}
}

// checkConverged compares member statuses with what the final tags call for.
func checkConverged(t *testing.T, seed uint64, w *world) {
	t.Helper()
	for acct, bs := range w.buckets {
		for _, region := range []string{euw1, use1} {
			want := false
			for _, b := range bs {
				want = want || (b.region == region && b.tags["macie"] == "true")
			}
			got := w.status(acct, region)
			switch {
			case acct == admin && got != plan.StatusNone:
				t.Fatalf("seed %d: admin is a member", seed)
			case acct != admin && want && got != plan.StatusEnabled:
				t.Fatalf("seed %d: %s %s should be enabled, is %s", seed, acct, region, got)
			case acct != admin && !want && got == plan.StatusEnabled && acct != prot:
				t.Fatalf("seed %d: %s %s should not be enabled", seed, acct, region)
			}
		}
	}
}

func TestRetryMessagesNameTheFailedPairs(t *testing.T) {
	res := Result{Failures: []Failure{
		{Unit: Unit{Account: acctA, Region: euw1}, Retryable: true},
		{Unit: Unit{Account: acctB, Region: euw1}, Retryable: false},
		{Unit: Unit{Region: use1}, Retryable: true},
	}}
	msg := func(id, acct, region string) event.Change {
		return event.Change{Kind: event.TagsRemoved, MessageID: id, Account: acct, Region: region, Bucket: "b"}
	}
	changes := []event.Change{
		msg("m1", acctA, euw1), msg("m1", acctA, euw1), msg("m2", acctB, euw1), msg("m3", acctB, use1),
		msg("m4", prot, euw1), {Kind: event.Ignored, MessageID: "m5", Account: acctA, Region: euw1},
	}
	if got := res.RetryMessages(changes); !slices.Equal(got, []string{"m1", "m3"}) {
		t.Fatalf("retry %v", got)
	}
}

func TestFullStopsAtTheDeadlineAndCountsWhatIsLeft(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB, prot)
	r := newReconciler(w)
	r.Concurrency = 1
	ctx, cancel := context.WithCancel(context.Background())
	r.Buckets = cancelAfter{BucketReader: w, n: 2, calls: new(atomic.Int32), cancel: cancel}
	res := r.Full(ctx)
	if res.Units+res.Pending != 6 || res.Pending == 0 || res.Units < 2 {
		t.Fatalf("units %d pending %d", res.Units, res.Pending)
	}
}

// cancelAfter cancels a context after n bucket listings.
type cancelAfter struct {
	BucketReader
	n      int32
	calls  *atomic.Int32
	cancel context.CancelFunc
}

func (c cancelAfter) TaggedBuckets(ctx context.Context, account, region string) ([]plan.Bucket, error) {
	if c.calls.Add(1) >= c.n {
		c.cancel()
	}
	return c.BucketReader.TaggedBuckets(ctx, account, region)
}

func TestEnsureRegionsTouchesNoMember(t *testing.T) {
	w := newWorld(t, admin, acctA)
	w.put(acctA, euw1, "pii", on)
	res := newReconciler(w).EnsureRegions(context.Background())
	if len(res.Plan.Actions) != 4 || len(w.jobs) != 2 || w.status(acctA, euw1) != plan.StatusNone || w.calls["GetResources"] != 0 {
		t.Fatalf("plan %v calls %v", kinds(res.Plan), w.calls)
	}
}

// Progress is told of every pair, per Region: first none done, last all of them.
func TestProgressCountsEveryPairPerRegion(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	r := newReconciler(w)
	var mu sync.Mutex
	seen := map[string][][2]int{}
	r.Progress = func(region string, done, n int) {
		mu.Lock()
		defer mu.Unlock()
		seen[region] = append(seen[region], [2]int{done, n})
	}
	r.Full(context.Background())
	want := [][2]int{{0, 2}, {1, 2}, {2, 2}}
	if len(seen) != 2 || !slices.Equal(seen[euw1], want) || !slices.Equal(seen[use1], want) {
		t.Fatalf("progress %v, want %v in each Region", seen, want)
	}
}

func TestObserveIsTheFullPlanWithoutChanges(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB, prot, excl)
	w.put(acctA, euw1, "pii", on)
	w.members[use1+"/"+acctB] = plan.StatusEnabled
	r := newReconciler(w)
	snap := r.Observe(context.Background())
	if len(snap.Members) != 6 || len(snap.Regions) != 2 || len(snap.Failures) != 0 {
		t.Fatalf("snapshot %+v", snap)
	}
	if w.calls["CreateMember"]+w.calls["UpdateMemberSession"]+w.calls["CreateClassificationJob"] != 0 {
		t.Fatalf("observe changed something: %v", w.calls)
	}
	r.Applier = nil
	want := r.Full(context.Background()).Plan
	if got := plan.Build(r.Rules, snap.Members, snap.Regions); !reflect.DeepEqual(got, want) {
		t.Fatalf("observe+build\n%v\nfull\n%v", got, want)
	}
}

func TestAccountWithoutReadRoleIsAWarningNotAFailure(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	w.members[euw1+"/"+acctA] = plan.StatusEnabled
	denied := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole",
		Err: &smithy.GenericAPIError{Code: "AccessDenied"}}
	w.fail["GetResources"] = fmt.Errorf("listing tagged buckets: %w",
		&smithy.OperationError{ServiceID: "Tagging", OperationName: "GetResources", Err: denied})
	res := newReconciler(w).Full(context.Background())
	if len(res.Failures) != 0 || len(res.Plan.Actions) != 4 { // the Regions' jobs and publication only
		t.Fatalf("failures %v actions %v", res.Failures, kinds(res.Plan))
	}
	if len(res.Plan.Warnings) != 4 || !strings.Contains(res.Plan.Warnings[0].Message, "read role cannot be assumed") {
		t.Fatalf("warnings %v", res.Plan.Warnings)
	}
	if w.status(acctA, euw1) != plan.StatusEnabled {
		t.Fatal("an account that cannot be read was changed")
	}
}
