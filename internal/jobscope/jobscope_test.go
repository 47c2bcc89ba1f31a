package jobscope

import (
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func managed(spec plan.JobSpec) Job {
	j := Job{Name: spec.Name, Type: "SCHEDULED", Schedule: spec.Schedule, SamplingPercentage: spec.SamplingPercentage,
		Includes: []Cond{{Comparator: "EQ", Tags: []TagPair{{Key: spec.TagKey, Value: spec.TagValue}}}}}
	if len(spec.ExcludedAccounts) > 0 {
		j.Excludes = []Cond{{Comparator: "EQ", Key: "ACCOUNT_ID", Values: spec.ExcludedAccounts}}
	}
	return j
}

func TestCovers(t *testing.T) {
	spec := plan.NewJobSpec(tagpolicy.Default(), []string{"444444444444"}, 100)
	j := managed(spec)
	for _, c := range []struct {
		b      Bucket
		in     bool
		reason string
	}{
		{Bucket{"333333333333", "a", map[string]string{"macie": "true", "x": "y"}}, true, ""},
		{Bucket{"333333333333", "b", map[string]string{"Macie": "true"}}, false, "does not meet tag macie=true"},
		{Bucket{"333333333333", "c", map[string]string{"macie": "True"}}, false, "does not meet tag macie=true"},
		{Bucket{"333333333333", "d", nil}, false, "does not meet tag macie=true"},
		{Bucket{"444444444444", "e", map[string]string{"macie": "true"}}, false, "excluded by ACCOUNT_ID EQ 444444444444"},
	} {
		in, reason := j.Covers(c.b)
		if in != c.in || reason != c.reason {
			t.Errorf("%s: %v %q, want %v %q", c.b.Name, in, reason, c.in, c.reason)
		}
	}
	named := Job{Explicit: []string{"333333333333/a"}}
	if in, _ := named.Covers(Bucket{Account: "333333333333", Name: "a"}); !in {
		t.Error("explicit bucket not covered")
	}
	if in, r := named.Covers(Bucket{Account: "333333333333", Name: "b", Tags: map[string]string{"macie": "true"}}); in || r == "" {
		t.Error("bucket outside the explicit list covered")
	}
	ne := Job{Includes: []Cond{{Comparator: "NE", Tags: []TagPair{{Key: "skip"}}}, {Comparator: "STARTS_WITH", Key: "S3_BUCKET_NAME", Values: []string{"team-"}}}}
	if in, _ := ne.Covers(Bucket{Name: "team-x"}); !in {
		t.Error("NE tag / STARTS_WITH name not covered")
	}
	if in, _ := ne.Covers(Bucket{Name: "team-x", Tags: map[string]string{"skip": "1"}}); in {
		t.Error("NE tag held with the tag present")
	}
}

func TestDiff(t *testing.T) {
	spec := plan.NewJobSpec(tagpolicy.Default(), []string{"444444444444"}, 100)
	if d := managed(spec).Diff(spec); len(d) != 0 {
		t.Fatalf("same job differs: %v", d)
	}
	old := managed(plan.NewJobSpec(tagpolicy.Policy{Key: "Macie", Value: "true"}, nil, 50))
	d := old.Diff(spec)
	joined := strings.Join(d, "; ")
	for _, want := range []string{"name ", "sampling 50%, want 100%", "includes tag Macie=true, want tag macie=true", "excludes nothing, want ACCOUNT_ID EQ 444444444444"} {
		if !strings.Contains(joined, want) {
			t.Errorf("diff %q lacks %q", joined, want)
		}
	}
	if len(d) != 4 {
		t.Errorf("diff %q", d)
	}
}
