package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
)

// TestFindingsUnderTheEmulator sends the real bootstrap, configured with a findings queue, a batch
// from that queue: the finding reaches its bucket's account's topic, a forged one does not.
func TestFindingsUnderTheEmulator(t *testing.T) {
	bootstrap, emulator := binaries(t)
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 13})
	sb := srv.Sandbox()
	queue := "arn:aws:sqs:eu-west-1:" + admin + ":findings"
	topic := findings.TopicARN("aws", euWest, teamA)
	// The function runs as the administrator's root here, so the topic trusts that principal.
	policy := fmt.Sprintf(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sns:Publish","Resource":%q}]}`, admin, topic)
	c := sns.NewFromConfig(srv.Config(context.Background(), teamA, euWest))
	if _, err := c.CreateTopic(context.Background(), &sns.CreateTopicInput{Name: aws.String(findings.TopicName),
		Attributes: map[string]string{"Policy": policy}}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": admin, "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_REGION": euWest, "AWS_MAX_ATTEMPTS": "1",
		config.EnvAdminAccount: admin, config.EnvRegions: euWest + "," + usEast, config.EnvExcluded: mgmt,
		config.EnvOrgRoleARN:       "arn:aws:iam::" + mgmt + ":role/" + sandbox.ExampleOrgReadRole,
		config.EnvReadRole:         sandbox.ExampleReadRole,
		config.EnvFindingsQueueARN: queue, config.EnvFindingsTopicRegion: euWest,
	}
	fn := startFunction(t, emulator, bootstrap, env)
	event := func(account, bucket string) string {
		return fmt.Sprintf(`{"version":"0","id":"e","detail-type":"Macie Finding","source":"aws.macie","account":%q,`+
			`"region":"eu-west-1","time":"2026-11-30T09:00:00Z","resources":[],"detail":{"id":"f-%s","accountId":%q,`+
			`"region":"eu-west-1","partition":"aws","type":"SensitiveData:S3Object/Personal","category":"CLASSIFICATION",`+
			`"count":1,"updatedAt":"2026-11-30T09:00:00.000Z","severity":{"score":1,"description":"Low"},`+
			`"resourcesAffected":{"s3Bucket":{"name":%q,"owner":{"id":"c"}},"s3Object":{"key":"k.csv"}}}}`,
			admin, bucket, account, bucket)
	}
	var ev events.SQSEvent
	for id, body := range map[string]string{"real": event(teamA, "team-a-customer-exports"), "forged": event(teamA, "team-b-reports")} {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: id, Body: body, EventSource: "aws:sqs",
			ReceiptHandle: "rh-" + id, EventSourceARN: queue, AWSRegion: euWest})
	}
	payload, _ := json.Marshal(ev)
	var resp events.SQSEventResponse
	if err := json.Unmarshal(fn.invoke(t, payload), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 0 {
		t.Errorf("batch item failures %v, want none", resp.BatchItemFailures)
	}
	got := sb.Published()
	if len(got) != 1 || got[0].TopicARN != topic || got[0].Attributes[findings.AttrBucket] != "team-a-customer-exports" {
		t.Errorf("published %+v, want only the real finding, on team A's topic", got)
	}
}
