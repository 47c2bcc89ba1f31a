package reconcile

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// world is an in-memory organization: bucket tags per account, and the Macie administrator. It
// implements every port of the engine and counts calls; it fails when one pair is worked on by two
// goroutines at once.
type world struct {
	t        *testing.T
	mu       sync.Mutex
	accounts map[string]string            // id -> email
	buckets  map[string]map[string]bucket // account -> name -> bucket
	members  map[string]plan.MemberStatus // region/account -> status
	jobs     []plan.Job
	publish  map[string]bool
	calls    map[string]int
	fail     map[string]error // operation -> error returned by every call
	failOnce map[string]error // operation -> error returned by the next call only
	inflight map[string]int
	// staleTags, when set, is what a direct bucket read returns instead of the truth.
	staleTags map[string]map[string]string
	// states are the accounts' states in the organization other than ACTIVE.
	states map[string]orgtypes.AccountState
	// hold, when set, is called with the Region before every Macie call: a Region whose Macie
	// calls block or are slow.
	hold func(region string)
}

type bucket struct {
	region string
	tags   map[string]string
}

func newWorld(t *testing.T, accounts ...string) *world {
	w := &world{t: t, accounts: map[string]string{}, buckets: map[string]map[string]bucket{},
		members: map[string]plan.MemberStatus{}, publish: map[string]bool{}, calls: map[string]int{},
		fail: map[string]error{}, failOnce: map[string]error{}, inflight: map[string]int{}, states: map[string]orgtypes.AccountState{}}
	for _, a := range accounts {
		w.accounts[a] = a + "@example.com"
		w.buckets[a] = map[string]bucket{}
	}
	return w
}

func (w *world) call(op string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls[op]++
	if err, ok := w.failOnce[op]; ok {
		delete(w.failOnce, op)
		return err
	}
	return w.fail[op]
}

// macie is call for a Macie operation in a Region: it waits on hold first.
func (w *world) macie(op, region string) error {
	if w.hold != nil {
		w.hold(region)
	}
	return w.call(op)
}

// enter marks a pair as worked on and fails the test on overlap.
func (w *world) enter(account, region string) func() {
	k := account + "/" + region
	w.mu.Lock()
	w.inflight[k]++
	if w.inflight[k] > 1 {
		w.t.Errorf("pair %s worked on concurrently", k)
	}
	w.mu.Unlock()
	time.Sleep(time.Millisecond)
	return func() { w.mu.Lock(); w.inflight[k]--; w.mu.Unlock() }
}

// Mutations of the truth, as teams make them.

func (w *world) put(account, region, name string, tags map[string]string) event.Change {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buckets[account][name] = bucket{region: region, tags: maps.Clone(tags)}
	return change(event.TagsReplaced, account, region, name, tags)
}

func (w *world) untag(account, region, name string) event.Change {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buckets[account][name] = bucket{region: region}
	return change(event.TagsRemoved, account, region, name, nil)
}

func (w *world) remove(account, region, name string) event.Change {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.buckets[account], name)
	return change(event.BucketDeleted, account, region, name, nil)
}

var clock = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
var seq int

func change(k event.Kind, account, region, name string, tags map[string]string) event.Change {
	seq++
	c := event.Change{Kind: k, Account: account, Region: region, Bucket: name,
		EventID: fmt.Sprintf("e%d", seq), EventTime: clock.Add(time.Duration(seq) * time.Second)}
	if k == event.TagsReplaced {
		c.Tags = maps.Clone(tags)
	}
	return c
}

// Directory.

func (w *world) Accounts(context.Context) ([]Account, error) {
	if err := w.call("ListAccounts"); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Account
	for id, email := range w.accounts {
		out = append(out, Account{ID: id, Email: email, State: w.stateLocked(id)})
	}
	return out, nil
}

