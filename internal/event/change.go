// Package event turns the CloudTrail records that EventBridge delivers for S3 bucket tagging and
// bucket lifecycle calls, bare or inside an SQS batch, into typed changes.
//
// A change only says which (account, Region) to look at again and which bucket moved; the engine
// decides from fresh reads, never from the payload alone.
package event

import (
	"encoding/json"
	"time"
)

// Kind names what a change did to a bucket.
type Kind string

// The kinds of change. Ignored covers everything that changes nothing: other event names or
// sources, failed calls, missing fields.
const (
	TagsReplaced  Kind = "TagsReplaced"
	TagsRemoved   Kind = "TagsRemoved"
	BucketDeleted Kind = "BucketDeleted"
	BucketCreated Kind = "BucketCreated"
	Ignored       Kind = "Ignored"
)

// Change is one decoded event.
type Change struct {
	Kind Kind `json:"kind"`
	// Account owns the bucket (CloudTrail's recipientAccountId), not the caller.
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Bucket    string    `json:"bucket"`
	EventID   string    `json:"eventId"`
	EventTime time.Time `json:"eventTime,omitzero"`
	// Tags is the whole new tag set; set for TagsReplaced only.
	Tags map[string]string `json:"tags,omitempty"`
	// Reason says why a change was ignored; set for Ignored only.
	Reason string `json:"reason,omitempty"`
	// MessageID is the SQS message that carried the event, empty for a bare event.
	MessageID string `json:"messageId,omitempty"`
}

// Relevant reports whether the change asks for a reconcile.
func (c Change) Relevant() bool { return c.Kind != Ignored }

// changeJSON is the wire form of Change. Tags is a pointer so that an empty tag set still prints
// as "tags":{} for TagsReplaced, while other kinds leave it out.
type changeJSON struct {
	Kind      Kind               `json:"kind"`
	Account   string             `json:"account"`
	Region    string             `json:"region"`
	Bucket    string             `json:"bucket"`
	EventID   string             `json:"eventId"`
	EventTime time.Time          `json:"eventTime,omitzero"`
	Tags      *map[string]string `json:"tags,omitempty"`
	Reason    string             `json:"reason,omitempty"`
	MessageID string             `json:"messageId,omitempty"`
}

// MarshalJSON writes tags for TagsReplaced only (an empty set as {}) and reason for Ignored only.
func (c Change) MarshalJSON() ([]byte, error) {
	w := changeJSON{
		Kind: c.Kind, Account: c.Account, Region: c.Region, Bucket: c.Bucket,
		EventID: c.EventID, EventTime: c.EventTime, MessageID: c.MessageID,
	}
	if c.Kind == TagsReplaced {
		tags := c.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		w.Tags = &tags
	}
	if c.Kind == Ignored {
		w.Reason = c.Reason
	}
	return json.Marshal(w)
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case TagsReplaced, TagsRemoved, BucketDeleted, BucketCreated, Ignored:
		return true
	}
	return false
}
