package event

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestChangeJSONRoundTrip(t *testing.T) {
	when := time.Date(2026, 11, 2, 10, 15, 31, 0, time.UTC)
	changes := []Change{
		{Kind: TagsReplaced, Account: "111122223333", Region: "eu-west-1", Bucket: "b", EventID: "e",
			EventTime: when, Tags: map[string]string{"macie": "true", "Owner": "x"}, MessageID: "m"},
		{Kind: TagsReplaced, Account: "111122223333", Region: "eu-west-1", Bucket: "b", Tags: map[string]string{}},
		{Kind: TagsRemoved, Account: "111122223333", Region: "us-east-1", Bucket: "b", EventID: "e", EventTime: when},
		{Kind: BucketDeleted, Account: "111122223333", Region: "us-east-1", Bucket: "b"},
		{Kind: BucketCreated, Account: "111122223333", Region: "eu-central-1", Bucket: "b", MessageID: "m"},
		{Kind: Ignored, Reason: "source \"aws.ec2\" is not aws.s3", MessageID: "m"},
	}
	for _, c := range changes {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", c, err)
		}
		var back Change
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip of %s\n got %+v\nwant %+v", b, back, c)
		}
	}
}

func TestChangeJSONRoundTripTestdata(t *testing.T) {
	for name, want := range golden(t) {
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var back []Change
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("%s: round trip gave %+v, want %+v", name, back, want)
		}
	}
}

func TestChangeJSONFields(t *testing.T) {
	tests := []struct {
		name string
		c    Change
		want string
	}{
		{"empty tag set prints {}", Change{Kind: TagsReplaced, Account: "111122223333", Region: "eu-west-1", Bucket: "b", EventID: "e"},
			`{"kind":"TagsReplaced","account":"111122223333","region":"eu-west-1","bucket":"b","eventId":"e","tags":{}}`},
		{"tags only for TagsReplaced", Change{Kind: TagsRemoved, Bucket: "b", Tags: map[string]string{"a": "b"}, Reason: "r"},
			`{"kind":"TagsRemoved","account":"","region":"","bucket":"b","eventId":""}`},
		{"reason only for Ignored", Change{Kind: Ignored, Reason: "why", Tags: map[string]string{"a": "b"}},
			`{"kind":"Ignored","account":"","region":"","bucket":"","eventId":"","reason":"why"}`},
		{"time and message", Change{Kind: BucketDeleted, EventTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), MessageID: "m"},
			`{"kind":"BucketDeleted","account":"","region":"","bucket":"","eventId":"","eventTime":"2026-01-02T03:04:05Z","messageId":"m"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal\n got %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range []Kind{TagsReplaced, TagsRemoved, BucketDeleted, BucketCreated, Ignored} {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	for _, k := range []Kind{"", "tagsreplaced", Kind(strings.Repeat("x", 3))} {
		if k.Valid() {
			t.Errorf("%q valid", k)
		}
	}
}
