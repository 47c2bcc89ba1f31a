package event

import (
	"encoding/json"
)

// sqsRecord is one message of an SQS batch as Lambda delivers it. Body is a pointer so that a
// missing body is told apart from an empty one.
type sqsRecord struct {
	MessageID   string  `json:"messageId"`
	EventSource string  `json:"eventSource"`
	Body        *string `json:"body"`
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
		changes = append(changes, decodeRecord(r))
	}
	return changes
}

// decodeRecord decodes one SQS record and the event in its body.
func decodeRecord(raw json.RawMessage) Change {
	var r sqsRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return ignoredf("malformed SQS record: %v", err)
	}
	switch {
	case r.EventSource != "" && r.EventSource != "aws:sqs":
		return withMessageID(ignoredf("record eventSource %q is not aws:sqs", r.EventSource), r.MessageID)
	case r.Body == nil:
		return withMessageID(ignoredf("SQS record has no body"), r.MessageID)
	}
	return DecodeMessage(r.MessageID, *r.Body)
}

// withMessageID sets the SQS message id of c.
func withMessageID(c Change, id string) Change {
	c.MessageID = id
	return c
}
