package event

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden is the expected decoding of every file in testdata.
func golden(t *testing.T) map[string][]Change {
	return map[string][]Change{
		"create-bucket.json": {{
			Kind: BucketCreated, Account: "444444444444", Region: "eu-central-1", Bucket: "team-b-raw-uploads",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0006", EventTime: mustTime(t, "2026-11-04T17:03:59Z"),
		}},
		"delete-bucket-tagging.json": {{
			Kind: TagsRemoved, Account: "333333333333", Region: "eu-west-1", Bucket: "team-a-invoices",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0004", EventTime: mustTime(t, "2026-11-03T08:40:12Z"),
		}},
		"delete-bucket.json": {{
			Kind: BucketDeleted, Account: "333333333333", Region: "eu-west-1", Bucket: "team-a-customer-exports",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0005", EventTime: mustTime(t, "2026-11-04T16:22:05Z"),
		}},
		"put-bucket-tagging-access-denied.json": {{
			Kind: Ignored, Account: "444444444444", Region: "us-east-1", Bucket: "team-b-build-cache",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0007", EventTime: mustTime(t, "2026-11-05T09:12:00Z"),
			Reason: "failed call: errorCode AccessDenied, nothing changed",
		}},
		"put-bucket-tagging-macie-false.json": {{
			Kind: TagsReplaced, Account: "444444444444", Region: "us-east-1", Bucket: "team-b-build-cache",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0003", EventTime: mustTime(t, "2026-11-02T11:01:44Z"),
			Tags: map[string]string{"macie": "false", "owner": "team-b"},
		}},
		"put-bucket-tagging-several-tags.json": {{
			Kind: TagsReplaced, Account: "333333333333", Region: "eu-west-1", Bucket: "team-a-invoices",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0002", EventTime: mustTime(t, "2026-11-02T10:17:02Z"),
			Tags: map[string]string{"owner": "team-a", "macie": "true", "cost-center": "cc-1042"},
		}},
		"put-bucket-tagging-single-tag.json": {{
			Kind: TagsReplaced, Account: "333333333333", Region: "eu-west-1", Bucket: "team-a-customer-exports",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0001", EventTime: mustTime(t, "2026-11-02T10:15:31Z"),
			Tags: map[string]string{"macie": "true"},
		}},
		"sqs-batch-put-bucket-tagging.json": {{
			Kind: TagsReplaced, Account: "333333333333", Region: "eu-west-1", Bucket: "team-a-customer-exports",
			EventID: "5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0001", EventTime: mustTime(t, "2026-11-02T10:15:31Z"),
			Tags: map[string]string{"macie": "true"}, MessageID: "9c1e6b52-7e2d-4a57-8d7d-1b7e0c2a0001",
		}},
	}
}

func TestDecodeTestdata(t *testing.T) {
	want := golden(t)
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("testdata has %d files, golden table has %d: keep them in step", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			got, err := Decode(readTestdata(t, name))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, want[name]) {
				t.Errorf("Decode(%s)\n got %+v\nwant %+v", name, got, want[name])
			}
		})
	}
}

func TestDecodeInputForms(t *testing.T) {
	single := readTestdata(t, "put-bucket-tagging-single-tag.json")
	deleted := readTestdata(t, "delete-bucket.json")
	batch := readTestdata(t, "sqs-batch-put-bucket-tagging.json")
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name  string
		input []byte
		kinds []Kind
	}{
		{"bare event", single, []Kind{TagsReplaced}},
		{"array of events", join([]byte("["), single, []byte(","), deleted, []byte("]")), []Kind{TagsReplaced, BucketDeleted}},
		{"concatenated events", join(single, deleted, []byte("\n"), single), []Kind{TagsReplaced, BucketDeleted, TagsReplaced}},
		{"batch then event", join(batch, deleted), []Kind{TagsReplaced, BucketDeleted}},
		{"array holding a batch", join([]byte("["), batch, []byte("]")), []Kind{TagsReplaced}},
		{"empty array", []byte(" [ ] "), nil},
		{"empty batch", []byte(`{"Records":[]}`), nil},
		{"array of non-objects", []byte(`[1, "x", null, []]`), []Kind{Ignored, Ignored, Ignored, Ignored}},
		{"top-level string", []byte(`"hello"`), []Kind{Ignored}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.input)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(kinds(got), tt.kinds) {
				t.Errorf("kinds = %v, want %v", kinds(got), tt.kinds)
			}
		})
	}
}