func (w *world) Account(_ context.Context, id string) (Account, bool, error) {
	if err := w.call("DescribeAccount"); err != nil {
		return Account{}, false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	email, ok := w.accounts[id]
	return Account{ID: id, Email: email, State: w.stateLocked(id)}, ok, nil
}

// stateLocked is an account's state; w.mu is held.
func (w *world) stateLocked(id string) orgtypes.AccountState {
	if st, ok := w.states[id]; ok {
		return st
	}
	return orgtypes.AccountStateActive
}

// BucketReader.

func (w *world) TaggedBuckets(_ context.Context, account, region string) ([]plan.Bucket, error) {
	defer w.enter(account, region)()
	if err := w.call("GetResources"); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []plan.Bucket
	for name, b := range w.buckets[account] {
		if b.region == region && len(b.tags) > 0 {
			out = append(out, plan.Bucket{Name: name, Region: region, Tags: maps.Clone(b.tags)})
		}
	}
	return out, nil
}

func (w *world) Bucket(_ context.Context, account, region, name string) (plan.Bucket, bool, error) {
	if err := w.call("GetBucketTagging"); err != nil {
		return plan.Bucket{}, false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if tags, ok := w.staleTags[name]; ok {
		return plan.Bucket{Name: name, Region: region, Tags: tags}, true, nil
	}
	b, ok := w.buckets[account][name]
	if !ok || b.region != region {
		return plan.Bucket{}, false, nil
	}
	return plan.Bucket{Name: name, Region: region, Tags: maps.Clone(b.tags)}, true, nil
}

// MacieReader.

func (w *world) MemberStatus(_ context.Context, region, account string) (plan.MemberStatus, error) {
	if err := w.macie("GetMember", region); err != nil {
		return "", err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.members[region+"/"+account]; ok {
		return s, nil
	}
	return plan.StatusNone, nil
}

func (w *world) MemberStatuses(_ context.Context, region string) (map[string]plan.MemberStatus, error) {
	if err := w.macie("ListMembers", region); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]plan.MemberStatus{}
	for k, s := range w.members {
		if r, a, _ := strings.Cut(k, "/"); r == region {
			out[a] = s
		}
	}
	return out, nil
}

func (w *world) ManagedJobs(_ context.Context, region string) ([]plan.Job, error) {
	if err := w.macie("ListClassificationJobs", region); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []plan.Job
	for _, j := range w.jobs {
		if strings.HasPrefix(j.ID, region+"/") {
			out = append(out, j)
		}
	}
	return out, nil
}

func (w *world) Publishing(_ context.Context, region string) (bool, error) {
	if err := w.macie("GetFindingsPublicationConfiguration", region); err != nil {
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.publish[region], nil
}

// execute.Macie.

func (w *world) CreateMember(_ context.Context, region, account, email string) error {
	defer w.enter(account, region+"#write")()
	if err := w.macie("CreateMember", region); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if email != w.accounts[account] {
		return &smithy.GenericAPIError{Code: "ValidationException", Message: "email"}
	}
	w.members[region+"/"+account] = plan.StatusEnabled
	return nil
}

func (w *world) UpdateMemberSession(_ context.Context, region, account, status string) error {
	if err := w.macie("UpdateMemberSession", region); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.members[region+"/"+account] = map[string]plan.MemberStatus{"ENABLED": plan.StatusEnabled, "PAUSED": plan.StatusPaused}[status]
	return nil
}

func (w *world) CreateJob(_ context.Context, region string, spec plan.JobSpec) error {
	if err := w.macie("CreateClassificationJob", region); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.jobs = append(w.jobs, plan.Job{ID: region + "/" + spec.Name, Name: spec.Name, Status: plan.JobIdle})
	return nil
}

func (w *world) UpdateJobStatus(_ context.Context, region, jobID, status string) error {
	if err := w.macie("UpdateClassificationJob", region); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.jobs {
		if w.jobs[i].ID == jobID {
			w.jobs[i].Status = status
		}
	}
	return nil
}

func (w *world) EnablePublication(_ context.Context, region string) error {
	if err := w.macie("PutFindingsPublicationConfiguration", region); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.publish[region] = true
	return nil
}

func (w *world) status(account, region string) plan.MemberStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.members[region+"/"+account]; ok {
		return s
	}
	return plan.StatusNone
}

func (w *world) resetCalls() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = map[string]int{}
}
