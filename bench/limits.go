package bench

import (
	"maps"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/time/rate"
)

// Scope says which calls of a service share its request-rate quota.
type Scope int

const (
	// PerRegion quotas apply per account and Region: one token bucket per (service, Region).
	PerRegion Scope = iota
	// AccountWide quotas apply per account whatever the Region (a global service): one token
	// bucket per service.
	AccountWide
)

// Limit is a service's request-rate quota.
type Limit struct {
	Rate  float64 // requests a second
	Scope Scope
}

// Limits are the request-rate quotas of the administrator account by SigV4 service name
// ("macie2", "sts", "organizations"); a service without one is not limited.
type Limits map[string]Limit

// Quotas is the quota model of the sweeps, per AWS's documented model where there is one:
//
//   - macie2, 200 a second per Region. Macie's quotas apply per account and Region ("Quotas for
//     Amazon Macie", https://docs.aws.amazon.com/macie/latest/user/macie-quotas.html); the page
//     gives a request rate for CreateClassificationJob only (0.1 a second, one call per Region
//     and sweep here, so not modelled). 200 is this benchmark's choice.
//   - sts, 600 a second per Region: "the default request quota is 600 requests per second, per
//     account, per Region", shared by AssumeRole and GetCallerIdentity ("IAM and AWS STS
//     quotas", STS request quotas,
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). The engine's
//     STS client signs in its own Region, so this is one bucket.
//   - organizations, 20 a second, one bucket: Organizations is a global service hosted in
//     us-east-1 whose limits apply to the organization ("Quotas and service limits for AWS
//     Organizations"); AWS publishes no request rate for ListAccounts or DescribeAccount
//     (awsdocs/aws-organizations-docs issue 39 asks for one). 20 is this benchmark's choice,
//     below the 50 a second that paging one after the other at 20 ms would reach.
//
// S3 and the Tagging API are not limited: the engine calls them with each workload account's
// own role, and a quota applies to the account whose credentials make the call; a sweep makes
// one GetResources call per account and Region, an event one GetBucketTagging, far below any
// rate quota.
func Quotas() Limits {
	return Limits{
		"macie2":        {Rate: 200, Scope: PerRegion},
		"sts":           {Rate: 600, Scope: PerRegion},
		"organizations": {Rate: 20, Scope: AccountWide},
	}
}

// Key is what a call is counted by: its service and the Region it was signed for.
type Key struct{ Service, Region string }

func (k Key) String() string { return k.Service + " " + k.Region }

// Limiter serves requests through next within Limits: a token bucket of depth 1 per quota, where
// a request over the rate waits for its token rather than being refused, so that the floor the
// quotas impose is exact (calls / rate) and no throttling retries blur it. It counts every call
// by Key, limited or not. The service and Region come from the SigV4 credential scope of the
// Authorization header.
type Limiter struct {
	next   http.Handler
	limits Limits

	mu      sync.Mutex
	buckets map[Key]*rate.Limiter
	calls   map[Key]int
}

// NewLimiter returns a Limiter in front of next.
func NewLimiter(next http.Handler, limits Limits) *Limiter {
	return &Limiter{next: next, limits: limits, buckets: map[Key]*rate.Limiter{}, calls: map[Key]int{}}
}

func (l *Limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b := l.admit(credentialScope(r.Header.Get("Authorization"))); b != nil {
		if err := b.Wait(r.Context()); err != nil {
			http.Error(w, "request cancelled while waiting for the rate limit", http.StatusServiceUnavailable)
			return
		}
	}
	l.next.ServeHTTP(w, r)
}

// admit counts a call and returns the token bucket it waits on, nil when it is not limited.
func (l *Limiter) admit(k Key) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls[k]++
	lim, ok := l.limits[k.Service]
	if !ok {
		return nil
	}
	bk := k
	if lim.Scope == AccountWide {
		bk.Region = ""
	}
	b, ok := l.buckets[bk]
	if !ok {
		b = rate.NewLimiter(rate.Limit(lim.Rate), 1)
		l.buckets[bk] = b
	}
	return b
}

// Calls returns the calls received so far by Key.
func (l *Limiter) Calls() map[Key]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.calls)
}

// credentialScope reads the service and Region of a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ..."); the zero Key
// when there is none.
func credentialScope(auth string) Key {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return Key{}
	}
	cred, _, _ := strings.Cut(rest, ",")
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[4] != "aws4_request" {
		return Key{}
	}
	return Key{Service: f[3], Region: f[2]}
}

// MacieRegions are 17 commercial Regions where Macie is available, the benchmark's home Region
// first; a sweep over n Regions manages the first n.
var MacieRegions = []string{"eu-west-1", "us-east-1", "eu-central-1", "us-west-2", "ap-southeast-2", "eu-west-2",
	"ap-northeast-1", "ca-central-1", "ap-south-1", "us-east-2", "eu-north-1", "ap-southeast-1", "sa-east-1",
	"eu-west-3", "ap-northeast-2", "us-west-1", "eu-south-1"}