func kinds(cs []Change) []Kind {
	var ks []Kind
	for _, c := range cs {
		ks = append(ks, c.Kind)
	}
	return ks
}

func TestDecodeBatchJudgesEachMessage(t *testing.T) {
	body := strings.ReplaceAll(string(readTestdata(t, "delete-bucket.json")), "\n", "")
	input := `{"Records":[
		{"messageId":"m1","eventSource":"aws:sqs","body":"not json"},
		{"messageId":"m2","eventSource":"aws:sqs","body":` + quote(body) + `},
		{"messageId":"m3","eventSource":"aws:sqs"},
		{"messageId":"m4","eventSource":"aws:s3","body":"{}"},
		{"messageId":"m5","body":"[1]"},
		"not a record"
	]}`
	got, err := Decode([]byte(input))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	wantKinds := []Kind{Ignored, BucketDeleted, Ignored, Ignored, Ignored, Ignored}
	if !reflect.DeepEqual(kinds(got), wantKinds) {
		t.Fatalf("kinds = %v, want %v", kinds(got), wantKinds)
	}
	wantReasons := []string{"not JSON", "", "no body", "is not aws:sqs", "not an event object", "malformed SQS record"}
	for i, c := range got {
		if !strings.Contains(c.Reason, wantReasons[i]) {
			t.Errorf("change %d reason = %q, want it to contain %q", i, c.Reason, wantReasons[i])
		}
		if wantID := []string{"m1", "m2", "m3", "m4", "m5", ""}[i]; c.MessageID != wantID {
			t.Errorf("change %d messageId = %q, want %q", i, c.MessageID, wantID)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	bigEvent := `{"source":"aws.s3","pad":"` + strings.Repeat("x", MaxEventBytes) + `"}`
	tests := []struct {
		name  string
		input string
		want  error
	}{
		{"empty", "", ErrNotJSON},
		{"white space", " \n\t", ErrNotJSON},
		{"garbage", "hello", ErrNotJSON},
		{"truncated", `{"source":"aws.s3"`, ErrNotJSON},
		{"garbage after a value", `{} }`, ErrNotJSON},
		{"too deep", deep, ErrTooDeep},
		{"very deep does not blow the stack", strings.Repeat("[", 1<<20), ErrTooDeep},
		{"event too large", bigEvent, ErrTooLarge},
		{"event too large in an array", "[" + bigEvent + "]", ErrTooLarge},
		{"input too large", strings.Repeat(" ", MaxInputBytes+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.input))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode error = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Errorf("Decode returned changes with an error: %v", got)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestDecodeAtDepthLimit(t *testing.T) {
	// An event with its padding nested exactly MaxDepth levels deep is still decoded.
	pad := strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1)
	got, err := Decode([]byte(`{"source":"other","pad":` + pad + `}`))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(got) != 1 || got[0].Kind != Ignored {
		t.Errorf("got %+v, want one Ignored change", got)
	}
}

func TestDecodeMessageLimits(t *testing.T) {
	tests := []struct {
		name, body, reason string
	}{
		{"oversized body", `{"pad":"` + strings.Repeat("x", MaxEventBytes) + `"}`, "exceeds"},
		{"deep body", strings.Repeat("{\"a\":", MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), "nested too deeply"},
		{"empty body", "", "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DecodeMessage("m-1", tt.body)
			if c.Kind != Ignored || !strings.Contains(c.Reason, tt.reason) || c.MessageID != "m-1" {
				t.Errorf("DecodeMessage = %+v, want Ignored for %q with messageId m-1", c, tt.reason)
			}
		})
	}
}

func TestDepthIgnoresBracketsInStrings(t *testing.T) {
	s := `{"a":"` + strings.Repeat(`[{\"`, 200) + `"}`
	if err := checkDepth([]byte(s), 2); err != nil {
		t.Errorf("checkDepth counted brackets inside a string: %v", err)
	}
}
