package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

const (
	findingsQueue = "arn:aws:sqs:eu-west-1:" + admin + ":macie-selfservice-findings"
	functionRole  = "MacieSelfServiceFunction"
)

// withFindings makes the fixture's handler route findings as the central function's role, and
// gives both workload accounts the findings topic the workload stack creates in the home Region.
func (f *fixture) withFindings(minSeverity string) {
	f.t.Helper()
	ctx := context.Background()
	for _, acct := range []string{teamA, teamB} {
		c := sns.NewFromConfig(f.srv.Config(ctx, acct, euWest))
		out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(findings.TopicName)})
		if err != nil {
			f.t.Fatal(err)
		}
		policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},`+
			`"Action":"sns:Publish","Resource":%q,"Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::%s:role/%s",`+
			`"aws:PrincipalOrgID":%q}}}]}`, admin, aws.ToString(out.TopicArn), admin, functionRole, sandbox.ExampleOrganization)
		if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: out.TopicArn,
			AttributeName: aws.String("Policy"), AttributeValue: aws.String(policy)}); err != nil {
			f.t.Fatal(err)
		}
	}
	f.sb.AddRole(admin, functionRole)
	creds, err := sts.NewFromConfig(f.srv.Config(ctx, admin, euWest)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + admin + ":role/" + functionRole), RoleSessionName: aws.String("macie-selfservice")})
	if err != nil {
		f.t.Fatal(err)
	}
	c := creds.Credentials
	roleCfg := sandbox.ClientConfig(f.srv.URL(), aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken), euWest)
	fc := config.Findings{QueueARN: findingsQueue, TopicRegion: euWest}
	cfg := testConfig()
	cfg.FindingsMinSeverity = minSeverity
	f.h.Findings = engine.NewFindings(roleCfg, cfg, fc, engine.Options{Endpoint: f.srv.URL(), MaxAttempts: 1, Logger: f.h.Logger})
	f.h.FindingsQueueARN = findingsQueue
}

// findingEvent is a sensitive data finding as Macie publishes it on the administrator's bus
// (findings-publish-event-schemas); owner is resourcesAffected.s3Bucket.owner.id.
func findingEvent(eventAccount, account, region, bucket, key, id, updatedAt, severity string) string {
	ev := map[string]any{"version": "0", "id": "ev-" + id + updatedAt, "detail-type": "Macie Finding", "source": "aws.macie",
		"account": eventAccount, "time": updatedAt, "region": region, "resources": []string{},
		"detail": map[string]any{"schemaVersion": "1.0", "id": id, "accountId": account, "partition": "aws", "region": region,
			"type": "SensitiveData:S3Object/Personal", "category": "CLASSIFICATION", "count": 1,
			"createdAt": "2026-11-30T09:00:00.000Z", "updatedAt": updatedAt,
			"severity": map[string]any{"score": 2, "description": severity},
			"resourcesAffected": map[string]any{
				"s3Bucket": map[string]any{"name": bucket, "arn": "arn:aws:s3:::" + bucket,
					"owner": map[string]any{"displayName": "owner", "id": strings.Repeat("7c", 32)}},
				"s3Object": map[string]any{"bucketArn": "arn:aws:s3:::" + bucket, "key": key, "path": bucket + "/" + key}}}}
	b, _ := json.Marshal(ev)
	return string(b)
}

// findingsBatch builds an SQS batch from the findings queue.
func findingsBatch(msgs ...message) json.RawMessage {
	var recs []map[string]any
	for _, m := range msgs {
		recs = append(recs, map[string]any{"messageId": m.id, "receiptHandle": "rh-" + m.id, "body": m.body,
			"eventSource": "aws:sqs", "eventSourceARN": findingsQueue, "awsRegion": euWest})
	}
	data, _ := json.Marshal(map[string]any{"Records": recs})
	return data
}

// published counts the messages on each topic by finding id and update.
func published(sb *sandbox.Sandbox) map[string][]string {
	out := map[string][]string{}
	for _, m := range sb.Published() {
		var b struct{ FindingID, UpdatedAt string }
		_ = json.Unmarshal([]byte(m.Message), &b)
		out[m.TopicARN] = append(out[m.TopicARN], b.FindingID+"@"+b.UpdatedAt)
	}
	return out
}

func topicOf(account string) string { return findings.TopicARN("aws", euWest, account) }

func TestFindingsReachTheOwningTeamOnlyOnce(t *testing.T) {
	f := newFixture(t, testConfig())
	f.withFindings("LOW")
	a1 := findingEvent(admin, teamA, euWest, "team-a-customer-exports", "exports/customers.csv", "fa1", "2026-11-30T09:00:00.000Z", "High")
	a1Update := findingEvent(admin, teamA, euWest, "team-a-customer-exports", "exports/customers.csv", "fa1", "2026-11-30T10:00:00.000Z", "High")
	a2 := findingEvent(admin, teamA, euWest, "team-a-invoices", "2026/11.pdf", "fa2", "2026-11-30T09:00:00.000Z", "Low")
	b1 := findingEvent(admin, teamB, usEast, "team-b-reports", "q3.xlsx", "fb1", "2026-11-30T09:00:00.000Z", "Medium")
	forged := []string{
		findingEvent(admin, "999999999999", euWest, "team-a-customer-exports", "x", "fx1", "2026-11-30T09:00:00.000Z", "High"),
		findingEvent(admin, teamA, usEast, "team-b-reports", "q3.xlsx", "fx2", "2026-11-30T09:00:00.000Z", "High"),
		findingEvent(teamB, teamA, euWest, "team-a-customer-exports", "x", "fx3", "2026-11-30T09:00:00.000Z", "High"),
	}
	// EventBridge and SQS deliver at least once: a1 and b1 twice in the batch, a1 again later.
	first := []message{{"m1", a1}, {"m2", a2}, {"m3", b1}, {"m4", a1}, {"m5", b1}}
	for i, body := range forged {
		first = append(first, message{fmt.Sprintf("forged-%d", i), body})
	}
	resp := f.handle(findingsBatch(first...))
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("batch failures %v, want none", resp.BatchItemFailures)
	}
	resp = f.handle(findingsBatch(message{"m6", a1}, message{"m7", a1Update}))
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("batch failures %v, want none", resp.BatchItemFailures)
	}
	got := published(f.sb)
	want := map[string][]string{
		topicOf(teamA): {"fa1@2026-11-30T09:00:00.000Z", "fa2@2026-11-30T09:00:00.000Z", "fa1@2026-11-30T10:00:00.000Z"},
		topicOf(teamB): {"fb1@2026-11-30T09:00:00.000Z"},
	}
	if len(got) != len(want) {
		t.Fatalf("published to %d topics, want 2: %v", len(got), got)
	}
	for topic, ids := range want {
		if !slices.Equal(got[topic], ids) {
			t.Errorf("%s got %v, want %v", topic, got[topic], ids)
		}
	}
	for _, m := range f.sb.Published() {
		if m.Publisher != admin || m.Region != euWest || m.Attributes["severity"] == "" || m.Attributes["bucket"] == "" {
			t.Errorf("message %+v: want published by the administrator, in the home Region, with attributes", m)
		}
	}
	refused := 0
	for _, l := range jsonLines(t, f.out) {
		if l["msg"] == "finding" && l["outcome"] == "refused" {
			refused++
		}
	}
	if refused != len(forged) {
		t.Errorf("%d refusals logged, want %d", refused, len(forged))
	}
	if v, _ := f.metric("Trigger", TriggerFindings, "FindingsRefused"); v != float64(len(forged)) {
		t.Errorf("FindingsRefused of the first batch = %v, want %d", v, len(forged))
	}
	if v, _ := f.metric("Trigger", TriggerFindings, "FindingsPublished"); v != 3 {
		t.Errorf("FindingsPublished of the first batch = %v, want 3", v)
	}
}

func TestFindingsOfASilencedBucketAndBelowTheMinimumAreNotPublished(t *testing.T) {
	f := newFixture(t, testConfig())
	f.withFindings("MEDIUM")
	f.tag(teamA, euWest, "team-a-invoices", map[string]string{findings.SilenceKey: findings.SilenceValue})
	resp := f.handle(findingsBatch(
		message{"m1", findingEvent(admin, teamA, euWest, "team-a-invoices", "k", "f1", "2026-11-30T09:00:00.000Z", "High")},
		message{"m2", findingEvent(admin, teamA, euWest, "team-a-customer-exports", "k", "f2", "2026-11-30T09:00:00.000Z", "Low")},
		message{"m3", findingEvent(admin, teamA, euWest, "team-a-customer-exports", "k", "f3", "2026-11-30T09:00:00.000Z", "Medium")},
	))
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("batch failures %v", resp.BatchItemFailures)
	}
	if got := published(f.sb)[topicOf(teamA)]; !slices.Equal(got, []string{"f3@2026-11-30T09:00:00.000Z"}) {
		t.Errorf("published %v, want only f3", got)
	}
}

func TestFindingsThrottledArePublishedOnTheRetry(t *testing.T) {
	f := newFixture(t, testConfig())
	f.withFindings("")
	body := findingEvent(admin, teamA, euWest, "team-a-customer-exports", "k", "f1", "2026-11-30T09:00:00.000Z", "High")
	f.sb.SetFault("sns:Publish", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})
	resp := f.handle(findingsBatch(message{"m1", body}))
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
		t.Fatalf("batch failures %v, want m1", resp.BatchItemFailures)
	}
	f.sb.SetFault("sns:Publish", sandbox.Fault{})
	if resp := f.handle(findingsBatch(message{"m1", body})); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("retry: batch failures %v", resp.BatchItemFailures)
	}
	if got := published(f.sb)[topicOf(teamA)]; len(got) != 1 {
		t.Errorf("published %v, want one message", got)
	}
}

func TestS3BatchesStillGoToTheEngine(t *testing.T) {
	f := newFixture(t, testConfig())
	f.withFindings("")
	ev := f.tag(teamB, usEast, "team-b-reports", map[string]string{"macie": "true"})
	if resp := f.handle(batch(message{"m1", string(ev)})); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("batch failures %v", resp.BatchItemFailures)
	}
	if got := f.memberStatus(teamB, usEast); got != "Enabled" {
		t.Errorf("member status %q, want Enabled: the S3 event went to the engine", got)
	}
	if len(f.sb.Published()) != 0 {
		t.Error("an S3 batch published findings")
	}
}

// handle invokes the handler with an SQS batch and returns its answer.
func (f *fixture) handle(payload json.RawMessage) events.SQSEventResponse {
	f.t.Helper()
	out, err := f.h.Handle(context.Background(), payload)
	if err != nil {
		f.t.Fatal(err)
	}
	resp, ok := out.(events.SQSEventResponse)
	if !ok {
		f.t.Fatalf("answer %T, want an SQS batch response", out)
	}
	return resp
}
