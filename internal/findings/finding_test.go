package findings

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// fixture returns testdata/finding.json, changed by edit (applied to the decoded object).
func fixture(t *testing.T, edit func(ev, detail map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/finding.json")
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return string(raw)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	edit(ev, ev["detail"].(map[string]any))
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestDecodeTheDocumentedEvent(t *testing.T) {
	f, err := Decode(fixture(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Finding{ID: "64b917aa3ed3b0f3a26b0c3a3f1a4d2e", UpdatedAt: "2026-11-30T09:15:25.112Z",
		EventAccount: "222222222222", Account: "333333333333", Region: "eu-west-1", Partition: "aws",
		Bucket: "team-a-customer-exports", OwnerID: "7009a8971cd538e11f6b6606438875e7c86c5b672f46db45460ddcd087d36c32",
		Key: "exports/2026-11/customers.csv", Type: "SensitiveData:S3Object/Personal", Severity: Medium, Count: 1}
	if f != want {
		t.Errorf("decoded\n %+v\nwant\n %+v", f, want)
	}
	if f.DedupKey() != "64b917aa3ed3b0f3a26b0c3a3f1a4d2e@2026-11-30T09:15:25.112Z" {
		t.Errorf("dedup key %q", f.DedupKey())
	}
}

func TestDecodeRefusesWhatIsNotASensitiveDataFinding(t *testing.T) {
	cases := map[string]func(ev, d map[string]any){
		"policy finding":         func(_, d map[string]any) { d["category"] = "POLICY" },
		"other source":           func(ev, _ map[string]any) { ev["source"] = "aws.s3" },
		"other detail-type":      func(ev, _ map[string]any) { ev["detail-type"] = "AWS API Call via CloudTrail" },
		"no detail":              func(ev, _ map[string]any) { delete(ev, "detail") },
		"no finding id":          func(_, d map[string]any) { delete(d, "id") },
		"no updatedAt":           func(_, d map[string]any) { delete(d, "updatedAt") },
		"no object key":          func(_, d map[string]any) { delete(d["resourcesAffected"].(map[string]any), "s3Object") },
		"no bucket":              func(_, d map[string]any) { delete(d["resourcesAffected"].(map[string]any), "s3Bucket") },
		"account not an id":      func(_, d map[string]any) { d["accountId"] = "33333333333x" },
		"event account not id":   func(ev, _ map[string]any) { ev["account"] = "" },
		"Regions differ":         func(ev, _ map[string]any) { ev["region"] = "us-east-1" },
		"unknown severity":       func(_, d map[string]any) { d["severity"] = map[string]any{"description": "Critical"} },
		"severity of wrong type": func(_, d map[string]any) { d["severity"] = "High" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(fixture(t, edit))
			if !errors.Is(err, ErrNotAFinding) {
				t.Errorf("error %v, want ErrNotAFinding", err)
			}
		})
	}
	for _, body := range []string{"", "[]", "{", strings.Repeat(" ", maxBody+1)} {
		if _, err := Decode(body); !errors.Is(err, ErrNotAFinding) {
			t.Errorf("Decode(%.20q): error %v, want ErrNotAFinding", body, err)
		}
	}
}

func TestMessage(t *testing.T) {
	f, err := Decode(fixture(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Macie Medium: SensitiveData:S3Object/Personal in bucket team-a-customer-exports" {
		t.Errorf("subject %q", m.Subject)
	}
	var b map[string]any
	if err := json.Unmarshal([]byte(m.Body), &b); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"account": "333333333333", "region": "eu-west-1", "bucket": "team-a-customer-exports",
		"objectKey": "exports/2026-11/customers.csv", "findingType": "SensitiveData:S3Object/Personal",
		"severity": "Medium", "count": 1.0, "findingId": "64b917aa3ed3b0f3a26b0c3a3f1a4d2e",
		"updatedAt":  "2026-11-30T09:15:25.112Z",
		"consoleUrl": "https://console.aws.amazon.com/macie/home?region=eu-west-1#findings?itemId=64b917aa3ed3b0f3a26b0c3a3f1a4d2e"}
	if len(b) != len(want) {
		t.Errorf("body has %d members, want %d: %s", len(b), len(want), m.Body)
	}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("body %s = %v, want %v", k, b[k], v)
		}
	}
	attrs := map[string]string{AttrSeverity: "Medium", AttrBucket: "team-a-customer-exports", AttrFindingType: "SensitiveData:S3Object/Personal"}
	for k, v := range attrs {
		if m.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, m.Attributes[k], v)
		}
	}
}

func TestSubjectStaysWithinSNSLimits(t *testing.T) {
	f := Finding{Severity: High, Type: "SensitiveData:S3Object/Multiple", Bucket: strings.Repeat("b", 63) + "é"}
	s := subject(f)
	if len(s) > maxSubject || !strings.HasSuffix(s, "...") {
		t.Errorf("subject %q (%d bytes): want at most %d, cut with ...", s, len(s), maxSubject)
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			t.Errorf("subject %q has a character SNS refuses: %q", s, r)
		}
	}
}

func TestSeverityOrder(t *testing.T) {
	for _, c := range []struct {
		s, min Severity
		want   bool
	}{{Low, Low, true}, {Medium, Low, true}, {High, Medium, true}, {Low, Medium, false}, {Medium, High, false}} {
		if got := c.s.AtLeast(c.min); got != c.want {
			t.Errorf("%s.AtLeast(%s) = %v", c.s, c.min, got)
		}
	}
	if s, err := ParseSeverity("high"); err != nil || s != High {
		t.Errorf("ParseSeverity(high) = %q, %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe): no error")
	}
}

func TestSeenForgetsTheOldestBeyondItsBound(t *testing.T) {
	s := NewSeen(2)
	s.Add("a")
	s.Add("b")
	s.Add("a") // already there: nothing forgotten
	if !s.Has("a") || !s.Has("b") {
		t.Fatal("both keys should be remembered")
	}
	s.Add("c")
	if s.Has("a") || !s.Has("b") || !s.Has("c") {
		t.Errorf("after c: a=%v b=%v c=%v, want a forgotten", s.Has("a"), s.Has("b"), s.Has("c"))
	}
}
