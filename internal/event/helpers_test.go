package event

import (
	"encoding/json"
	"testing"
)

// quote returns s as a JSON string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// obj is a JSON object under construction.
type obj = map[string]any

// validEvent returns a minimal successful PutBucketTagging event of account 111122223333 as
// EventBridge delivers it, with one tag.
func validEvent() obj {
	return obj{
		"version":     "0",
		"id":          "e-1",
		"detail-type": "AWS API Call via CloudTrail",
		"source":      "aws.s3",
		"account":     "111122223333",
		"region":      "eu-west-1",
		"detail": obj{
			"eventSource":        "s3.amazonaws.com",
			"eventName":          "PutBucketTagging",
			"eventID":            "id-1",
			"eventTime":          "2026-01-02T03:04:05Z",
			"awsRegion":          "eu-west-1",
			"recipientAccountId": "111122223333",
			"requestParameters": obj{
				"bucketName": "b1",
				"tagging":    "",
				"Tagging":    obj{"TagSet": obj{"Tag": obj{"Key": "macie", "Value": "true"}}},
			},
		},
	}
}

// detailOf returns the detail object of e.
func detailOf(e obj) obj { return e["detail"].(obj) }

// paramsOf returns the requestParameters object of e.
func paramsOf(e obj) obj { return detailOf(e)["requestParameters"].(obj) }

// decodeOne marshals e, decodes it and returns the single change.
func decodeOne(t *testing.T, e any) Change {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(cs) != 1 {
		t.Fatalf("Decode gave %d changes, want 1: %+v", len(cs), cs)
	}
	return cs[0]
}
