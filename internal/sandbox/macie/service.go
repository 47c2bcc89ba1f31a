package macie

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxBody caps the size of a request body the service reads.
const maxBody = 1 << 20

// Service is the sandbox's Amazon Macie: all state, keyed by (account, Region), behind one mutex.
//
// World is called with the Service's lock held: World must not call back into the Service, and
// callers must not hold World's own lock while calling a Service method.
type Service struct {
	world    World
	pageSize int
	now      func() time.Time
	newID    func() string

	mu          sync.Mutex
	sessions    map[key]*session
	admins      map[string]string // Region -> designated administrator account
	adminTokens map[string]string // Region + "/" + clientToken -> administrator account
	autoEnable  map[key]bool      // (administrator, Region) -> organization autoEnable
	members     map[key]map[string]*member
	jobs        map[key][]*Job
	jobTokens   map[key]map[string]string // clientToken -> jobId
	publication map[key]publication
	seq         int
	watch       func(MemberChange)

	// What happens over time (schedule.go): the inventory snapshot and its refresh, the daily
	// cycle of metering and automated discovery, and what they recorded.
	refresh     time.Duration
	lastRefresh time.Time
	nextRefresh time.Time
	nextDaily   time.Time
	snapshot    map[key][]Bucket // (account, Region) -> its buckets at the latest refresh
	snapshotAt  map[key]time.Time
	discovery   map[string]*discoveryConfig
	asddStatus  map[key]string    // (account, Region) -> ENABLED or DISABLED for automated discovery
	discovered  map[key]time.Time // (account, Region) -> its latest automated discovery cycle
	findings    findingStore
	usage       map[usageKey]*usageRecord
}

// key identifies per-account, per-Region state: Regions are isolated from each other.
type key struct{ account, region string }

// New returns an empty Macie over w. pageSize caps every page of every list operation; values
// below 1 mean the service maximum of 25.
func New(w World, pageSize int) *Service {
	if pageSize < 1 {
		pageSize = maxPage
	}
	start := w.Now().UTC()
	return &Service{
		world:       w,
		pageSize:    pageSize,
		now:         func() time.Time { return w.Now().UTC() },
		newID:       randomID,
		sessions:    map[key]*session{},
		admins:      map[string]string{},
		adminTokens: map[string]string{},
		autoEnable:  map[key]bool{},
		members:     map[key]map[string]*member{},
		jobs:        map[key][]*Job{},
		jobTokens:   map[key]map[string]string{},
		publication: map[key]publication{},
		refresh:     defaultRefresh,
		nextRefresh: start,
		nextDaily:   start.Add(day),
		snapshot:    map[key][]Bucket{},
		snapshotAt:  map[key]time.Time{},
		discovery:   map[string]*discoveryConfig{},
		asddStatus:  map[key]string{},
		discovered:  map[key]time.Time{},
		findings:    newFindingStore(),
		usage:       map[usageKey]*usageRecord{},
	}
}

// call is one authenticated request as a handler sees it.
type call struct {
	account, region string
	params          map[string]string // path parameters, e.g. "id", "jobId"
	r               *http.Request
	body            []byte
}

// decode unmarshals the JSON request body into v; an empty body leaves v as it is.
func (c *call) decode(v any) error {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return validation("the request body is not valid JSON: %v", err)
	}
	return nil
}

// Operation returns the macie2 operation name that r's method and path address, or "" if none.
func Operation(r *http.Request) string {
	rt, _ := match(r.Method, r.URL.Path)
	if rt == nil {
		return ""
	}
	return rt.name
}

// Serve answers one macie2 request, already authenticated as account and signed for region.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, account, region string) {
	rt, params := match(r.Method, r.URL.Path)
	if rt == nil {
		WriteError(w, "UnknownOperationException", http.StatusNotFound,
			fmt.Sprintf("no Macie operation for %s %s", r.Method, r.URL.Path))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		WriteError(w, "ValidationException", http.StatusBadRequest, "reading the request body: "+err.Error())
		return
	}
	c := &call{account: account, region: region, params: params, r: r, body: body}
	s.mu.Lock()
	s.runDueLocked()
	out, err := rt.handle(s, c)
	s.mu.Unlock()
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, out)
}

// WriteError writes a REST-JSON error: the X-Amzn-ErrorType header names the code, which is how
// the SDKs and botocore classify it, and the body carries {"message": msg}.
func WriteError(w http.ResponseWriter, code string, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", code)
	h.Set("X-Amzn-RequestId", randomID())
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"message": msg})
	_, _ = w.Write(body)
}

// writeAPIError writes err as the Macie error it is, or as an InternalServerException.
func writeAPIError(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		WriteError(w, ae.code, ae.status, ae.msg)
		return
	}
	WriteError(w, "InternalServerException", http.StatusInternalServerError, err.Error())
}

// writeJSON writes a 200 response; a nil output becomes the empty object the model expects.
func writeJSON(w http.ResponseWriter, out any) {
	if out == nil {
		out = struct{}{}
	}
	if m, ok := out.(map[string]any); ok {
		for k, v := range m {
			if v == nil {
				delete(m, k) // absent members are omitted, not null
			}
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		WriteError(w, "InternalServerException", http.StatusInternalServerError, "encoding the response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", randomID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// randomID returns 32 lowercase hex digits, the shape of Macie job ids.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// timestamp formats t as the model's __timestampIso8601 (UTC, milliseconds).
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
