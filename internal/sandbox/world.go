package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// world holds all simulated AWS state behind one lock. Every read and write of state goes
// through its methods; tag reads may lag behind writes (lag.go).
type world struct {
	mu      sync.Mutex
	org     *organization
	roles   map[string]map[string]bool // account -> role name
	buckets map[string]*bucketState    // global bucket namespace: name -> bucket
	objects map[string]*bucketObjects  // bucket name -> its objects (objects.go)
	owned   map[string]map[string]bool // account -> names of its buckets
	seq     int64                      // groups of objects put so far, in every bucket
	inScope func(tags map[string]string) bool
	issued  map[string]principal // access key id issued by AssumeRole -> principal
	// lag is how far tag reads lag behind writes; history keeps the versions they may still see.
	lag     time.Duration
	history map[string][]version
}

// organization is the AWS Organization.
type organization struct {
	id         string
	management string
	accounts   map[string]orgAccount
}

// orgAccount is an account of the organization as Organizations stores it.
type orgAccount struct {
	Account
	joined time.Time
}

// bucketState is a stored bucket; everTagged remembers that the Tagging API still lists it.
type bucketState struct {
	Bucket
	created    time.Time
	everTagged bool
}

func newWorld() *world {
	return &world{
		roles:   map[string]map[string]bool{},
		buckets: map[string]*bucketState{},
		objects: map[string]*bucketObjects{},
		owned:   map[string]map[string]bool{},
		issued:  map[string]principal{},
		history: map[string][]version{},
	}
}

func (w *world) setOrganization(id, management string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.org = &organization{id: id, management: management, accounts: map[string]orgAccount{}}
}

func (w *world) addAccount(a Account, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.org == nil {
		w.org = &organization{accounts: map[string]orgAccount{}}
	}
	w.org.accounts[a.ID] = orgAccount{Account: a, joined: now}
}

func (w *world) addRole(account, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.roles[account] == nil {
		w.roles[account] = map[string]bool{}
	}
	w.roles[account][name] = true
}

func (w *world) hasRole(account, name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.roles[account][name]
}

func (w *world) roleNames(account string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.roles[account]))
}

func (w *world) issue(key string, p principal) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.issued[key] = p
}

func (w *world) principalOf(key string) (principal, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.issued[key]
	return p, ok
}

// orgSnapshot returns a copy of the organization and its accounts sorted by id.
func (w *world) orgSnapshot() (organization, []orgAccount, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.org == nil || w.org.id == "" {
		return organization{}, nil, false
	}
	accts := slices.Collect(maps.Values(w.org.accounts))
	slices.SortFunc(accts, func(a, b orgAccount) int { return strings.Compare(a.ID, b.ID) })
	return organization{id: w.org.id, management: w.org.management}, accts, true
}

func (w *world) orgAccount(id string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.org == nil {
		return "", false
	}
	a, ok := w.org.accounts[id]
	return a.Email, ok
}

func (w *world) management() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.org == nil {
		return ""
	}
	return w.org.management
}

func (w *world) putBucket(b Bucket, now time.Time) error {
	if err := validBucketName(b.Name); err != nil {
		return fmt.Errorf("putting bucket %q: %w", b.Name, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.buckets[b.Name]; ok && old.Account != b.Account {
		return fmt.Errorf("putting bucket %q: owned by account %s", b.Name, old.Account)
	}
	b.Tags = maps.Clone(b.Tags)
	w.buckets[b.Name] = &bucketState{Bucket: b, created: now, everTagged: len(b.Tags) > 0}
	w.ownLocked(b.Account, b.Name)
	w.forgetLocked(b.Name)
	delete(w.objects, b.Name)
	if b.Objects > 0 || b.SizeBytes > 0 {
		// Existing callers give a bucket's size and object count: they become one group, last
		// modified now, with nothing sensitive.
		o := w.objectsLocked(b.Name)
		o.nextID++
		w.seq++
		o.groups = []objectGroup{{id: o.nextID, seq: w.seq, ObjectGroup: ObjectGroup{Count: max(b.Objects, 1), SizeBytes: b.SizeBytes,
			SensitiveType: macie.PersonalInformation, LastModified: now}}}
		w.buckets[b.Name].Objects, w.buckets[b.Name].SizeBytes = o.totals()
	}
	return nil
}

// bucket returns a copy of a stored bucket.
func (w *world) bucket(name string) (bucketState, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.buckets[name]
	if !ok {
		return bucketState{}, false
	}
	c := *b
	c.Tags = maps.Clone(b.Tags)
	return c, true
}

func (w *world) lookupBucket(name string) (Bucket, bool) {
	b, ok := w.bucket(name)
	return b.Bucket, ok
}

// createBucket stores a new bucket; it reports the owner of an existing one instead.
func (w *world) createBucket(b Bucket, now time.Time) (owner string, created bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.buckets[b.Name]; ok {
		return old.Account, false
	}
	w.buckets[b.Name] = &bucketState{Bucket: b, created: now}
	w.ownLocked(b.Account, b.Name)
	delete(w.objects, b.Name)
	w.recordLocked(b.Name, nil, now)
	return b.Account, true
}

func (w *world) deleteBucket(name string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	before := cloneState(w.buckets[name])
	if before != nil {
		delete(w.owned[before.Account], name)
	}
	delete(w.buckets, name)
	delete(w.objects, name)
	w.recordLocked(name, before, now)
}

// setTags replaces a bucket's tag set (nil deletes it) at now and reports whether the bucket
// exists.
func (w *world) setTags(name string, tags map[string]string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.buckets[name]
	if !ok {
		return false
	}
	before := cloneState(b)
	b.Tags = maps.Clone(tags)
	b.everTagged = b.everTagged || len(tags) > 0
	w.recordLocked(name, before, now)
	return true
}

// ownLocked records that account owns bucket name. w.mu must be held.
func (w *world) ownLocked(account, name string) {
	if w.owned[account] == nil {
		w.owned[account] = map[string]bool{}
	}
	w.owned[account][name] = true
}

// accountBuckets returns copies of account's buckets that match keep, sorted by name; it costs
// what the account's buckets cost, not what every bucket does.
func (w *world) accountBuckets(account string, keep func(*bucketState) bool) []bucketState {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []bucketState
	for _, n := range slices.Sorted(maps.Keys(w.owned[account])) {
		if b := w.buckets[n]; b != nil && keep(b) {
			out = append(out, *cloneState(b))
		}
	}
	return out
}

func (w *world) macieBuckets(account, region string) []macie.Bucket {
	bs := w.accountBuckets(account, func(b *bucketState) bool { return b.Region == region })
	out := make([]macie.Bucket, 0, len(bs))
	for _, b := range bs {
		out = append(out, macie.Bucket{Name: b.Name, Tags: b.Tags, SizeBytes: b.SizeBytes, ObjectCount: b.Objects})
	}
	return out
}
