package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// replayMessage is one dead-lettered message and what became of it.
type replayMessage struct {
	// Source is the file it came from, or "queue".
	Source string       `json:"source"`
	Change event.Change `json:"change"`
	// Outcome is "reconciled", "failed" (its pair could not be reconciled) or "ignored" (it names
	// no change to reconcile; it is kept for a person to look at).
	Outcome string `json:"outcome"`
	// Deleted reports whether it was deleted from the queue.
	Deleted bool   `json:"deleted"`
	receipt string // the queue's receipt handle
}

// maxReplayFile bounds one input file; event.Decode bounds it further.
const maxReplayFile = event.MaxInputBytes

// readReplayFile reads the messages of one file ("-" is standard input): an SQS batch
// ({"Records":[...]}), the output of `aws sqs receive-message` ({"Messages":[...]}), or raw
// EventBridge events.
func readReplayFile(name string, stdin io.Reader) ([]replayMessage, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		defer func() { _ = f.Close() }()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxReplayFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if msgs, ok := receiveOutput(name, data); ok {
		return msgs, nil
	}
	changes, err := event.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", name, err)
	}
	out := make([]replayMessage, 0, len(changes))
	for _, c := range changes {
		out = append(out, replayMessage{Source: name, Change: c})
	}
	return out, nil
}

// receiveOutput decodes the output of `aws sqs receive-message`; ok is false for other input.
func receiveOutput(name string, data []byte) ([]replayMessage, bool) {
	var out struct {
		Messages []struct {
			MessageID     string `json:"MessageId"`
			ReceiptHandle string `json:"ReceiptHandle"`
			Body          string `json:"Body"`
		} `json:"Messages"`
	}
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(trimmed, []byte("{")) || json.Unmarshal(trimmed, &out) != nil || out.Messages == nil {
		return nil, false
	}
	msgs := make([]replayMessage, 0, len(out.Messages))
	for _, m := range out.Messages {
		msgs = append(msgs, replayMessage{Source: name, Change: event.DecodeMessage(m.MessageID, m.Body)})
	}
	return msgs, true
}

// receiveQueue receives up to max messages from a queue, each once. They stay invisible to other
// consumers for visibility seconds, long enough to reconcile them and delete the reconciled ones.
func receiveQueue(ctx context.Context, q awsapi.SQSAPI, url string, max int, visibility int32) ([]replayMessage, error) {
	var msgs []replayMessage
	for len(msgs) < max {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MaxNumberOfMessages: int32(min(10, max-len(msgs))), VisibilityTimeout: visibility, WaitTimeSeconds: 1})
		if err != nil {
			return msgs, fmt.Errorf("receiving messages from %s: %w", url, err)
		}
		fresh := 0
		for _, m := range out.Messages {
			id := aws.ToString(m.MessageId)
			if slices.ContainsFunc(msgs, func(o replayMessage) bool { return o.Change.MessageID == id }) {
				continue
			}
			fresh++
			msgs = append(msgs, replayMessage{Source: "queue", receipt: aws.ToString(m.ReceiptHandle),
				Change: event.DecodeMessage(id, aws.ToString(m.Body))})
		}
		if fresh == 0 {
			break
		}
	}
	return msgs, nil
}

// deleteReconciled deletes from the queue the messages whose pairs were reconciled.
func deleteReconciled(ctx context.Context, q awsapi.SQSAPI, url string, msgs []replayMessage) error {
	for i := range msgs {
		if msgs[i].Outcome != "reconciled" || msgs[i].receipt == "" {
			continue
		}
		if _, err := q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
			ReceiptHandle: aws.String(msgs[i].receipt)}); err != nil {
			return fmt.Errorf("deleting message %s from %s: %w", msgs[i].Change.MessageID, url, err)
		}
		msgs[i].Deleted = true
	}
	return nil
}
