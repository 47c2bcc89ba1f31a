package event

import (
	"encoding/json"
	"strconv"
)

// SQSRecord is one message of an SQS batch as Lambda delivers it: what the function needs to
// hand the message back. Body is a pointer so that a missing body is told apart from an empty one.
type SQSRecord struct {
	MessageID      string  `json:"messageId"`
	ReceiptHandle  string  `json:"receiptHandle"`
	EventSource    string  `json:"eventSource"`
	EventSourceARN string  `json:"eventSourceARN"`
	Body           *string `json:"body"`
	Attributes     struct {
		ApproximateReceiveCount string `json:"ApproximateReceiveCount"`
	} `json:"attributes"`
}

// Receives is the record's ApproximateReceiveCount, at least 1.
func (r SQSRecord) Receives() int {
	n, err := strconv.Atoi(r.Attributes.ApproximateReceiveCount)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// batchRecords returns the records of an SQS batch and whether v is one, that is, an object
// with a "Records" member.
func batchRecords(v json.RawMessage) (json.RawMessage, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(v, &fields); err != nil {
		return nil, false
	}
	records, ok := fields["Records"]
	return records, ok
}

// decodeBatch decodes each record of an SQS batch on its own: a bad record is an Ignored change.
func decodeBatch(records json.RawMessage) []Change {
	var raws []json.RawMessage
	if err := json.Unmarshal(records, &raws); err != nil {
		return []Change{ignoredf("SQS batch: Records is a JSON %s, not a list", jsonKind(firstByte(records)))}
	}
	changes := make([]Change, 0, len(raws))
	for _, r := range raws {
		c, _ := DecodeSQSRecord(r)
		changes = append(changes, c)
	}
	return changes
}

// DecodeSQSRecord decodes one SQS record and the event in its body; a record that cannot be
// read, or comes from another source, or has no body, is an Ignored change.
func DecodeSQSRecord(raw json.RawMessage) (Change, SQSRecord) {
	var r SQSRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return ignoredf("malformed SQS record: %v", err), r
	}
	switch {
	case r.EventSource != "" && r.EventSource != "aws:sqs":
		return withMessageID(ignoredf("record eventSource %q is not aws:sqs", r.EventSource), r.MessageID), r
	case r.Body == nil:
		return withMessageID(ignoredf("SQS record has no body"), r.MessageID), r
	}
	return DecodeMessage(r.MessageID, *r.Body), r
}

// withMessageID sets the SQS message id of c.
func withMessageID(c Change, id string) Change {
	c.MessageID = id
	return c
}
