package sandbox

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func snsClient(srv *Server, account, region string) *sns.Client {
	return sns.NewFromConfig(cfg(srv, account, region))
}

// centralOnlyPolicy lets only the administrator's function role, from inside the organization,
// publish: the policy the workload stack gives the findings topic.
func centralOnlyPolicy(topic string) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "CentralFunctionOnly", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + admin + ":root"},
		"Action": "sns:Publish", "Resource": topic,
		"Condition": map[string]any{"StringEquals": map[string]any{
			"aws:PrincipalArn":   "arn:aws:iam::" + admin + ":role/MacieSelfServiceFunction",
			"aws:PrincipalOrgID": "o-abcdefghij",
		}},
	}}})
	return string(b)
}

func publishIn(t *testing.T, c *sns.Client, topic string) error {
	t.Helper()
	_, err := c.Publish(context.Background(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"a":1}`),
		Subject: aws.String("Macie High: a finding"), MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"severity": {DataType: aws.String("String"), StringValue: aws.String("High")}}})
	return err
}

func TestSNSTopicPolicyDecidesWhoOfAnotherAccountMayPublish(t *testing.T) {
	t.Parallel()
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	owner := snsClient(srv, wlA, "eu-west-1")
	out, err := owner.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("MacieSelfServiceFindings"),
		Attributes: map[string]string{"KmsMasterKeyId": "alias/findings"}})
	if err != nil {
		t.Fatal(err)
	}
	topic := aws.ToString(out.TopicArn)
	if topic != "arn:aws:sns:eu-west-1:"+wlA+":MacieSelfServiceFindings" {
		t.Fatalf("topic ARN %s", topic)
	}
	// Without a policy, only the owner may publish.
	if err := publishIn(t, snsClient(srv, admin, "eu-west-1"), topic); err == nil {
		t.Fatal("another account published to a topic without a policy")
	} else {
		wantCode(t, err, "AuthorizationError")
	}
	if _, err := owner.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(topic),
		AttributeName: aws.String("Policy"), AttributeValue: aws.String(centralOnlyPolicy(topic))}); err != nil {
		t.Fatal(err)
	}
	sb.AddRole(admin, "MacieSelfServiceFunction")
	sb.AddRole(admin, "SomeOtherRole")
	asRole := func(role string) *sns.Client {
		c := cfg(srv, admin, "eu-west-1")
		c.Credentials = assumed(t, srv, admin, role)
		return sns.NewFromConfig(c)
	}
	if err := publishIn(t, asRole("MacieSelfServiceFunction"), topic); err != nil {
		t.Fatalf("the central function's role may publish: %v", err)
	}
	for name, c := range map[string]*sns.Client{"another role": asRole("SomeOtherRole"),
		"the administrator's root": snsClient(srv, admin, "eu-west-1"), "team B": snsClient(srv, wlB, "eu-west-1")} {
		err := publishIn(t, c, topic)
		if err == nil {
			t.Fatalf("%s published", name)
		}
		wantCode(t, err, "AuthorizationError")
	}
	if err := publishIn(t, owner, topic); err != nil {
		t.Fatalf("the owner may publish: %v", err)
	}
	got := sb.Published()
	if len(got) != 2 || got[0].Publisher != admin || got[0].Account != wlA || got[0].Attributes["severity"] != "High" ||
		got[0].Subject != "Macie High: a finding" || got[0].MessageID == "" {
		t.Fatalf("published: %+v", got)
	}
}

// assumed returns credentials of a role assumed through the sandbox's STS.
func assumed(t *testing.T, srv *Server, account, role string) aws.CredentialsProvider {
	t.Helper()
	out, err := stsClient(srv, account).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + role), RoleSessionName: aws.String("test")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
			SessionToken: aws.ToString(c.SessionToken)}, nil
	})
}

func TestSNSPublishChecksTopicRegionAndInput(t *testing.T) {
	t.Parallel()
	_, srv := testSandbox(t, 0)
	ctx := context.Background()
	c := snsClient(srv, wlA, "eu-west-1")
	out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	topic := aws.ToString(out.TopicArn)
	err = publishIn(t, c, "arn:aws:sns:eu-west-1:"+wlA+":missing")
	wantCode(t, err, "NotFound")
	wantStatus(t, err, 404)
	wantCode(t, publishIn(t, snsClient(srv, wlA, "us-east-1"), topic), "InvalidParameter")
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String("a\nb")})
	wantCode(t, err, "InvalidParameter")
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("")}}})
	wantCode(t, err, "ParameterValueInvalid")
	_, err = c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("no spaces")})
	wantCode(t, err, "InvalidParameter")
}

func TestSNSListTopicsSubscribeAndAttributes(t *testing.T) {
	t.Parallel()
	_, srv := testSandbox(t, 2)
	ctx := context.Background()
	c := snsClient(srv, wlA, "eu-west-1")
	for _, n := range []string{"c", "a", "b"} {
		if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := snsClient(srv, wlB, "eu-west-1").CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	pages := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range page.Topics {
			arns = append(arns, strings.TrimPrefix(aws.ToString(tp.TopicArn), "arn:aws:sns:eu-west-1:"+wlA+":"))
		}
	}
	if !slices.Equal(arns, []string{"a", "b", "c"}) {
		t.Fatalf("ListTopics (2 a page): %v", arns)
	}
	topic := "arn:aws:sns:eu-west-1:" + wlA + ":a"
	sub, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("email"),
		Endpoint: aws.String("team-a@example.com"), Attributes: map[string]string{"FilterPolicy": `{"severity":["High"]}`}})
	if err != nil || aws.ToString(sub.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("Subscribe email: %v, %v", sub, err)
	}
	sub, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:eu-west-1:" + wlA + ":team-a")})
	if err != nil || !strings.HasPrefix(aws.ToString(sub.SubscriptionArn), topic+":") {
		t.Fatalf("Subscribe sqs: %v, %v", sub, err)
	}
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("carrier-pigeon")})
	wantCode(t, err, "InvalidParameter")
	attrs, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	a := attrs.Attributes
	if a["Owner"] != wlA || a["SubscriptionsPending"] != "1" || a["SubscriptionsConfirmed"] != "1" || !strings.Contains(a["Policy"], "AWS:SourceOwner") {
		t.Fatalf("attributes: %v", a)
	}
	_, err = snsClient(srv, wlB, "eu-west-1").GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	wantCode(t, err, "AuthorizationError")
}

func TestAWSCLISNS(t *testing.T) {
	t.Parallel()
	sb, srv := testSandbox(t, 0)
	cli := newAWSCLI(t, srv.URL())
	out := cli.ok(wlA, "eu-west-1", "sns", "create-topic", "--name", "MacieSelfServiceFindings")
	topic, _ := out["TopicArn"].(string)
	if topic != "arn:aws:sns:eu-west-1:"+wlA+":MacieSelfServiceFindings" {
		t.Fatalf("create-topic: %v", out)
	}
	cli.ok(wlA, "eu-west-1", "sns", "set-topic-attributes", "--topic-arn", topic,
		"--attribute-name", "Policy", "--attribute-value", centralOnlyPolicy(topic))
	out = cli.ok(wlA, "eu-west-1", "sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
		"--notification-endpoint", "team-a@example.com", "--attributes", `{"FilterPolicy":"{\"severity\":[\"High\"]}"}`)
	if out["SubscriptionArn"] != "pending confirmation" {
		t.Fatalf("subscribe: %v", out)
	}
	out = cli.ok(wlA, "eu-west-1", "sns", "publish", "--topic-arn", topic, "--subject", "Macie High: x",
		"--message", `{"bucket":"b"}`, "--message-attributes", `{"severity":{"DataType":"String","StringValue":"High"}}`)
	if id, _ := out["MessageId"].(string); id == "" {
		t.Fatalf("publish: %v", out)
	}
	cli.fails("AuthorizationError", wlB, "eu-west-1", "sns", "publish", "--topic-arn", topic, "--message", "x")
	cli.fails("NotFound", wlA, "eu-west-1", "sns", "publish", "--topic-arn", topic+"-gone", "--message", "x")
	out = cli.ok(wlA, "eu-west-1", "sns", "list-topics")
	if got := names(out["Topics"], "TopicArn"); !slices.Equal(got, []string{topic}) {
		t.Fatalf("list-topics: %v", out)
	}
	out = cli.ok(wlA, "eu-west-1", "sns", "get-topic-attributes", "--topic-arn", topic)
	if a, _ := out["Attributes"].(map[string]any); a["Owner"] != wlA || !strings.Contains(a["Policy"].(string), "MacieSelfServiceFunction") {
		t.Fatalf("get-topic-attributes: %v", out)
	}
	if got := sb.Published(); len(got) != 1 || got[0].Attributes["severity"] != "High" || got[0].Message != `{"bucket":"b"}` {
		t.Fatalf("published: %+v", got)
	}
}
