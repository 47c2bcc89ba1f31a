package awsapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// wire is a tiny HTTP stand-in for STS, Organizations and S3 GetBucketTagging. It records what
// the SDK clients built by Clients really send.
type wire struct {
	mu        sync.Mutex
	failFirst int // S3 answers 503 to this many requests first
	requests  []recorded
}

type recorded struct {
	op, path, key, owner, roleARN, session string
}

// accessKey returns the access key ID of a SigV4 Authorization header.
func accessKey(r *http.Request) string {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	return key
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	rec := recorded{path: r.URL.Path, key: accessKey(r), owner: r.Header.Get("X-Amz-Expected-Bucket-Owner")}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case form.Get("Action") == "AssumeRole":
		rec.op, rec.roleARN, rec.session = "AssumeRole", form.Get("RoleArn"), form.Get("RoleSessionName")
		account := strings.SplitN(rec.roleARN+":::::", ":", 6)[4]
		fmt.Fprintf(rw, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIA%s</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult></AssumeRoleResponse>`, account, rec.roleARN)
	case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ListAccounts"):
		rec.op = "ListAccounts"
		rw.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(rw, `{"Accounts":[{"Id":"222222222222","Email":"a@example.com","State":"ACTIVE"}]}`)
	case r.URL.Query().Has("tagging"):
		rec.op = "GetBucketTagging"
		if code, ok := map[string]string{"/bare": "NoSuchTagSet", "/gone": "NoSuchBucket"}[r.URL.Path]; ok {
			rw.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(rw, `<Error><Code>%s</Code><Message>m</Message><RequestId>r</RequestId></Error>`, code)
			break
		}
		if w.failFirst > 0 {
			w.failFirst--
			rw.WriteHeader(http.StatusServiceUnavailable)
			break
		}
		fmt.Fprint(rw, `<Tagging><TagSet><Tag><Key>macie</Key><Value>true</Value></Tag></TagSet></Tagging>`)
	case strings.HasPrefix(r.URL.Path, "/members/"):
		rec.op = "GetMember"
		codes := map[string]string{"1": "ResourceNotFoundException", "2": "ValidationException", "3": "AccessDeniedException"}
		status := map[string]int{"1": 404, "2": 400, "3": 403}
		id := strings.TrimPrefix(r.URL.Path, "/members/")
		rw.Header().Set("Content-Type", "application/json")
		if code, ok := codes[id[:1]]; ok {
			rw.Header().Set("X-Amzn-ErrorType", code)
			rw.WriteHeader(status[id[:1]])
			fmt.Fprint(rw, `{"message":"m"}`)
			break
		}
		fmt.Fprintf(rw, `{"accountId":%q,"relationshipStatus":"Paused"}`, id)
	default:
		rec.op = "unknown"
		rw.WriteHeader(http.StatusNotFound)
	}
	w.requests = append(w.requests, rec)
}

func (w *wire) ops(op string) []recorded {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []recorded
	for _, r := range w.requests {
		if r.op == op {
			out = append(out, r)
		}
	}
	return out
}

func newWire(t *testing.T, failFirst, maxAttempts int) (*wire, *Clients) {
	t.Helper()
	w := &wire{failFirst: failFirst}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIABASE", "s", "")}
	return w, NewClients(cfg, ClientOptions{Endpoint: srv.URL, MaxAttempts: maxAttempts})
}

func TestClientsCacheOneClientPerServiceAndRegion(t *testing.T) {
	c := NewClients(aws.Config{Region: "us-east-1"}, ClientOptions{})
	first := c.Macie(region)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if c.Macie(region) != first || c.S3(region) != c.S3(region) {
				t.Error("a second client was built for the same Region")
			}
		})
	}
	wg.Wait()
	if c.Macie("us-east-2") == first {
		t.Fatal("two Regions share a client")
	}
	if c.WithCredentials(aws.AnonymousCredentials{}).Macie(region) == first {
		t.Fatal("another identity shares a client")
	}
}

func TestClientsRetryServerErrorsUpToMaxAttempts(t *testing.T) {
	w, c := newWire(t, 2, 3)
	b := NewBuckets(c, BucketsOptions{})
	got, ok, err := b.Bucket(context.Background(), "100000000000", region, "bucket-a")
	if err != nil || !ok || got.Tags["macie"] != "true" {
		t.Fatalf("Bucket = %+v, %v, %v", got, ok, err)
	}
	reqs := w.ops("GetBucketTagging")
	if len(reqs) != 3 {
		t.Fatalf("attempts = %d, want 2 failures then a success", len(reqs))
	}
	if reqs[0].path != "/bucket-a" || reqs[0].owner != "100000000000" || reqs[0].key != "AKIABASE" {
		t.Fatalf("request %+v, want path-style /bucket-a, expected owner, caller's key", reqs[0])
	}

	w, c = newWire(t, 5, 2)
	_, _, err = NewBuckets(c, BucketsOptions{}).Bucket(context.Background(), "100000000000", region, "bucket-a")
	if !apierr.Retryable(err) {
		t.Fatalf("err = %v, want a retryable 503 after the attempts", err)
	}
	if n := len(w.ops("GetBucketTagging")); n != 2 {
		t.Fatalf("attempts = %d, want MaxAttempts 2", n)
	}
}

func TestBucketMapsTheSDKsS3Errors(t *testing.T) {
	_, c := newWire(t, 0, 1)
	b := NewBuckets(c, BucketsOptions{})
	got, ok, err := b.Bucket(context.Background(), "100000000000", region, "bare")
	if err != nil || !ok || got.Name != "bare" || len(got.Tags) != 0 {
		t.Fatalf("NoSuchTagSet: %+v, %v, %v; want an existing bucket without tags", got, ok, err)
	}
	if _, ok, err := b.Bucket(context.Background(), "100000000000", region, "gone"); err != nil || ok {
		t.Fatalf("NoSuchBucket: ok %v, err %v; want not found", ok, err)
	}
}

func TestMemberStatusReadsTheSDKsMacieErrors(t *testing.T) {
	_, c := newWire(t, 0, 1)
	m := NewMacie(c)
	for id, want := range map[string]plan.MemberStatus{
		"111111111111": plan.StatusNone, "222222222222": plan.StatusNone,
		"333333333333": plan.StatusNone, "444444444444": plan.StatusPaused,
	} {
		if got, err := m.MemberStatus(context.Background(), region, id); err != nil || got != want {
			t.Errorf("MemberStatus(%s) = %q, %v; want %q", id, got, err, want)
		}
	}
}

func TestBucketsSignWithTheAssumedReadRole(t *testing.T) {
	w, c := newWire(t, 0, 1)
	b := NewBuckets(c, BucketsOptions{ReadRole: "MacieRead", Self: "100000000000"})
	for range 3 {
		if _, ok, err := b.Bucket(context.Background(), "222222222222", region, "bucket-a"); err != nil || !ok {
			t.Fatalf("ok %v, err %v", ok, err)
		}
	}
	assumed := w.ops("AssumeRole")
	if len(assumed) != 1 || assumed[0].roleARN != "arn:aws:iam::222222222222:role/MacieRead" || assumed[0].session != SessionName {
		t.Fatalf("AssumeRole requests %+v, want one for the account's read role", assumed)
	}
	if assumed[0].key != "AKIABASE" {
		t.Fatalf("AssumeRole signed with %q, want the caller's key", assumed[0].key)
	}
	for _, r := range w.ops("GetBucketTagging") {
		if r.key != "ASIA222222222222" {
			t.Fatalf("GetBucketTagging signed with %q, want the role's key", r.key)
		}
	}
}

// The read role's ARN names the partition of the Region the clients work in.
func TestBucketsAssumeTheReadRoleOfTheirPartition(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-1":    "arn:aws-cn:iam::222222222222:role/MacieRead",
		"us-gov-west-1": "arn:aws-us-gov:iam::222222222222:role/MacieRead",
	} {
		w, c := newWire(t, 0, 1)
		c = NewClients(c.cfg, ClientOptions{Endpoint: c.opts.Endpoint, MaxAttempts: 1})
		c.cfg.Region = region
		b := NewBuckets(c, BucketsOptions{ReadRole: "MacieRead", Self: "100000000000"})
		if _, ok, err := b.Bucket(context.Background(), "222222222222", region, "bucket-a"); err != nil || !ok {
			t.Fatalf("%s: ok %v, err %v", region, ok, err)
		}
		if assumed := w.ops("AssumeRole"); len(assumed) != 1 || assumed[0].roleARN != want {
			t.Errorf("%s: AssumeRole requests %+v, want %s", region, assumed, want)
		}
	}
}

func TestDirectoryCallsOrganizationsWithTheOrgRole(t *testing.T) {
	w, c := newWire(t, 0, 1)
	d := NewDirectory(c, DirectoryOptions{OrgRoleARN: "arn:aws:iam::999999999999:role/OrgRead"})
	accts, err := d.Accounts(context.Background())
	if err != nil || len(accts) != 1 || accts[0].Email != "a@example.com" || !accts[0].Active() {
		t.Fatalf("Accounts = %+v, %v", accts, err)
	}
	if a := w.ops("AssumeRole"); len(a) != 1 || a[0].roleARN != "arn:aws:iam::999999999999:role/OrgRead" {
		t.Fatalf("AssumeRole requests %+v", a)
	}
	if l := w.ops("ListAccounts"); len(l) != 1 || l[0].key != "ASIA999999999999" {
		t.Fatalf("ListAccounts requests %+v, want one signed with the org role", l)
	}
}
