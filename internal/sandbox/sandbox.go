// Package sandbox is a local, multi-account AWS on loopback: one http.Handler that speaks the real
// wire protocols of S3 (REST-XML), STS and SNS (Query), Organizations and the Resource Groups Tagging API
// (JSON 1.1) and Amazon Macie (REST-JSON, delegated to package macie), so that unmodified
// aws-sdk-go-v2 clients and the AWS CLI work against it.
//
// The calling account is taken from the SigV4 access key id: a 12-digit key acts as the root of
// that account (any secret is accepted; signatures are not verified), and keys issued by
// sts:AssumeRole act as the assumed role in the role's account. Successful bucket mutations
// (CreateBucket, DeleteBucket, PutBucketTagging, DeleteBucketTagging) queue the EventBridge events
// CloudTrail would deliver; Macie queues its "Macie Finding" events in the same queue, and
// TakeEvents drains it. Faults (errors, latency) can be injected per operation, and every call is
// counted.
//
// Buckets hold objects in groups (PutObjects; S3 PutObject adds or replaces one), so that a
// bucket of a million objects costs what one of ten does. Time is Options.Now, which may be a
// virtual clock (package vclock): Macie's inventory refreshes, job runs and daily cycles happen
// when Macie().RunDue (or any Macie request) finds them due, never by waiting. Coverage reports
// what Macie has analysed of each bucket.
//
// Simplifications, on purpose: signatures and session tokens are not verified, issued
// credentials do not expire, IAM policies (trust and permission) are not modelled (any caller may
// assume an existing role; only bucket ownership limits S3 calls), and S3 accepts calls for a
// bucket signed for any Region. State is consistent immediately unless Options.TagReadLag (or
// SetTagReadLag) makes tag reads lag behind writes, as eventually consistent reads do.
package sandbox

import (
	"encoding/json"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

// Options configure a Sandbox.
type Options struct {
	// PageSize, when positive, caps every page of every paginated operation (tests shrink it to
	// flush out paginator bugs). Zero keeps each operation's AWS default page size.
	PageSize int
	// Seed seeds the random numbers behind issued credentials, event ids and, for faults
	// without their own seed, fault decisions. Runs with the same seed repeat.
	Seed int64
	// Now is the clock of events, creation dates and the tag read lag. Nil means time.Now.
	Now func() time.Time
	// TagReadLag makes GetBucketTagging and tagging:GetResources answer from each bucket's
	// state as it was that long ago (see SetTagReadLag). Zero: reads see every write at once.
	TagReadLag time.Duration
}

// Sandbox is the state of a simulated set of AWS accounts and the handler serving it.
// It is safe for concurrent use.
type Sandbox struct {
	opts  Options
	now   func() time.Time
	world *world
	fault *faults
	macie macieHook
	ssm   ssmStore
	// topics is the SNS state (sns.go).
	topics *topics

	mu     sync.Mutex // guards rng, events, reqSeq
	rng    *rand.Rand
	events []json.RawMessage
	reqSeq uint64
}

// New returns an empty sandbox: no organization, no accounts, no buckets.
func New(opts Options) *Sandbox {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Sandbox{
		opts:  opts,
		now:   func() time.Time { return now().UTC() },
		world: newWorld(),
		fault: newFaults(opts.Seed),
		rng:   rand.New(rand.NewPCG(uint64(opts.Seed), 0x5a4d0b0c)),
	}
	s.topics = newTopics()
	s.macie = newMacieHook(s, opts.PageSize)
	s.world.setLag(max(opts.TagReadLag, 0))
	return s
}

// SetOrganization creates (or replaces) the organization with the given id (o-xxxxxxxxxx) and
// management account. Accounts are added with AddAccount, the management account included.
func (s *Sandbox) SetOrganization(id, management string) {
	s.world.setOrganization(id, management)
}

// Account is an account of the organization.
type Account struct {
	ID    string
	Email string
	Name  string
	// OU is the parent organizational unit: an OU id (ou-...), or a name from which a stable
	// OU id is derived. Empty means the account sits directly under the root.
	OU string
}

// AddAccount adds (or replaces) an account of the organization, status ACTIVE.
func (s *Sandbox) AddAccount(a Account) {
	s.world.addAccount(a, s.now())
}

// Accounts returns the organization's accounts sorted by id.
func (s *Sandbox) Accounts() []Account {
	_, accts, _ := s.world.orgSnapshot()
	out := make([]Account, 0, len(accts))
	for _, a := range accts {
		out = append(out, a.Account)
	}
	return out
}

// Roles returns the names of an account's roles, sorted.
func (s *Sandbox) Roles(account string) []string {
	return s.world.roleNames(account)
}

// AddRole creates an IAM role that sts:AssumeRole can assume in account.
func (s *Sandbox) AddRole(account, name string) {
	s.world.addRole(account, name)
}

// Bucket is an S3 bucket with its owner, Region, tags and size.
type Bucket struct {
	Account   string
	Region    string
	Name      string
	Tags      map[string]string
	SizeBytes int64
	Objects   int64
}

// PutBucket creates or replaces a bucket directly, as setup: it produces no event, tag reads see
// it at once even with a tag read lag, and so does Macie's inventory of the account. A size or
// object count becomes one group of objects, last modified now (see PutObjects). It fails when the
// name is invalid or owned by another account.
func (s *Sandbox) PutBucket(b Bucket) error {
	if err := s.world.putBucket(b, s.now()); err != nil {
		return err
	}
	s.Macie().RefreshAccount(b.Account, b.Region)
	return nil
}

// LookupBucket returns the bucket with that name, whoever owns it.
func (s *Sandbox) LookupBucket(name string) (Bucket, bool) {
	return s.world.lookupBucket(name)
}

// Buckets lists an account's buckets in a Region, sorted by name, as Macie sees them.
func (s *Sandbox) Buckets(account, region string) []macie.Bucket {
	return s.world.macieBuckets(account, region)
}

// OrgAccount reports whether id is an account of the organization, and its email.
func (s *Sandbox) OrgAccount(id string) (email string, ok bool) {
	return s.world.orgAccount(id)
}

// Management returns the organization's management account id ("" without an organization).
func (s *Sandbox) Management() string {
	return s.world.management()
}

// TakeEvents drains the queue of EventBridge events, oldest first.
func (s *Sandbox) TakeEvents() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.events
	s.events = nil
	return out
}

// pageSize returns the page size of one call: the caller's request (if any, else the AWS
// default), capped by Options.PageSize.
func (s *Sandbox) pageSize(requested, awsDefault int) int {
	n := awsDefault
	if requested > 0 && requested < n {
		n = requested
	}
	if s.opts.PageSize > 0 && s.opts.PageSize < n {
		n = s.opts.PageSize
	}
	return n
}
