package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Bounds on what Decode accepts.
const (
	// MaxEventBytes bounds one event: a bare event, one element of an array of events, or one
	// SQS message body. SQS itself caps a message at 1 MiB.
	MaxEventBytes = 1 << 20
	// MaxInputBytes bounds the whole input of Decode. A Lambda invocation payload is at most
	// 6 MB, so any SQS batch fits; the rest leaves room for files of many events.
	MaxInputBytes = 16 << 20
	// MaxDepth bounds JSON nesting. A CloudTrail event nests about six levels deep.
	MaxDepth = 64
)

// Errors that Decode wraps. Every error Decode returns wraps exactly one of them.
var (
	ErrNotJSON  = errors.New("input is not JSON")
	ErrTooLarge = errors.New("input too large")
	ErrTooDeep  = errors.New("JSON nested too deeply")
)

// Decode turns input into changes, one per contained event, in input order.
//
// The input is one EventBridge event, an SQS batch ({"Records":[...]}) whose message bodies are
// such events, a JSON array of either, or several of these concatenated. Decode fails only when
// the input is not JSON or exceeds MaxInputBytes, MaxDepth or, for a bare event, MaxEventBytes.
// Everything else yields a change; what changes nothing (another event, a failed call, a
// malformed or oversized SQS message body) is an Ignored change with a Reason, so one bad
// message never fails a whole batch.
func Decode(data []byte) ([]Change, error) {
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxInputBytes)
	}
	if err := checkDepth(data, MaxDepth); err != nil {
		return nil, err
	}
	values, err := splitValues(data)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, v := range values {
		cs, err := decodeValue(v)
		if err != nil {
			return nil, err
		}
		changes = append(changes, cs...)
	}
	return changes, nil
}

// DecodeMessage decodes the body of one SQS message, which holds one EventBridge event. It
// never fails: a body that is not a usable event yields an Ignored change. The change carries
// messageID.
func DecodeMessage(messageID, body string) Change {
	c := decodeBody([]byte(body))
	c.MessageID = messageID
	return c
}

// splitValues returns the concatenated JSON values of data.
func splitValues(data []byte) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var values []json.RawMessage
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, notJSON(err)
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: no JSON value in input", ErrNotJSON)
	}
	return values, nil
}

// notJSON wraps a decoding error in ErrNotJSON with where the input went wrong.
func notJSON(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: %w (at byte %d)", ErrNotJSON, err, syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: input ends inside a value: %w", ErrNotJSON, err)
	}
	return fmt.Errorf("%w: %w", ErrNotJSON, err)
}

// decodeValue decodes one top-level value: an array of events or batches, or one of them.
func decodeValue(v json.RawMessage) ([]Change, error) {
	if firstByte(v) != '[' {
		return decodeObject(v)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(v, &elems); err != nil {
		return nil, notJSON(err)
	}
	var changes []Change
	for _, e := range elems {
		cs, err := decodeObject(e)
		if err != nil {
			return nil, err
		}
		changes = append(changes, cs...)
	}
	return changes, nil
}

// decodeObject decodes an SQS batch or a bare event. Only a bare event over MaxEventBytes is an
// error; a value that is not an object is an Ignored change.
func decodeObject(v json.RawMessage) ([]Change, error) {
	if b := firstByte(v); b != '{' {
		return []Change{ignoredf("not an event: a JSON %s, not an object", jsonKind(b))}, nil
	}
	if records, ok := batchRecords(v); ok {
		return decodeBatch(records), nil
	}
	if len(v) > MaxEventBytes {
		return nil, fmt.Errorf("%w: event of %d bytes, at most %d", ErrTooLarge, len(v), MaxEventBytes)
	}
	return []Change{decodeEvent(v)}, nil
}

// decodeBody decodes one SQS message body; every flaw is an Ignored change.
func decodeBody(body []byte) Change {
	if len(body) > MaxEventBytes {
		return ignoredf("message body of %d bytes exceeds %d", len(body), MaxEventBytes)
	}
	if err := checkDepth(body, MaxDepth); err != nil {
		return ignoredf("message body: %v", err)
	}
	if !json.Valid(body) {
		return ignoredf("message body is not JSON")
	}
	if b := firstByte(body); b != '{' {
		return ignoredf("message body is a JSON %s, not an event object", jsonKind(b))
	}
	if _, ok, _ := DecodeShard(string(body)); ok {
		return ignoredf("a sweep shard, not an S3 event: the function runs it as a step of the scheduled sweep")
	}
	return decodeEvent(body)
}

// ignoredf returns an Ignored change with a formatted reason.
func ignoredf(format string, args ...any) Change {
	return Change{Kind: Ignored, Reason: fmt.Sprintf(format, args...)}
}
