package awsapi

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQS returns the SQS client of a Region. A non-empty endpoint (a local SQS) overrides
// ClientOptions.Endpoint.
func (c *Clients) SQS(region, endpoint string) SQSAPI {
	return cached(c, clientKey{"sqs", region + " " + endpoint}, func() *sqs.Client {
		return sqs.NewFromConfig(c.cfg, func(o *sqs.Options) {
			o.Region = region
			c.setEndpoint(&o.BaseEndpoint)
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		})
	})
}

// QueueDepth returns how many messages wait in a queue (ApproximateNumberOfMessages, an
// approximation by SQS's own account), called as Queue says.
func QueueDepth(ctx context.Context, c *Clients, queueURL, fallbackRegion string) (int, error) {
	api, err := Queue(c, queueURL, fallbackRegion)
	if err != nil {
		return 0, err
	}
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(queueURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages},
	})
	if err != nil {
		return 0, fmt.Errorf("reading the depth of queue %s: %w", queueURL, err)
	}
	v := out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)]
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("reading the depth of queue %s: ApproximateNumberOfMessages %q: %w", queueURL, v, err)
	}
	return n, nil
}

// Sender sends messages to one SQS queue: the function sends the steps of a sharded sweep to its
// own events queue with it.
type Sender struct {
	api SQSAPI
	url string
}

// NewSender returns the sender to queueURL, called as Queue says.
func NewSender(c *Clients, queueURL, fallbackRegion string) (*Sender, error) {
	api, err := Queue(c, queueURL, fallbackRegion)
	if err != nil {
		return nil, err
	}
	return &Sender{api: api, url: queueURL}, nil
}

// Send sends one message.
func (s *Sender) Send(ctx context.Context, body string) error {
	if _, err := s.api.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.url), MessageBody: aws.String(body)}); err != nil {
		return fmt.Errorf("sending a message to %s: %w", s.url, err)
	}
	return nil
}

// queueLocation finds the Region of an AWS queue URL, or the endpoint of another one.
func queueLocation(queueURL string) (region, endpoint string, err error) {
	u, err := url.Parse(queueURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", fmt.Errorf("%q is not a queue URL", queueURL)
	}
	host := u.Hostname()
	if rest, ok := strings.CutPrefix(host, "sqs."); ok && strings.Contains(rest, ".amazonaws.com") {
		return strings.Split(rest, ".")[0], "", nil
	}
	return "", u.Scheme + "://" + u.Host, nil
}
