package awsapi

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/macieselfservice/macie-selfservice/internal/findings"
)

// Topics publishes findings to SNS topics of other accounts, with the caller's own identity (the
// topics' policies let the central function's role publish). It implements findings.Publisher.
type Topics struct {
	sns func(region string) SNSAPI
}

// NewTopics returns the publisher; the SNS client of each topic's Region comes from c.
func NewTopics(c *Clients) *Topics { return &Topics{sns: c.SNS} }

// Publish sends m to the topic with SNS Publish in the topic's Region: the subject, the JSON body
// and every attribute as a String message attribute.
func (t *Topics) Publish(ctx context.Context, topicARN string, m findings.Message) (string, error) {
	a, err := arn.Parse(topicARN)
	if err != nil || a.Service != "sns" || a.Region == "" {
		return "", fmt.Errorf("publishing to %q: not an SNS topic ARN", topicARN)
	}
	attrs := make(map[string]snstypes.MessageAttributeValue, len(m.Attributes))
	for _, k := range slices.Sorted(maps.Keys(m.Attributes)) {
		attrs[k] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Attributes[k])}
	}
	out, err := t.sns(a.Region).Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(topicARN), Subject: aws.String(m.Subject), Message: aws.String(m.Body),
		MessageAttributes: attrs,
	})
	if err != nil {
		return "", fmt.Errorf("publishing to %s: %w", topicARN, err)
	}
	return aws.ToString(out.MessageId), nil
}
