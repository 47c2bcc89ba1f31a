package event

import (
	"strings"
	"testing"
	"time"
)

var sweepAt = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func TestShardBodyRoundTrips(t *testing.T) {
	s := Shard{Sweep: sweepAt, Region: "eu-west-1", After: "111111111111", Accounts: 200}
	body := s.Body()
	if want := `{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"eu-west-1","after":"111111111111","accounts":200}}`; body != want {
		t.Fatalf("body %s, want %s", body, want)
	}
	got, ok, err := DecodeShard(body)
	if !ok || err != nil || got != s {
		t.Fatalf("decoded %+v, %v, %v; want %+v", got, ok, err, s)
	}
	if next := s.Next("333333333333", 50); next.After != "333333333333" || next.Accounts != 50 || next.Sweep != s.Sweep || next.Region != s.Region {
		t.Errorf("next %+v", next)
	}
}

func TestDecodeShardTellsShardsFromEvents(t *testing.T) {
	for _, body := range []string{`{"detail-type":"AWS API Call via CloudTrail"}`, `not json`, `[]`, `{"sweepshard":{}}`, ``} {
		if _, ok, err := DecodeShard(body); ok || err != nil {
			t.Errorf("%q: a shard (%v, %v), want not a shard", body, ok, err)
		}
	}
	for body, want := range map[string]string{
		`{"sweepShard":1}`: "cannot unmarshal",
		`{"sweepShard":{"region":"eu-west-1","accounts":5}}`:                                    "sweep: no time",
		`{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"mars","accounts":5}}`:          "region",
		`{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"eu-west-1","after":"12"}}`:     "after",
		`{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"eu-west-1","accounts":0}}`:     "accounts: 0 is out of range",
		`{"sweepShard":{"sweep":"2026-11-02T10:00:00Z","region":"eu-west-1","accounts":10001}}`: "accounts: 10001",
	} {
		if _, ok, err := DecodeShard(body); !ok || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, %v; want a shard refused with %q", body, ok, err, want)
		}
	}
}

// A shard in a batch is not an S3 event: decoding it as one says what it is.
func TestAShardIsNotAnEvent(t *testing.T) {
	c := DecodeMessage("m1", Shard{Sweep: sweepAt, Region: "eu-west-1", Accounts: 1}.Body())
	if c.Relevant() || !strings.Contains(c.Reason, "sweep shard") || c.MessageID != "m1" {
		t.Fatalf("change %+v, want an ignored change naming the sweep shard", c)
	}
}
