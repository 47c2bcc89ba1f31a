package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// macieFindingEvents returns the details of the "Macie Finding" events queued so far.
func macieFindingEvents(t *testing.T, sb *Sandbox) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, raw := range sb.TakeEvents() {
		var ev struct {
			Source     string         `json:"source"`
			DetailType string         `json:"detail-type"`
			Account    string         `json:"account"`
			Detail     map[string]any `json:"detail"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Source == "aws.macie" && ev.DetailType == "Macie Finding" {
			if ev.Account != admin {
				t.Fatalf("finding event in account %s, want the administrator's", ev.Account)
			}
			out = append(out, ev.Detail)
		}
	}
	return out
}

func TestFindingsAreUpdatedNotDuplicated(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "pii", nil, 100, 2)
	m.job(oneTimeJob("first", wlA, "pii"))
	m.advance(time.Minute)
	first := macieFindingEvents(t, m.sb)
	if len(first) != 2 {
		t.Fatalf("%d finding events after the first analysis, want 2", len(first))
	}
	m.job(oneTimeJob("second", wlA, "pii"))
	m.advance(time.Minute)
	second := macieFindingEvents(t, m.sb)
	if len(second) != 2 || second[0]["id"] != first[0]["id"] || second[0]["count"] != 2.0 ||
		second[0]["updatedAt"] == first[0]["updatedAt"] {
		t.Fatalf("second analysis: %v\nfirst: %v", second, first)
	}

	c := m.macie(admin)
	ctx := context.Background()
	ids, err := c.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &types.FindingCriteria{
		Criterion: map[string]types.CriterionAdditionalProperties{"resourcesAffected.s3Bucket.name": {Eq: []string{"pii"}}}}})
	if err != nil || len(ids.FindingIds) != 2 {
		t.Fatalf("ListFindings: %+v, %v", ids, err)
	}
	got, err := c.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: ids.FindingIds})
	if err != nil || len(got.Findings) != 2 {
		t.Fatalf("GetFindings: %+v, %v", got, err)
	}
	f := got.Findings[0]
	if aws.ToInt64(f.Count) != 2 || aws.ToString(f.AccountId) != wlA || f.Type != types.FindingTypeSensitiveDataS3ObjectPersonal ||
		f.Category != types.FindingCategoryClassification || f.Severity.Description != types.SeverityDescriptionLow ||
		aws.ToString(f.ResourcesAffected.S3Bucket.Name) != "pii" || aws.ToString(f.ResourcesAffected.S3Object.Key) == "" ||
		f.ClassificationDetails.OriginType != types.OriginTypeSensitiveDataDiscoveryJob {
		t.Fatalf("finding %+v", f)
	}
	stats, err := c.GetFindingStatistics(ctx, &macie2.GetFindingStatisticsInput{GroupBy: types.GroupByResourcesAffectedS3BucketName})
	if err != nil || len(stats.CountsByGroup) != 1 || aws.ToInt64(stats.CountsByGroup[0].Count) != 2 {
		t.Fatalf("statistics %+v, %v", stats, err)
	}
	if fc := m.sb.Macie().FindingCounts(); len(fc) != 1 || fc[0].Bucket != "pii" || fc[0].Count != 4 || fc[0].Account != wlA {
		t.Fatalf("finding counts %+v", fc)
	}
	// The bucket owner reads its own findings too; another member does not.
	if own, err := m.macie(wlA).ListFindings(ctx, &macie2.ListFindingsInput{}); err != nil || len(own.FindingIds) != 2 {
		t.Fatalf("owner's findings %+v, %v", own, err)
	}
	if other, err := m.macie(wlB).ListFindings(ctx, &macie2.ListFindingsInput{}); err != nil || len(other.FindingIds) != 0 {
		t.Fatalf("another member's findings %+v, %v", other, err)
	}
}

func TestPutObjectThroughS3AddsOrReplacesOneObject(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "uploads", tagged, 0, 0)
	s3c := s3Client(m.srv, wlA, modelRegion)
	put := func(key, body string) {
		t.Helper()
		_, err := s3c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key),
			Body: bytes.NewReader([]byte(body))})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("notes/plain.txt", "nothing to see")
	put("keys/creds.txt", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE")
	put("notes/plain.txt", "replaced, still nothing") // the same key: replaced, not added
	if b, _ := m.sb.LookupBucket("uploads"); b.Objects != 2 {
		t.Fatalf("%d objects after three puts of two keys", b.Objects)
	}
	if ev := m.sb.TakeEvents(); len(ev) != 0 {
		t.Fatalf("object puts queued %d CloudTrail events; data events are not forwarded", len(ev))
	}
	m.job(oneTimeJob("uploads", wlA, "uploads"))
	m.advance(time.Minute)
	events := macieFindingEvents(t, m.sb)
	if len(events) != 1 || !strings.Contains(mustJSON(t, events[0]), `"key":"keys/creds.txt"`) ||
		!strings.Contains(mustJSON(t, events[0]), `"SensitiveData:S3Object/Credentials"`) {
		t.Fatalf("findings %v", events)
	}
	_, err := s3Client(m.srv, wlB, modelRegion).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("uploads"), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPutObjectsValidates(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "valid", nil, 0, 0)
	for _, g := range []ObjectGroup{{Count: 0}, {Count: 2, Sensitive: 3}, {Count: 1, SizeBytes: -1}, {Count: 1, SensitiveType: "SECRETS"}} {
		if err := m.sb.PutObjects(wlA, "valid", g); err == nil {
			t.Errorf("PutObjects(%+v) accepted", g)
		}
	}
	if err := m.sb.PutObjects(wlB, "valid", ObjectGroup{Count: 1}); err == nil {
		t.Error("PutObjects into another account's bucket accepted")
	}
	if b, _ := m.sb.LookupBucket("valid"); b.Objects != 0 {
		t.Fatalf("refused groups added %d objects", b.Objects)
	}
}
