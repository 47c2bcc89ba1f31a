package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

// The example organization of the sandbox.
const (
	mgmt   = sandbox.ExampleManagement
	admin  = sandbox.ExampleAdmin
	teamA  = sandbox.ExampleWorkloadA
	teamB  = sandbox.ExampleWorkloadB
	euWest = "eu-west-1"
	usEast = "us-east-1"
	// euCentral is a Region where the example has no Macie administrator.
	euCentral = "eu-central-1"
)

// jsonLines returns every JSON line written to b so far, decoded.
func jsonLines(t *testing.T, b *testkit.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("output line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// fixture is the example organization in a sandbox on loopback, and a handler whose engine
// works in it as the Macie administrator.
type fixture struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	srv *sandbox.Server
	h   *Handler
	out *testkit.Buffer
}

// testConfig is the engine configuration for the example organization.
func testConfig() config.Config {
	return config.Config{
		AdminAccount: admin, Regions: []string{euWest, usEast},
		Policy:   tagpolicy.Policy{Key: tagpolicy.DefaultKey, Value: tagpolicy.DefaultValue},
		ReadRole: sandbox.ExampleReadRole, OrgRoleARN: "arn:aws:iam::" + mgmt + ":role/" + sandbox.ExampleOrgReadRole,
		SamplingPercentage: config.DefaultSampling, Concurrency: 4,
		// A service-managed StackSet never deploys to the management account, so it has no read
		// role: a deployment excludes it.
		ExcludedAccounts: []string{mgmt},
	}
}

// newFixture starts the sandbox with the example organization, whose Macie administrator is
// designated in both example Regions.
func newFixture(t *testing.T, cfg config.Config) *fixture {
	t.Helper()
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 7})
	sb := srv.Sandbox()
	out := &testkit.Buffer{}
	logger := slog.New(slog.NewJSONHandler(out, nil))
	ctx := context.Background()
	eng := engine.New(srv.Config(ctx, cfg.AdminAccount, euWest), cfg, engine.Options{Endpoint: srv.URL(),
		MaxAttempts: 1, Logger: logger})
	mgmtClients := awsapi.NewClients(srv.Config(ctx, mgmt, euWest), awsapi.ClientOptions{Endpoint: srv.URL(), MaxAttempts: 1})
	h := &Handler{Engine: eng, Logger: logger, Metrics: NewMetrics(out), DryRun: cfg.DryRun,
		OrgAdmin: func(region string) OrgAdminAPI { return mgmtClients.Macie(region) }}
	return &fixture{t: t, sb: sb, srv: srv, h: h, out: out}
}

// tag replaces a bucket's tags through S3 as its owner and returns the EventBridge event the
// sandbox recorded for it.
func (f *fixture) tag(owner, region, bucket string, tags map[string]string) json.RawMessage {
	f.t.Helper()
	client := s3.NewFromConfig(f.srv.Config(context.Background(), owner, region), func(o *s3.Options) { o.UsePathStyle = true })
	var set []s3types.Tag
	for _, k := range slicesSorted(tags) {
		set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	_, err := client.PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{
		Bucket: aws.String(bucket), Tagging: &s3types.Tagging{TagSet: set}})
	if err != nil {
		f.t.Fatalf("tagging %s: %v", bucket, err)
	}
	evs := f.sb.TakeEvents()
	if len(evs) != 1 {
		f.t.Fatalf("tagging %s recorded %d events, want 1", bucket, len(evs))
	}
	return evs[0]
}

func slicesSorted(m map[string]string) []string { return sortedKeys(m) }

// message is one SQS message of a test batch.
type message struct {
	id   string
	body string
}

// batch builds an SQS event as Lambda delivers it.
func batch(msgs ...message) json.RawMessage { return batchReceived(1, msgs...) }

// batchReceived is an SQS batch whose records were received that many times.
func batchReceived(receives int, msgs ...message) json.RawMessage {
	type record struct {
		MessageID      string            `json:"messageId"`
		ReceiptHandle  string            `json:"receiptHandle"`
		Body           string            `json:"body"`
		Attributes     map[string]string `json:"attributes"`
		EventSource    string            `json:"eventSource"`
		EventSourceARN string            `json:"eventSourceARN"`
		AWSRegion      string            `json:"awsRegion"`
	}
	var recs []record
	for _, m := range msgs {
		recs = append(recs, record{MessageID: m.id, ReceiptHandle: "rh-" + m.id, Body: m.body,
			Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(receives)}, EventSource: "aws:sqs",
			EventSourceARN: "arn:aws:sqs:eu-west-1:" + admin + ":macie-selfservice-events", AWSRegion: euWest})
	}
	data, _ := json.Marshal(map[string]any{"Records": recs})
	return data
}

// memberStatus returns an account's relationship status under the administrator, or "".
func (f *fixture) memberStatus(account, region string) string {
	for _, m := range f.sb.Macie().Members(admin, region) {
		if m.Account == account {
			return m.Status
		}
	}
	return ""
}

// metricLines returns the EMF lines written so far.
func (f *fixture) metricLines() []map[string]any {
	var out []map[string]any
	for _, l := range jsonLines(f.t, f.out) {
		if _, ok := l["_aws"]; ok {
			out = append(out, l)
		}
	}
	return out
}

// metric returns the value of a metric in the EMF line with the given dimension value.
func (f *fixture) metric(dim, value, name string) (float64, bool) {
	for _, l := range f.metricLines() {
		if l[dim] == value {
			v, ok := l[name].(float64)
			return v, ok
		}
	}
	return 0, false
}

// cfnServer plays the pre-signed ResponseURL: it records every PUT body.
type cfnServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []CFNResponse
	raw    []map[string]any
	status int
}

func newCFNServer(t *testing.T) *cfnServer {
	s := &cfnServer{status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Method != http.MethodPut || r.Header.Get("Content-Type") != "" {
			t.Errorf("response sent as %s with Content-Type %q, want a PUT without", r.Method, r.Header.Get("Content-Type"))
		}
		var resp CFNResponse
		var raw map[string]any
		if err := json.Unmarshal(data, &resp); err != nil || json.Unmarshal(data, &raw) != nil {
			t.Errorf("response body is not JSON: %s", data)
		}
		s.bodies, s.raw = append(s.bodies, resp), append(s.raw, raw)
		w.WriteHeader(s.status)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cfnServer) responses() []CFNResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CFNResponse(nil), s.bodies...)
}

// cfnRequest builds a custom resource request.
func (s *cfnServer) request(requestType, physicalID string, props map[string]any) json.RawMessage {
	props = maps.Clone(props)
	props["ServiceToken"] = "arn:aws:lambda:eu-west-1:" + admin + ":function:macie-selfservice"
	ev := map[string]any{
		"RequestType": requestType, "RequestId": "req-" + strings.ToLower(requestType),
		"ResponseURL":  s.URL + "/cloudformation-custom-resource-response?X-Amz-Signature=x",
		"ResourceType": "Custom::MacieSelfService", "LogicalResourceId": "MacieSetup",
		"StackId":            "arn:aws:cloudformation:eu-west-1:" + admin + ":stack/macie/1234",
		"ResourceProperties": props,
	}
	if physicalID != "" {
		ev["PhysicalResourceId"] = physicalID
	}
	data, _ := json.Marshal(ev)
	return data
}
