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
// approximation by SQS's own account) and the Region and endpoint the URL names. An AWS queue
// URL (https://sqs.<region>.amazonaws.com/<account>/<name>) is called in its Region; any other
// URL (a local SQS) is called at its own host, in fallbackRegion.
func QueueDepth(ctx context.Context, c *Clients, queueURL, fallbackRegion string) (int, error) {
	region, endpoint, err := queueLocation(queueURL)
	if err != nil {
		return 0, err
	}
	if region == "" {
		region = fallbackRegion
	}
	out, err := c.SQS(region, endpoint).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
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
