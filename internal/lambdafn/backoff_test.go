package lambdafn

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// visibilityCall is one ChangeMessageVisibility the handler made.
type visibilityCall struct {
	region, url, receipt string
	seconds              int32
}

// fakeQueue records visibility changes.
type fakeQueue struct {
	mu    sync.Mutex
	calls []visibilityCall
}

func (q *fakeQueue) client(region string) VisibilityAPI { return queueClient{q, region} }

type queueClient struct {
	q      *fakeQueue
	region string
}

func (c queueClient) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	c.q.mu.Lock()
	defer c.q.mu.Unlock()
	c.q.calls = append(c.q.calls, visibilityCall{c.region, aws.ToString(in.QueueUrl), aws.ToString(in.ReceiptHandle), in.VisibilityTimeout})
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

// maxReceiveCount is the event queue's redrive policy in the central template.
const maxReceiveCount = 5

func TestStaleVisibilityBacksOffBoundedAndOutlastsTheWindow(t *testing.T) {
	var got []time.Duration
	var waited time.Duration
	for receives := 1; receives <= 8; receives++ {
		d := StaleVisibility(receives)
		got = append(got, d)
		if receives < maxReceiveCount {
			waited += d
		}
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	if !slices.Equal(got, want) {
		t.Errorf("visibilities %v, want %v", got, want)
	}
	if waited <= reconcile.DefaultStaleWindow {
		t.Errorf("the receives before the dead-letter queue span %v, not more than the stale window %v", waited, reconcile.DefaultStaleWindow)
	}
}

func TestSQSStaleMessageComesBackSoon(t *testing.T) {
	for _, c := range []struct {
		receives int
		want     int32
	}{{1, 30}, {3, 120}, {9, 300}} {
		f := newFixture(t, testConfig())
		q := &fakeQueue{}
		f.h.Queue, f.h.StaleRetry = q.client, -1
		f.sb.SetTagReadLag(time.Minute) // every read in this invocation predates the event
		enrol := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
		resp, err := f.h.Handle(context.Background(), batchReceived(c.receives, message{"enrol", string(enrol)}))
		if err != nil {
			t.Fatal(err)
		}
		if ids := failedIDs(resp); !slices.Equal(ids, []string{"enrol"}) {
			t.Fatalf("batch item failures = %v, want [enrol]", ids)
		}
		want := []visibilityCall{{euWest, "https://sqs.eu-west-1.amazonaws.com/" + admin + "/macie-selfservice-events", "rh-enrol", c.want}}
		if !slices.Equal(q.calls, want) {
			t.Errorf("receive %d: visibility changes %+v, want %+v", c.receives, q.calls, want)
		}
		if v, _ := f.metric("Trigger", TriggerSQS, "StaleMessagesBackedOff"); v != 1 {
			t.Errorf("StaleMessagesBackedOff = %v, want 1", v)
		}
	}
}

func TestSQSOtherFailuresWaitOutTheVisibilityTimeout(t *testing.T) {
	f := newFixture(t, testConfig())
	q := &fakeQueue{}
	f.h.Queue = q.client
	enrol := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
	f.sb.SetFault("macie2:GetMember", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})
	resp, err := f.h.Handle(context.Background(), batch(message{"enrol", string(enrol)}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); !slices.Equal(ids, []string{"enrol"}) {
		t.Fatalf("batch item failures = %v, want [enrol]", ids)
	}
	if len(q.calls) != 0 {
		t.Errorf("visibility changed for a throttled pair: %+v", q.calls)
	}
}

func TestQueueURLFromTheRecordsARN(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sqs:eu-west-1:222222222222:events":        "https://sqs.eu-west-1.amazonaws.com/222222222222/events",
		"arn:aws-cn:sqs:cn-north-1:222222222222:events":    "https://sqs.cn-north-1.amazonaws.com.cn/222222222222/events",
		"arn:aws-us-gov:sqs:us-gov-west-1:222222222222:ev": "https://sqs.us-gov-west-1.amazonaws.com/222222222222/ev",
	} {
		if _, got, err := queueURL(context.Background(), arn); err != nil || got != want {
			t.Errorf("queueURL(%s) = %q, %v; want %q", arn, got, err, want)
		}
	}
	if _, _, err := queueURL(context.Background(), "arn:aws:sns:eu-west-1:222222222222:topic"); err == nil {
		t.Error("an SNS ARN was taken for a queue")
	}
}
