package sandbox

import (
	"context"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Generic fault errors, translated to each service's own error code and HTTP status.
const (
	// FaultThrottle is the service's throttling error: S3 SlowDown 503, STS Throttling 400,
	// Organizations TooManyRequestsException 400, Tagging ThrottledException 400,
	// Macie ThrottlingException 429.
	FaultThrottle = "Throttle"
	// FaultInternal is the service's internal error: S3 InternalError, STS InternalFailure,
	// Organizations ServiceException, Tagging InternalServiceException, Macie
	// InternalServerException; all 500.
	FaultInternal = "Internal"
)

// Fault makes calls of one operation fail or slow down.
type Fault struct {
	// Error is the error to return: FaultThrottle, FaultInternal, or a literal error code
	// ("AccessDenied", "ThrottlingException", ...) optionally followed by "/STATUS"
	// ("InternalServerError/500"). Without a status, known codes get their AWS status and
	// others 400. Empty means latency only.
	Error string
	// Rate is the probability in [0, 1] that a call fails with Error.
	Rate float64
	// Latency delays every call of the operation (failing or not).
	Latency time.Duration
	// Seed seeds the operation's random decisions; zero derives it from Options.Seed.
	Seed int64
}

// faults holds injected faults, their random generators and the call counters.
type faults struct {
	mu       sync.Mutex
	baseSeed int64
	byOp     map[string]Fault
	rngs     map[string]*rand.Rand // per operation actually called
	calls    map[string]int
}

func newFaults(seed int64) *faults {
	return &faults{baseSeed: seed, byOp: map[string]Fault{}, rngs: map[string]*rand.Rand{}, calls: map[string]int{}}
}

// SetFault injects f into every call of op: an operation ("s3:PutBucketTagging",
// "sts:AssumeRole", "organizations:ListAccounts", "tagging:GetResources",
// "macie2:CreateMember"), every operation of a service ("s3:*"), or everything ("*"). Any of
// these followed by "@" and a Region ("macie2:*@us-east-1") covers only the calls signed for
// that Region: Macie's request quotas apply per account and Region ("Unless otherwise noted,
// each quota applies to each AWS Region", https://docs.aws.amazon.com/macie/latest/user/macie-quotas.html),
// so one Region can throttle or slow down while the others answer. The most specific match
// wins, a Region's before any Region's. A zero Fault removes the fault. Setting a fault restarts
// the random sequence of the operations it covers, so runs repeat.
func (s *Sandbox) SetFault(op string, f Fault) {
	s.fault.mu.Lock()
	defer s.fault.mu.Unlock()
	if f == (Fault{}) {
		delete(s.fault.byOp, op)
	} else {
		s.fault.byOp[op] = f
	}
	clear(s.fault.rngs)
}

// Calls returns how many calls each operation received, faulted ones included.
func (s *Sandbox) Calls() map[string]int {
	s.fault.mu.Lock()
	defer s.fault.mu.Unlock()
	return maps.Clone(s.fault.calls)
}

// ResetCalls sets every call counter back to zero.
func (s *Sandbox) ResetCalls() {
	s.fault.mu.Lock()
	defer s.fault.mu.Unlock()
	clear(s.fault.calls)
}

func (f *faults) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
}

// lookup finds the fault covering op in a Region, most specific first, and the name of its
// random sequence: the operation's, in the Region when the fault names one.
func (f *faults) lookup(op, region string) (ft Fault, seq string, ok bool) {
	svc, _, _ := strings.Cut(op, ":")
	for _, in := range []string{"@" + region, ""} {
		for _, k := range []string{op, svc + ":*", "*"} {
			if ft, ok := f.byOp[k+in]; ok {
				return ft, op + in, true
			}
		}
	}
	return Fault{}, "", false
}

// decide reports whether this call of op in a Region fails, drawing from its fault's seeded
// generator.
func (f *faults) decide(op, region string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ft, seq, ok := f.lookup(op, region)
	if !ok || ft.Error == "" || ft.Rate <= 0 {
		return ft, false
	}
	rng, ok := f.rngs[seq]
	if !ok {
		seed := ft.Seed
		if seed == 0 {
			seed = f.baseSeed
		}
		h := fnv.New64a()
		h.Write([]byte(seq))
		rng = rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
		f.rngs[seq] = rng
	}
	return ft, rng.Float64() < ft.Rate
}

// inject applies the fault of op in a Region, if any: it waits the latency, then maybe returns
// the error.
func (f *faults) inject(ctx context.Context, op, svc, region string) *apiError {
	ft, fail := f.decide(op, region)
	if ft.Latency > 0 {
		t := time.NewTimer(ft.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if !fail {
		return nil
	}
	return faultError(ft.Error, svc, op)
}

// faultError builds the injected error in the service's vocabulary.
func faultError(spec, svc, op string) *apiError {
	msg := "Injected fault on " + op
	code, statusText, hasStatus := strings.Cut(spec, "/")
	switch code {
	case FaultThrottle:
		code = throttleCodes[svc]
	case FaultInternal:
		code = internalCodes[svc]
	}
	status := knownStatus(code, svc)
	if hasStatus {
		if n, err := strconv.Atoi(statusText); err == nil && n >= 400 && n <= 599 {
			status = n
		}
	}
	return &apiError{Code: code, Status: status, Message: msg}
}

var throttleCodes = map[string]string{
	svcS3: "SlowDown", svcSTS: "Throttling", svcOrgs: "TooManyRequestsException",
	svcTagging: "ThrottledException", svcMacie: "ThrottlingException", svcSNS: "Throttled",
}

var internalCodes = map[string]string{
	svcS3: "InternalError", svcSTS: "InternalFailure", svcOrgs: "ServiceException",
	svcTagging: "InternalServiceException", svcMacie: "InternalServerException", svcSNS: "InternalError",
}

// knownStatus is the HTTP status AWS uses for an error code in a service (400 by default).
func knownStatus(code, svc string) int {
	switch code {
	case "SlowDown", "ServiceUnavailable":
		return http.StatusServiceUnavailable
	case "AccessDenied", "InvalidAccessKeyId", "InvalidClientTokenId", "SignatureDoesNotMatch":
		return http.StatusForbidden
	case "NoSuchBucket", "NoSuchTagSet":
		return http.StatusNotFound
	case "Throttled": // SNS
		return http.StatusTooManyRequests
	case "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty":
		return http.StatusConflict
	}
	if svc == svcMacie {
		if st, ok := macieStatus[code]; ok {
			return st
		}
	}
	if strings.Contains(code, "Internal") || code == "ServiceException" {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// macieStatus are the statuses of the macie2 model's errors.
var macieStatus = map[string]int{
	"ValidationException": 400, "ServiceQuotaExceededException": 402, "AccessDeniedException": 403,
	"ResourceNotFoundException": 404, "ConflictException": 409, "ThrottlingException": 429,
	"InternalServerException": 500,
}
