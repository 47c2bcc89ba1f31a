package sandbox

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// tagSet is requestParameters.Tagging.
type tagSet struct {
	TagSet struct {
		Tag json.RawMessage `json:"Tag"`
	} `json:"TagSet"`
}

// param decodes one request parameter of an event.
func param[T any](t *testing.T, e decodedEvent, name string) (T, bool) {
	t.Helper()
	var v T
	raw, ok := e.Detail.RequestParameters[name]
	if ok {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("requestParameters.%s: %v", name, err)
		}
	}
	return v, ok
}

// decodedEvent is what consumers read from an event.
type decodedEvent struct {
	Version    string `json:"version"`
	ID         string `json:"id"`
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	Account    string `json:"account"`
	Time       string `json:"time"`
	Region     string `json:"region"`
	Detail     struct {
		EventName    string `json:"eventName"`
		EventSource  string `json:"eventSource"`
		EventTime    string `json:"eventTime"`
		AWSRegion    string `json:"awsRegion"`
		EventID      string `json:"eventID"`
		UserIdentity struct {
			Type           string `json:"type"`
			ARN            string `json:"arn"`
			AccountID      string `json:"accountId"`
			SessionContext *struct {
				SessionIssuer struct {
					UserName string `json:"userName"`
				} `json:"sessionIssuer"`
			} `json:"sessionContext"`
		} `json:"userIdentity"`
		// CloudTrail logs both "tagging" ("") and "Tagging" (the document); encoding/json
		// matches keys case-insensitively, so they must be read from a map.
		RequestParameters  map[string]json.RawMessage `json:"requestParameters"`
		RecipientAccountID string                     `json:"recipientAccountId"`
		ManagementEvent    bool                       `json:"managementEvent"`
		EventCategory      string                     `json:"eventCategory"`
		ErrorCode          string                     `json:"errorCode"`
	} `json:"detail"`
}

func TestEventsOfBucketCalls(t *testing.T) {
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	a := s3Client(srv, wlA, "eu-west-1")
	name := aws.String("team-a-exports")
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: name,
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}))
	one := []types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}
	must(a.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: one}}))
	// A role session of the owner account tags the bucket with several tags.
	c := cfg(srv, wlA, "eu-west-1")
	c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c),
		"arn:aws:iam::"+wlA+":role/MacieSelfServiceRead", func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "dev" }))
	role := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true })
	three := append(one, types.Tag{Key: aws.String("owner"), Value: aws.String("a")}, types.Tag{Key: aws.String("env"), Value: aws.String("prod")})
	must(role.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: three}}))
	_, err := s3Client(srv, wlB, "eu-west-1").DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: name})
	wantCode(t, err, "AccessDenied") // failed calls produce no event
	must(a.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: name}))
	must(a.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: name}))

	raw := sb.TakeEvents()
	if len(raw) != 5 {
		t.Fatalf("got %d events, want 5", len(raw))
	}
	if again := sb.TakeEvents(); len(again) != 0 {
		t.Fatalf("TakeEvents must drain, got %d more", len(again))
	}
	evs := make([]decodedEvent, len(raw))
	seen := map[string]bool{}
	for i, r := range raw {
		if err := json.Unmarshal(r, &evs[i]); err != nil {
			t.Fatal(err)
		}
		e := evs[i]
		if e.Version != "0" || e.DetailType != "AWS API Call via CloudTrail" || e.Source != "aws.s3" ||
			e.Account != wlA || e.Region != "eu-west-1" || e.Time != "2026-11-02T10:15:31Z" ||
			e.Detail.EventSource != "s3.amazonaws.com" || e.Detail.AWSRegion != "eu-west-1" ||
			e.Detail.RecipientAccountID != wlA || !e.Detail.ManagementEvent || e.Detail.EventCategory != "Management" ||
			string(e.Detail.RequestParameters["bucketName"]) != `"team-a-exports"` || e.Detail.ErrorCode != "" {
			t.Fatalf("event %d: %s", i, r)
		}
		if seen[e.ID] || seen[e.Detail.EventID] || len(e.Detail.EventID) != 36 {
			t.Fatalf("event ids not unique: %s", r)
		}
		seen[e.ID], seen[e.Detail.EventID] = true, true
	}
	names := []string{"CreateBucket", "PutBucketTagging", "PutBucketTagging", "DeleteBucketTagging", "DeleteBucket"}
	for i, n := range names {
		if evs[i].Detail.EventName != n {
			t.Fatalf("event %d is %s, want %s", i, evs[i].Detail.EventName, n)
		}
	}
	if cb, _ := param[map[string]string](t, evs[0], "CreateBucketConfiguration"); cb["LocationConstraint"] != "eu-west-1" {
		t.Fatalf("CreateBucket parameters: %s", raw[0])
	}
	ts1, _ := param[tagSet](t, evs[1], "Tagging")
	var single map[string]string
	if err := json.Unmarshal(ts1.TagSet.Tag, &single); err != nil || single["Key"] != "macie" || single["Value"] != "true" {
		t.Fatalf("one tag must be an object: %s (%v)", ts1.TagSet.Tag, err)
	}
	ts3, _ := param[tagSet](t, evs[2], "Tagging")
	var several []map[string]string
	if err := json.Unmarshal(ts3.TagSet.Tag, &several); err != nil || len(several) != 3 || several[2]["Key"] != "env" {
		t.Fatalf("several tags must be an array in request order: %s (%v)", ts3.TagSet.Tag, err)
	}
	if evs[0].Detail.UserIdentity.Type != "Root" || evs[0].Detail.UserIdentity.AccountID != wlA {
		t.Fatalf("root identity: %s", raw[0])
	}
	ui := evs[2].Detail.UserIdentity
	if ui.Type != "AssumedRole" || ui.ARN != "arn:aws:sts::"+wlA+":assumed-role/MacieSelfServiceRead/dev" ||
		ui.SessionContext == nil || ui.SessionContext.SessionIssuer.UserName != "MacieSelfServiceRead" {
		t.Fatalf("role identity: %s", raw[2])
	}
	if _, ok := param[tagSet](t, evs[3], "Tagging"); ok {
		t.Fatalf("DeleteBucketTagging carries no tags: %s", raw[3])
	}
}

func TestPutBucketProducesNoEvent(t *testing.T) {
	sb, _ := testSandbox(t, 0)
	mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: "setup-only", Tags: map[string]string{"macie": "true"}})
	if evs := sb.TakeEvents(); len(evs) != 0 {
		t.Fatalf("setup produced %d events", len(evs))
	}
}
