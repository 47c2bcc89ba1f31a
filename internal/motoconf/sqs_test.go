package motoconf

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// TestSenderSendsShardsToTheQueue sends a sweep shard to a queue of moto with the adapter the
// function uses, and reads it back with the raw SDK as the event source mapping would: the body
// arrives unchanged and decodes to the same shard. A queue that does not exist is an error.
func TestSenderSendsShardsToTheQueue(t *testing.T) {
	ctx := t.Context()
	url := startMoto(t)
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("admin", "admin", "")}
	raw := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) })
	q, err := raw.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("macie-selfservice-events")})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	clients := awsapi.NewClients(cfg, awsapi.ClientOptions{Endpoint: url, MaxAttempts: 1})
	sender, err := awsapi.NewSender(clients, aws.ToString(q.QueueUrl), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := event.Shard{Sweep: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), Region: "us-east-1", After: "111111111111", Accounts: 200}
	if err := sender.Send(ctx, want.Body()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := raw.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(got.Messages) != 1 {
		t.Fatalf("%d messages in the queue, want 1", len(got.Messages))
	}
	if s, ok, err := event.DecodeShard(aws.ToString(got.Messages[0].Body)); !ok || err != nil || s != want {
		t.Fatalf("received %q: %+v %v %v, want %+v", aws.ToString(got.Messages[0].Body), s, ok, err, want)
	}

	missing, err := awsapi.NewSender(clients, url+"/123456789012/no-such-queue", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := missing.Send(ctx, want.Body()); err == nil {
		t.Fatal("sending to a queue that does not exist succeeded")
	}
}
