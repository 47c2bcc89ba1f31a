package event

import (
	"strings"
	"testing"
)

func TestDecodeIgnoredReasons(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(e obj)
		reason string
	}{
		{"other source", func(e obj) { e["source"] = "aws.ec2" }, `source "aws.ec2" is not aws.s3`},
		{"no source", func(e obj) { delete(e, "source") }, `source "" is not aws.s3`},
		{"other detail-type", func(e obj) { e["detail-type"] = "Object Created" }, `detail-type "Object Created"`},
		{"other eventSource", func(e obj) { detailOf(e)["eventSource"] = "s3express.amazonaws.com" }, `eventSource "s3express.amazonaws.com"`},
		{"other eventName", func(e obj) { detailOf(e)["eventName"] = "PutObject" }, `eventName "PutObject" changes no bucket tags`},
		{"failed call", func(e obj) { detailOf(e)["errorCode"] = "MalformedXML" }, "failed call: errorCode MalformedXML"},
		{"missing account", func(e obj) { delete(detailOf(e), "recipientAccountId") }, "missing detail.recipientAccountId"},
		{"short account", func(e obj) { detailOf(e)["recipientAccountId"] = "12345"; e["account"] = "12345" }, `account id "12345" is not 12 digits`},
		{"non-digit account", func(e obj) { detailOf(e)["recipientAccountId"] = "11112222333x"; e["account"] = "11112222333x" }, "is not 12 digits"},
		{"forged envelope", func(e obj) { e["account"] = "999999999999" }, `envelope account "999999999999" differs from detail.recipientAccountId "111122223333"`},
		{"no envelope account", func(e obj) { delete(e, "account") }, `envelope account "" differs`},
		{"missing region", func(e obj) { delete(detailOf(e), "awsRegion"); delete(e, "region") }, "missing Region"},
		{"bad region", func(e obj) { detailOf(e)["awsRegion"] = "../etc" }, `Region "../etc" is not a Region name`},
		{"missing bucket", func(e obj) { delete(paramsOf(e), "bucketName") }, "missing requestParameters.bucketName"},
		{"no requestParameters", func(e obj) { detailOf(e)["requestParameters"] = nil }, "missing requestParameters.bucketName"},
		{"duplicate tag keys", func(e obj) { setTags(e, []any{tagObj("a", "1"), tagObj("a", "2")}) }, `duplicate tag key "a"`},
		{"empty tag key", func(e obj) { setTags(e, obj{"Key": "", "Value": "x"}) }, "empty key"},
		{"too many tags", func(e obj) { setTags(e, manyTags(51)) }, "51 tags, S3 allows at most 50"},
		{"Tag a number", func(e obj) { setTags(e, 7) }, "Tag is a JSON number"},
		{"tag value a number", func(e obj) { setTags(e, obj{"Key": "a", "Value": 1}) }, "PutBucketTagging: requestParameters.Tagging:"},
		{"malformed envelope", func(e obj) { e["source"] = 5 }, "malformed event"},
		{"detail not an object", func(e obj) { e["detail"] = "x" }, "malformed detail: a JSON string"},
		{"eventName not a string", func(e obj) { detailOf(e)["eventName"] = []any{} }, "malformed detail"},
		{"requestParameters not an object", func(e obj) { detailOf(e)["requestParameters"] = []any{} }, "malformed requestParameters: a JSON array"},
		{"bucketName not a string", func(e obj) { paramsOf(e)["bucketName"] = 1 }, "malformed requestParameters: bucketName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.edit(e)
			c := decodeOne(t, e)
			if c.Kind != Ignored {
				t.Fatalf("kind = %s, want Ignored (%+v)", c.Kind, c)
			}
			if !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", c.Reason, tt.reason)
			}
			if c.Tags != nil {
				t.Errorf("Ignored change has tags %v", c.Tags)
			}
		})
	}
}

func TestDecodeReasonOrder(t *testing.T) {
	// An event of another service is judged by its source, however odd its detail.
	e := validEvent()
	e["source"] = "aws.ec2"
	detailOf(e)["requestParameters"] = "odd"
	if c := decodeOne(t, e); !strings.HasPrefix(c.Reason, "source") {
		t.Errorf("reason = %q, want the source named first", c.Reason)
	}
	// A failed call keeps what it names, for the log.
	e = validEvent()
	detailOf(e)["errorCode"] = "AccessDenied"
	c := decodeOne(t, e)
	if c.Account != "111122223333" || c.Region != "eu-west-1" || c.Bucket != "b1" || c.EventID != "id-1" {
		t.Errorf("failed call lost its fields: %+v", c)
	}
}

func TestDecodeUsesRecipientNotCaller(t *testing.T) {
	e := validEvent()
	detailOf(e)["userIdentity"] = obj{"accountId": "999999999999"}
	if c := decodeOne(t, e); c.Account != "111122223333" || c.Kind != TagsReplaced {
		t.Errorf("got %+v, want the bucket owner 111122223333", c)
	}
}

func TestDecodeRegionFallsBackToEnvelope(t *testing.T) {
	e := validEvent()
	delete(detailOf(e), "awsRegion")
	e["region"] = "ap-southeast-2"
	if c := decodeOne(t, e); c.Region != "ap-southeast-2" || c.Kind != TagsReplaced {
		t.Errorf("got %+v, want Region ap-southeast-2 from the envelope", c)
	}
}

func TestDecodeEventTime(t *testing.T) {
	e := validEvent()
	detailOf(e)["eventTime"] = "yesterday"
	c := decodeOne(t, e)
	if c.Kind != TagsReplaced || !c.EventTime.IsZero() {
		t.Errorf("got %+v, want a TagsReplaced change with no time", c)
	}
}
