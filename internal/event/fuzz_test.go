package event

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"Records":[{"messageId":"m","body":"{}"}]}, 1, "x"]`))
	f.Add([]byte(`{"Records":[{"messageId":"s","body":"{\"sweepShard\":{\"sweep\":\"2026-11-02T10:00:00Z\",\"region\":\"eu-west-1\",\"after\":\"\",\"accounts\":200}}"}]}`))
	for _, edit := range compactSeeds() {
		e := validEvent()
		edit(e)
		b, err := json.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		changes, err := Decode(data)
		if err != nil {
			if changes != nil {
				t.Fatalf("changes with an error: %v", err)
			}
			if !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooDeep) {
				t.Fatalf("error of no known class: %v", err)
			}
			return
		}
		for _, c := range changes {
			checkInvariants(t, c)
		}
	})
}

// checkInvariants fails t when c breaks a promise of Decode.
func checkInvariants(t *testing.T, c Change) {
	t.Helper()
	switch {
	case !c.Kind.Valid():
		t.Fatalf("unknown kind: %+v", c)
	case c.Kind == Ignored && c.Reason == "":
		t.Fatalf("Ignored without a reason: %+v", c)
	case c.Kind == Ignored && c.Tags != nil:
		t.Fatalf("Ignored with tags: %+v", c)
	case c.Kind == Ignored:
		return
	case !awsid.IsAccount(c.Account) || !awsid.IsRegion(c.Region) || c.Bucket == "":
		t.Fatalf("relevant change without account, Region or bucket: %+v", c)
	case c.Reason != "":
		t.Fatalf("relevant change with a reason: %+v", c)
	case c.Kind == TagsReplaced && c.Tags == nil:
		t.Fatalf("TagsReplaced without a tag set: %+v", c)
	case c.Kind != TagsReplaced && c.Tags != nil:
		t.Fatalf("%s with tags: %+v", c.Kind, c)
	}
}

// compactSeeds edit the small valid event into the shapes the decoder tells apart, so that the
// fuzzer starts near every branch.
func compactSeeds() []func(obj) {
	return []func(obj){
		func(obj) {},
		func(e obj) { setTags(e, []any{tagObj("macie", "true"), tagObj("owner", "a")}) },
		func(e obj) { paramsOf(e)["Tagging"] = obj{"TagSet": ""} },
		func(e obj) {
			detailOf(e)["eventName"] = "CreateBucket"
			paramsOf(e)["CreateBucketConfiguration"] = obj{"LocationConstraint": "EU"}
		},
		func(e obj) { detailOf(e)["eventName"] = "DeleteBucket" },
		func(e obj) { detailOf(e)["errorCode"] = "AccessDenied" },
	}
}
