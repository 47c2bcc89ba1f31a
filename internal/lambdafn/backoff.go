package lambdafn

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// VisibilityAPI changes how long a received message stays invisible; the SQS client is one.
type VisibilityAPI interface {
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// The visibility of a message handed back only because of a stale read: FirstStaleVisibility at
// the first receive, doubling with every receive, at most MaxStaleVisibility. Before the queue's
// fifth receive (its maxReceiveCount) 30 s + 1 min + 2 min + 4 min have passed, more than
// reconcile.DefaultStaleWindow: by then the event no longer holds a read back, so a same-second
// change seen in another batch cannot send its message to the dead-letter queue.
const (
	FirstStaleVisibility = 30 * time.Second
	MaxStaleVisibility   = 5 * time.Minute
)

// StaleVisibility is how long a stale message stays invisible after its receives-th receive.
func StaleVisibility(receives int) time.Duration {
	d := FirstStaleVisibility
	for i := 1; i < receives && d < MaxStaleVisibility; i++ {
		d *= 2
	}
	return min(d, MaxStaleVisibility)
}

// backOff makes the given messages, handed back for the reason why, visible again after
// StaleVisibility instead of the queue's visibility timeout, and returns how many it changed. A
// message it cannot change waits out the visibility timeout, as before.
func (h *Handler) backOff(ctx context.Context, ids []string, records map[string]event.SQSRecord, why string) int {
	if h.Queue == nil {
		return 0
	}
	n := 0
	for _, id := range ids {
		rec := records[id]
		wait := StaleVisibility(rec.Receives())
		if err := h.changeVisibility(ctx, rec, wait); err != nil {
			h.log().LogAttrs(ctx, slog.LevelWarn, "visibility unchanged", slog.String("message_id", id),
				slog.String("error", err.Error()))
			continue
		}
		h.log().LogAttrs(ctx, slog.LevelInfo, "message back soon", slog.String("message_id", id),
			slog.String("reason", why), slog.Int("receives", rec.Receives()), slog.Duration("visibility", wait))
		n++
	}
	return n
}

func (h *Handler) changeVisibility(ctx context.Context, rec event.SQSRecord, wait time.Duration) error {
	region, url, err := queueURL(ctx, rec.EventSourceARN)
	if err != nil {
		return err
	}
	_, err = h.Queue(region).ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url),
		ReceiptHandle: aws.String(rec.ReceiptHandle), VisibilityTimeout: int32(wait / time.Second)})
	if err != nil {
		return fmt.Errorf("changing the visibility of message %s: %w", rec.MessageID, err)
	}
	return nil
}

// queueURL returns the Region and URL of the queue an SQS record came from, from its ARN and
// the SDK's endpoint for that Region (which knows the partition's domain).
func queueURL(ctx context.Context, queueARN string) (region, url string, err error) {
	a, err := arn.Parse(queueARN)
	if err != nil || a.Service != "sqs" || a.Region == "" || a.AccountID == "" || a.Resource == "" {
		return "", "", fmt.Errorf("queue ARN %q is not an SQS queue ARN", queueARN)
	}
	ep, err := sqs.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, sqs.EndpointParameters{Region: aws.String(a.Region)})
	if err != nil {
		return "", "", fmt.Errorf("resolving the SQS endpoint of %s: %w", a.Region, err)
	}
	return a.Region, strings.TrimSuffix(ep.URI.String(), "/") + "/" + a.AccountID + "/" + a.Resource, nil
}
