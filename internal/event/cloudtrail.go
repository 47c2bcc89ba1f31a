package event

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

// What a handled event says about itself.
const (
	sourceS3          = "aws.s3"
	detailTypeAPICall = "AWS API Call via CloudTrail"
	eventSourceS3     = "s3.amazonaws.com"
)

// kindOf maps the handled CloudTrail event names to their kind of change.
var kindOf = map[string]Kind{
	"PutBucketTagging":    TagsReplaced,
	"DeleteBucketTagging": TagsRemoved,
	"DeleteBucket":        BucketDeleted,
	"CreateBucket":        BucketCreated,
}

// maxRegionLen bounds a Region name; the longest today have about 16 characters.
const maxRegionLen = 32

// envelope is the EventBridge event around a CloudTrail record.
type envelope struct {
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Region     string          `json:"region"`
	Detail     json.RawMessage `json:"detail"`
}

// detail is the CloudTrail record. requestParameters is decoded later, and only as far as the
// event name needs, so that an odd parameter of an ignored event cannot hide the rest.
type detail struct {
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	EventID            string          `json:"eventID"`
	EventTime          string          `json:"eventTime"`
	AWSRegion          string          `json:"awsRegion"`
	RecipientAccountID string          `json:"recipientAccountId"`
	ErrorCode          string          `json:"errorCode"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
}

// s3Event is one event as the decoding steps parse it.
type s3Event struct {
	raw    []byte
	env    envelope
	detail detail
	req    request
}

// step is one stage of decoding: it fills in the change and returns why the event is ignored,
// or "" to go on.
type step func(e *s3Event, c *Change) string

// steps decode an event in order. The envelope is judged before the detail and the call before
// its parameters, so that an odd field of an unrelated event cannot hide the real reason.
var steps = []step{parseEnvelope, parseDetail, checkCall, parseParameters, checkOutcome, checkFields, classify}

// decodeEvent turns one EventBridge event into a change; it never fails.
func decodeEvent(raw []byte) Change {
	e := s3Event{raw: raw}
	var c Change
	for _, s := range steps {
		if reason := s(&e, &c); reason != "" {
			c.Kind, c.Reason, c.Tags = Ignored, reason, nil
			return c
		}
	}
	return c
}

// parseEnvelope decodes the EventBridge envelope and keeps only CloudTrail events of S3.
func parseEnvelope(e *s3Event, c *Change) string {
	if err := json.Unmarshal(e.raw, &e.env); err != nil {
		return fmt.Sprintf("malformed event: %v", err)
	}
	c.Region = e.env.Region
	switch {
	case e.env.Source != sourceS3:
		return fmt.Sprintf("source %q is not %s", e.env.Source, sourceS3)
	case e.env.DetailType != detailTypeAPICall:
		return fmt.Sprintf("detail-type %q is not %q", e.env.DetailType, detailTypeAPICall)
	}
	return ""
}

// parseDetail decodes the CloudTrail record and fills in what every change reports.
func parseDetail(e *s3Event, c *Change) string {
	if err := unmarshalObject(e.env.Detail, &e.detail); err != nil {
		return fmt.Sprintf("malformed detail: %v", err)
	}
	d := &e.detail
	c.Account, c.EventID = d.RecipientAccountID, d.EventID
	if d.AWSRegion != "" {
		c.Region = d.AWSRegion
	}
	if t, err := time.Parse(time.RFC3339, d.EventTime); err == nil {
		c.EventTime = t
	}
	return ""
}

// checkCall keeps calls of the handled S3 operations.
func checkCall(e *s3Event, c *Change) string {
	d := &e.detail
	switch {
	case d.EventSource != eventSourceS3:
		return fmt.Sprintf("eventSource %q is not %s", d.EventSource, eventSourceS3)
	case kindOf[d.EventName] == "":
		return fmt.Sprintf("eventName %q changes no bucket tags", d.EventName)
	}
	c.Kind = kindOf[d.EventName]
	return ""
}

// checkOutcome drops failed calls: a record with an errorCode changed nothing.
func checkOutcome(e *s3Event, _ *Change) string {
	if code := e.detail.ErrorCode; code != "" {
		return fmt.Sprintf("failed call: errorCode %s, nothing changed", code)
	}
	return ""
}

// parseParameters decodes the request parameters: the bucket and, for CreateBucket, the Region
// that LocationConstraint names.
func parseParameters(e *s3Event, c *Change) string {
	req, err := parseRequest(e.detail.RequestParameters)
	if err != nil {
		return fmt.Sprintf("malformed requestParameters: %v", err)
	}
	e.req, c.Bucket = req, req.Bucket
	if c.Kind != BucketCreated {
		return ""
	}
	region, ok, err := req.locationRegion()
	if err != nil {
		return fmt.Sprintf("malformed CreateBucketConfiguration: %v", err)
	}
	if ok {
		c.Region = region
	}
	return ""
}

// checkFields refuses events without an owner account, a Region or a bucket, and forged ones
// whose envelope names another account than the record.
func checkFields(e *s3Event, c *Change) string {
	switch {
	case c.Account == "":
		return "missing detail.recipientAccountId"
	case !awsid.IsAccount(c.Account):
		return fmt.Sprintf("account id %q is not 12 digits", c.Account)
	case e.env.Account != c.Account:
		return fmt.Sprintf("envelope account %q differs from detail.recipientAccountId %q", e.env.Account, c.Account)
	case c.Region == "":
		return "missing Region: neither detail.awsRegion nor region"
	case len(c.Region) > maxRegionLen || !awsid.IsRegion(c.Region):
		return fmt.Sprintf("Region %q is not a Region name", c.Region)
	case c.Bucket == "":
		return "missing requestParameters.bucketName"
	}
	return ""
}

// classify fills in the tag set of PutBucketTagging; other kinds are complete already.
func classify(e *s3Event, c *Change) string {
	if c.Kind != TagsReplaced {
		return ""
	}
	tags, err := e.req.tags()
	if err != nil {
		return fmt.Sprintf("PutBucketTagging: %v", err)
	}
	c.Tags = tags
	return ""
}
