package macie

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// Accounts of the test organization.
const (
	mgmt     = "111111111111"
	admin    = "222222222222"
	wl1      = "333333333333"
	wl2      = "444444444444"
	wl3      = "555555555555"
	outsider = "999999999999"
	region   = "eu-west-1"
	region2  = "us-east-1"
)

// fakeWorld is a small organization with buckets, their object groups, a virtual clock, the
// analyses Macie reports and the events it publishes.
type fakeWorld struct {
	mu       sync.Mutex
	emails   map[string]string
	buckets  map[key][]Bucket
	objects  map[string][]ObjectGroup // bucket -> groups
	analyses []Analysis
	events   [][]byte
	clock    *vclock.Clock
	seq      int64
}

// start is when every test's virtual clock starts.
var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func newWorld() *fakeWorld {
	return &fakeWorld{
		emails: map[string]string{
			mgmt: "mgmt@example.com", admin: "admin@example.com", wl1: "wl1@example.com",
			wl2: "wl2@example.com", wl3: "wl3@example.com",
		},
		buckets: map[key][]Bucket{},
		objects: map[string][]ObjectGroup{},
		clock:   vclock.New(start),
	}
}

func (w *fakeWorld) Now() time.Time { return w.clock.Now() }

func (w *fakeWorld) Objects(_, bucket string) []ObjectGroup {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]ObjectGroup(nil), w.objects[bucket]...)
}

func (w *fakeWorld) ObjectSeq() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seq
}

func (w *fakeWorld) Analysed(a Analysis) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.analyses = append(w.analyses, a)
	for i := range w.objects[a.Bucket] {
		if g := &w.objects[a.Bucket][i]; g.ID == a.Group {
			g.Analysed = min(g.Count, g.Analysed+a.Fresh)
		}
	}
}

func (w *fakeWorld) Publish(event []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, event)
}

// putObjects adds a group of objects to a bucket, last modified now, and returns its id.
func (w *fakeWorld) putObjects(bucket string, count, size, sensitive int64, typ string) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := int64(len(w.objects[bucket]) + 1)
	w.seq++
	w.objects[bucket] = append(w.objects[bucket], ObjectGroup{ID: id, Seq: w.seq, Count: count, SizeBytes: size,
		Sensitive: sensitive, SensitiveType: typ, LastModified: w.clock.Now()})
	return id
}

// analysed sums the analyses of a bucket: every object analysis, and the first-time ones.
func (w *fakeWorld) analysed(bucket string) (objects, fresh int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range w.analyses {
		if a.Bucket == bucket {
			objects += a.Objects
			fresh += a.Fresh
		}
	}
	return objects, fresh
}

func (w *fakeWorld) OrgAccount(id string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.emails[id]
	return e, ok
}

func (w *fakeWorld) Management() string { return mgmt }

func (w *fakeWorld) Buckets(account, region string) []Bucket {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append([]Bucket(nil), w.buckets[key{account, region}]...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// addBucket adds a bucket with tags (pairs of key, value).
func (w *fakeWorld) addBucket(account, region, name string, size int64, tags ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := map[string]string{}
	for i := 0; i+1 < len(tags); i += 2 {
		t[tags[i]] = tags[i+1]
	}
	w.buckets[key{account, region}] = append(w.buckets[key{account, region}],
		Bucket{Name: name, Tags: t, SizeBytes: size, ObjectCount: size / 100})
}

// harness is a Service behind an httptest server with a test-only SigV4 router.
type harness struct {
	svc   *Service
	world *fakeWorld
	url   string

	mu  sync.Mutex
	ops map[string]int // operations seen, as Operation names them
}

func (h *harness) record(op string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops[op]++
}

// credential extracts the access key id (the account) and the Region of a SigV4 Authorization.
var credential = regexp.MustCompile(`Credential=([^/]+)/[0-9]{8}/([^/]+)/macie2/aws4_request`)

func newHarness(t *testing.T, pageSize int) *harness {
	t.Helper()
	h := &harness{world: newWorld(), ops: map[string]int{}}
	h.svc = New(h.world, pageSize)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := credential.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil {
			WriteError(w, "UnrecognizedClientException", http.StatusForbidden, "missing SigV4 credential")
			return
		}
		if op := Operation(r); op != "" {
			h.record(op)
		}
		h.svc.Serve(w, r, m[1], m[2])
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// client returns a macie2 client signing as account in region.
func (h *harness) client(account, region string) *macie2.Client {
	return macie2.New(macie2.Options{
		Region:           region,
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(account, "x", ""),
		RetryMaxAttempts: 1,
	})
}

// ctx returns a context bounded by the test.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantCode fails unless err is a smithy.APIError with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// designate makes admin the Macie administrator in region through the API.
func (h *harness) designate(t *testing.T, region string) {
	t.Helper()
	_, err := h.client(mgmt, region).EnableOrganizationAdminAccount(ctx(t),
		&macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(admin)})
	must(t, err)
}

// raw sends an unsigned request carrying only the SigV4 credential scope, as account in region,
// and returns the X-Amzn-ErrorType of the answer ("" on success). It checks that errors carry a
// message and the model's status for the code.
func (h *harness) raw(t *testing.T, account, method, path, body string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, h.url+path, strings.NewReader(body))
	must(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+account+"/20240101/"+region+"/macie2/aws4_request")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	var out struct {
		Message string `json:"message"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&out))
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d without an error type", resp.StatusCode)
		}
		return ""
	}
	if out.Message == "" {
		t.Fatalf("%s without a message", code)
	}
	if want, ok := statusOf[code]; ok && resp.StatusCode != want {
		t.Fatalf("%s with status %d, want %d", code, resp.StatusCode, want)
	}
	return code
}

// statusOf is the HTTP status the macie2 model gives each error.
var statusOf = map[string]int{
	"ValidationException": 400, "ServiceQuotaExceededException": 402, "AccessDeniedException": 403,
	"ResourceNotFoundException": 404, "ConflictException": 409, "ThrottlingException": 429,
	"InternalServerException": 500,
}

// advance moves the virtual clock by d and runs what falls due.
func (h *harness) advance(d time.Duration) {
	h.world.clock.Advance(d)
	h.svc.RunDue()
}

// searchAll returns every bucket SearchResources lists for c.
func searchAll(t *testing.T, c *macie2.Client) []types.MatchingBucket {
	t.Helper()
	var out []types.MatchingBucket
	p := macie2.NewSearchResourcesPaginator(c, &macie2.SearchResourcesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		must(t, err)
		for _, r := range page.MatchingResources {
			out = append(out, *r.MatchingBucket)
		}
	}
	return out
}
