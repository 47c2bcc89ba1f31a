package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
)

const (
	mgmt    = sandbox.ExampleManagement
	admin   = sandbox.ExampleAdmin
	teamA   = sandbox.ExampleWorkloadA
	teamB   = sandbox.ExampleWorkloadB
	euWest  = "eu-west-1"
	usEast  = "us-east-1"
	central = "eu-central-1" // no Macie administrator in the example yet
)

// TestFunctionUnderTheEmulator runs the real bootstrap under the official Lambda Runtime
// Interface Emulator against the sandbox, and drives it as Lambda would: a custom resource, SQS
// batches (one with a poison message, one with throttling), the schedule, and, deployed in the
// management account, the administrator's designation.
func TestFunctionUnderTheEmulator(t *testing.T) {
	bootstrap, emulator := binaries(t)
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 11})
	sb := srv.Sandbox()
	cfnResp := newResponseURL(t)
	env := map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": admin, "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_REGION": euWest, "AWS_MAX_ATTEMPTS": "1",
		config.EnvAdminAccount: admin, lambdafn.EnvConfigParameter: config.DefaultParameter,
	}
	// The configuration as the central stack writes it; the management account is excluded (a
	// service-managed StackSet leaves it without the read role).
	sb.PutParameter(admin, euWest, config.DefaultParameter, `{"regions":"eu-west-1,us-east-1","excludedAccounts":"`+mgmt+`",
		"orgReadRoleArn":"arn:aws:iam::`+mgmt+`:role/`+sandbox.ExampleOrgReadRole+`","readRole":"`+sandbox.ExampleReadRole+`"}`)
	fn := startFunction(t, emulator, bootstrap, env)

	// 1. The administrator stack's custom resource: scan job and publication in both Regions.
	answer := cfnResp.send(t, fn, "Create", map[string]any{lambdafn.PropRole: lambdafn.RoleAdminSetup})
	if answer.Status != "SUCCESS" {
		t.Fatalf("AdminSetup answered %+v", answer)
	}
	for _, r := range []string{euWest, usEast} {
		if jobs := sb.Macie().Jobs(admin, r); len(jobs) != 1 {
			t.Errorf("%d classification jobs in %s after AdminSetup, want 1", len(jobs), r)
		}
	}

	// 2. An SQS batch: team A tags a bucket; a poison message rides along and is not retried.
	tagA := tag(t, srv, teamA, euWest, "team-a-invoices", "true")
	got := sqsInvoke(t, fn, msg{"a-tag", tagA}, msg{"poison", "this is not JSON"})
	if len(got) != 0 {
		t.Errorf("batch item failures %v, want none", got)
	}
	if st := member(sb, teamA, euWest); st != "Enabled" {
		t.Errorf("team A in %s is %q after its event, want Enabled", euWest, st)
	}

	// 3. Throttled CreateMember: exactly the message that needed it comes back.
	sb.SetFault("macie2:CreateMember", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})
	tagB := tag(t, srv, teamB, euWest, "team-b-scratch", "true")
	untagged := tag(t, srv, teamA, usEast, "team-a-us-archive", "false")
	got = sqsInvoke(t, fn, msg{"b-tag", tagB}, msg{"a-untagged", untagged}, msg{"poison", `{"Records":1}`})
	if !slices.Equal(got, []string{"b-tag"}) {
		t.Errorf("batch item failures %v, want exactly [b-tag]", got)
	}
	if st := member(sb, teamB, euWest); st != "" {
		t.Errorf("team B in %s is %q while CreateMember is throttled, want no member", euWest, st)
	}
	sb.SetFault("macie2:CreateMember", sandbox.Fault{})

	// 4. The schedule repairs what the throttled event could not do.
	var summary lambdafn.Summary
	if err := json.Unmarshal(fn.invoke(t, []byte(scheduled)), &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Units != 4 || summary.Pending != 0 || len(summary.Failures) != 0 {
		t.Errorf("schedule summary %+v, want 4 pairs, none pending or failed", summary)
	}
	for _, want := range [][3]string{{teamA, euWest, "Enabled"}, {teamB, euWest, "Enabled"}, {teamB, usEast, "Enabled"}, {teamA, usEast, ""}} {
		if st := member(sb, want[0], want[1]); st != want[2] {
			t.Errorf("after the schedule %s in %s is %q, want %q", want[0], want[1], st, want[2])
		}
	}
	checkLogs(t, fn.Output())

	// 4b. A bad new configuration is refused naming the key; the last good one stays in force.
	sb.PutParameter(admin, euWest, config.DefaultParameter, `{"regions":"eu-west-1","excludedAccounts":"12345"}`)
	answer = cfnResp.send(t, fn, "Update", map[string]any{lambdafn.PropRole: lambdafn.RoleAdminSetup})
	if answer.Status != "SUCCESS" || !strings.Contains(fn.Output(), `excludedAccounts: \"12345\" is not a 12-digit account id`) {
		t.Errorf("AdminSetup with a bad configuration answered %+v; output:\n%s", answer, fn.Output())
	}

	// 5. The management account's function designates the administrator in a new Region.
	mgmtEnv := map[string]string{"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": mgmt, "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_REGION": euWest, "AWS_MAX_ATTEMPTS": "1", lambdafn.EnvMode: lambdafn.ModeManagement}
	mgmtFn := startFunction(t, emulator, bootstrap, mgmtEnv)
	answer = cfnResp.send(t, mgmtFn, "Create", map[string]any{lambdafn.PropRole: lambdafn.RoleDelegatedAdmin,
		lambdafn.PropAdminAccount: admin, lambdafn.PropRegions: []string{central, euWest}})
	if answer.Status != "SUCCESS" || answer.Data["Designated"] != central || answer.Data["AlreadyDesignated"] != euWest {
		t.Errorf("DelegatedAdmin answered %+v", answer)
	}
	if got := sb.Macie().Admin(central); got != admin {
		t.Errorf("the Macie administrator in %s is %q, want %s", central, got, admin)
	}
}

