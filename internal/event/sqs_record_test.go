package event

import (
	"encoding/json"
	"testing"
)

// The function hands a message back by its receipt handle, on the queue of its ARN, knowing how
// often it was received: the one decoder of SQS records reads all three.
func TestDecodeSQSRecordKeepsWhatHandingBackNeeds(t *testing.T) {
	raw := json.RawMessage(`{"messageId":"m1","receiptHandle":"rh","eventSource":"aws:sqs",
		"eventSourceARN":"arn:aws:sqs:eu-west-1:222222222222:q","body":"{}","attributes":{"ApproximateReceiveCount":"3"}}`)
	c, r := DecodeSQSRecord(raw)
	if c.MessageID != "m1" || r.ReceiptHandle != "rh" || r.EventSourceARN != "arn:aws:sqs:eu-west-1:222222222222:q" || r.Receives() != 3 {
		t.Fatalf("change %+v, record %+v", c, r)
	}
	for _, bad := range []string{`{"messageId":"m2"}`, `{"messageId":"m3","body":"{}","attributes":{"ApproximateReceiveCount":"x"}}`} {
		if _, r := DecodeSQSRecord(json.RawMessage(bad)); r.Receives() != 1 {
			t.Errorf("%s: receives %d, want 1", bad, r.Receives())
		}
	}
}
