package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// fixtureDir holds CloudTrail events as EventBridge delivers them (one wrapped in an SQS batch).
const fixtureDir = "../internal/event/testdata"

// forwarded says, for every fixture, whether the rules must forward it. The four calls are
// forwarded; a call that failed (errorCode, here AccessDenied) changed nothing, so the patterns
// leave it out with {"exists": false} on detail.errorCode: it would only cost a message and an
// invocation. A fixture missing from this table fails the test, so new samples get a decision.
var forwarded = map[string]bool{
	"create-bucket.json":                    true,
	"delete-bucket.json":                    true,
	"delete-bucket-tagging.json":            true,
	"put-bucket-tagging-single-tag.json":    true,
	"put-bucket-tagging-several-tags.json":  true,
	"put-bucket-tagging-macie-false.json":   true,
	"sqs-batch-put-bucket-tagging.json":     true,
	"put-bucket-tagging-access-denied.json": false,
}

// fixtureEvents reads a fixture: one EventBridge event, or the bodies of an SQS batch.
func fixtureEvents(t *testing.T, path string) []object {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Records []struct {
			Body string `json:"body"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(data, &doc); err == nil && len(doc.Records) > 0 {
		var out []object
		for _, r := range doc.Records {
			out = append(out, decodeObject(t, r.Body))
		}
		return out
	}
	return []object{decodeObject(t, string(data))}
}

// patterns returns the event pattern of every rule of every template for events of a source
// (aws.s3: the S3 calls; aws.macie: the findings), by "template rule".
func patternsOf(t *testing.T, source string) map[string]object {
	t.Helper()
	out := map[string]object{}
	for _, name := range Names {
		for _, r := range resources(raw(t, name), name, "AWS::Events::Rule") {
			if p, ok := r.Props["EventPattern"].(object); ok && slices.Contains(strs(p["source"]), source) {
				out[name+" "+r.ID] = p
			}
		}
	}
	return out
}

// patterns returns the patterns of the rules for the S3 calls.
func patterns(t *testing.T) map[string]object { return patternsOf(t, "aws.s3") }

func TestEveryRuleIsForS3CallsOrFindings(t *testing.T) {
	n := 0
	for _, name := range Names {
		for _, r := range resources(raw(t, name), name, "AWS::Events::Rule") {
			if _, ok := r.Props["EventPattern"].(object); ok {
				n++
			}
		}
	}
	if got := len(patterns(t)) + len(patternsOf(t, "aws.macie")); got != n {
		t.Errorf("%d rules with a pattern, %d of them for S3 calls or findings", n, got)
	}
}

func TestEventPatternsMatchExactlyTheFourCalls(t *testing.T) {
	ps := patterns(t)
	if len(ps) != 2 {
		t.Fatalf("want the workload forwarding rule and the central queue rule, got %d patterns", len(ps))
	}
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	for _, f := range files {
		want, known := forwarded[filepath.Base(f)]
		if !known {
			t.Errorf("fixture %s: say in forwarded whether the rules must forward it", filepath.Base(f))
			continue
		}
		for _, ev := range fixtureEvents(t, f) {
			for rule, p := range ps {
				got, err := matches(p, ev)
				if err != nil || got != want {
					t.Errorf("%s on %s: matched %v (%v), want %v", rule, filepath.Base(f), got, err, want)
				}
			}
		}
	}
}

// TestEventPatternsRejectOtherEvents varies one field of a forwarded event at a time.
func TestEventPatternsRejectOtherEvents(t *testing.T) {
	variants := map[string]func(ev, detail object){
		"a read call":              func(_, d object) { d["eventName"] = "GetBucketTagging" },
		"another bucket write":     func(_, d object) { d["eventName"] = "PutBucketPolicy" },
		"an object data event":     func(_, d object) { d["eventName"] = "PutObject"; d["eventCategory"] = "Data" },
		"a failed call":            func(_, d object) { d["errorCode"] = "NoSuchBucket"; d["errorMessage"] = "x" },
		"another service":          func(ev, d object) { ev["source"] = "aws.ec2"; d["eventSource"] = "ec2.amazonaws.com" },
		"another event source":     func(_, d object) { d["eventSource"] = "s3-outposts.amazonaws.com" },
		"an S3 event notification": func(ev, _ object) { ev["detail-type"] = "Object Created" },
		"a custom source":          func(ev, _ object) { ev["source"] = "team.app" },
	}
	base := fixtureEvents(t, filepath.Join(fixtureDir, "put-bucket-tagging-single-tag.json"))[0]
	for rule, p := range patterns(t) {
		if ok, err := matches(p, base); !ok || err != nil {
			t.Fatalf("%s must match the unchanged event (%v)", rule, err)
		}
		for name, change := range variants {
			ev := decodeObject(t, mustJSON(t, base))
			change(ev, obj(ev["detail"]))
			if ok, err := matches(p, ev); ok || err != nil {
				t.Errorf("%s matched %s (%v)", rule, name, err)
			}
		}
	}
}

func TestForwardingAndQueueRulesAgree(t *testing.T) {
	var all []object
	for _, p := range patterns(t) {
		all = append(all, p)
	}
	if len(all) != 2 || !reflect.DeepEqual(all[0], all[1]) {
		t.Errorf("the workload and central patterns differ: %v", all)
	}
	names := list(obj(all[0]["detail"])["eventName"])
	for _, n := range []string{"PutBucketTagging", "DeleteBucketTagging", "DeleteBucket", "CreateBucket"} {
		if !slices.Contains(names, any(n)) {
			t.Errorf("pattern does not name %s", n)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