const scheduled = `{"version":"0","id":"e2e","detail-type":"Scheduled Event","source":"aws.events",
	"account":"222222222222","time":"2026-11-02T10:00:00Z","region":"eu-west-1","resources":[],"detail":{}}`

// tag sets a bucket's macie tag through S3 as its owner and returns the event CloudTrail would
// forward.
func tag(t *testing.T, srv *sandbox.Server, owner, region, bucket, value string) string {
	t.Helper()
	client := s3.NewFromConfig(srv.Config(context.Background(), owner, region), func(o *s3.Options) { o.UsePathStyle = true })
	_, err := client.PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{Bucket: aws.String(bucket),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String(value)}}}})
	if err != nil {
		t.Fatalf("tagging %s: %v", bucket, err)
	}
	evs := srv.Sandbox().TakeEvents()
	if len(evs) != 1 {
		t.Fatalf("tagging %s recorded %d events", bucket, len(evs))
	}
	return string(evs[0])
}

type msg struct{ id, body string }

// sqsInvoke sends a batch and returns the ids of the messages handed back for a retry.
func sqsInvoke(t *testing.T, fn *function, msgs ...msg) []string {
	t.Helper()
	var ev events.SQSEvent
	for _, m := range msgs {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: m.id, Body: m.body, EventSource: "aws:sqs",
			ReceiptHandle: "rh-" + m.id, EventSourceARN: "arn:aws:sqs:eu-west-1:" + admin + ":events", AWSRegion: euWest})
	}
	payload, _ := json.Marshal(ev)
	var resp events.SQSEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &resp); err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func member(sb *sandbox.Sandbox, account, region string) string {
	for _, m := range sb.Macie().Members(admin, region) {
		if m.Account == account {
			return m.Status
		}
	}
	return ""
}

// checkLogs checks that the function logged JSON decisions and EMF metrics.
func checkLogs(t *testing.T, out string) {
	t.Helper()
	var decisions, emf int
	for line := range strings.Lines(out) {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue // the emulator's own lines
		}
		if _, ok := m["_aws"]; ok {
			emf++
		}
		if m["msg"] == "action" && m["account"] != nil && m["region"] != nil && m["dry_run"] == false {
			decisions++
		}
	}
	if decisions == 0 || emf == 0 {
		t.Errorf("function logged %d action decisions and %d EMF lines, want some of each", decisions, emf)
	}
}

// responseURL plays CloudFormation's pre-signed response URL.
type responseURL struct {
	*httptest.Server
	mu   sync.Mutex
	last lambdafn.CFNResponse
	n    int
}

func newResponseURL(t *testing.T) *responseURL {
	r := &responseURL{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.n++
		if err := json.Unmarshal(body, &r.last); err != nil || req.Method != http.MethodPut {
			t.Errorf("CloudFormation response %s %s: %v", req.Method, body, err)
		}
	}))
	t.Cleanup(r.Close)
	return r
}

// send invokes fn with a custom resource request and returns the response it PUT.
func (r *responseURL) send(t *testing.T, fn *function, requestType string, props map[string]any) lambdafn.CFNResponse {
	t.Helper()
	props["ServiceToken"] = "arn:aws:lambda:eu-west-1:" + admin + ":function:macie-selfservice"
	payload, _ := json.Marshal(map[string]any{"RequestType": requestType, "RequestId": "r-1",
		"ResponseURL": r.URL + "/response?X-Amz-Signature=x", "ResourceType": "Custom::MacieSelfService",
		"LogicalResourceId": "Macie", "StackId": "arn:aws:cloudformation:eu-west-1:" + admin + ":stack/macie/1",
		"ResourceProperties": props})
	r.mu.Lock()
	before := r.n
	r.mu.Unlock()
	fn.invoke(t, payload)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n != before+1 {
		t.Fatalf("%s request: CloudFormation received %d responses, want 1", requestType, r.n-before)
	}
	return r.last
}

// TestFunctionWithoutAGoodConfiguration starts the function before its configuration parameter
// is valid: invocations fail naming the key, and the first one after the fix succeeds.
func TestFunctionWithoutAGoodConfiguration(t *testing.T) {
	bootstrap, emulator := binaries(t)
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 12})
	sb := srv.Sandbox()
	sb.PutParameter(admin, euWest, config.DefaultParameter, `{"regions":"eu-west-1","protectedAccount":""}`)
	fn := startFunction(t, emulator, bootstrap, map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": admin, "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_REGION": euWest, "AWS_MAX_ATTEMPTS": "1",
		config.EnvAdminAccount: admin, lambdafn.EnvConfigParameter: config.DefaultParameter,
	})
	out := string(fn.invoke(t, []byte(scheduled)))
	if !strings.Contains(out, `unknown key \"protectedAccount\" (did you mean \"protectedAccounts\"?)`) {
		t.Fatalf("schedule with a bad configuration answered %s", out)
	}
	sb.PutParameter(admin, euWest, config.DefaultParameter, `{"regions":"eu-west-1","excludedAccounts":"`+mgmt+`",
		"orgReadRoleArn":"arn:aws:iam::`+mgmt+`:role/`+sandbox.ExampleOrgReadRole+`"}`)
	var summary lambdafn.Summary
	if err := json.Unmarshal(fn.invoke(t, []byte(scheduled)), &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Units != 2 || len(summary.Failures) != 0 {
		t.Errorf("schedule summary after the fix %+v, want the 2 workload accounts of eu-west-1", summary)
	}
}
