package status

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func TestFindingsPerBucketInTextAndJSON(t *testing.T) {
	last := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	in := Input{Policy: tagpolicy.Default(), Regions: []Region{{Region: "r1", Active: job()}},
		Members: []plan.Member{{Account: "333333333333", Region: "r1", Status: "Enabled", Buckets: []plan.Bucket{
			{Name: "a", Tags: tagged}, {Name: "b", Tags: tagged}}}},
		Findings: []BucketFindings{
			{Account: "333333333333", Region: "r1", Bucket: "a", Findings: Findings{High: 2, Low: 1, LastSeen: last}},
			{Account: "444444444444", Region: "r1", Bucket: "b", Findings: Findings{High: 9, LastSeen: last}}, // another account's
		}}
	rep := Build(in)
	bs := rep.Accounts[0].Buckets
	if bs[0].Findings == nil || bs[0].Findings.High != 2 || bs[1].Findings != nil {
		t.Fatalf("buckets %+v: want a's findings on a only", bs)
	}
	var out bytes.Buffer
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "a [macie=true]: scanned by job macie-selfservice-x; findings: 2 high, 1 low, last 2026-11-30T10:00:00Z") {
		t.Errorf("text:\n%s", out.String())
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"findings":{"low":1,"medium":0,"high":2,"lastSeen":"2026-11-30T10:00:00Z"}`) {
		t.Errorf("JSON: %s", js)
	}
}
