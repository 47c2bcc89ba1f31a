package macie

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// scopeWorld fills the world with tagged buckets, near misses included.
func scopeWorld(h *harness) {
	w := h.world
	w.addBucket(admin, region, "admin-data", 1000, "macie", "true")
	w.addBucket(admin, region, "admin-other", 1000)
	w.addBucket(wl1, region, "wl1-a", 2000, "macie", "true")
	w.addBucket(wl1, region, "wl1-b", 2000, "Macie", "true")    // near miss: key case
	w.addBucket(wl1, region, "wl1-c", 2000, "macie", "True")    // near miss: value case
	w.addBucket(wl1, region, "wl1-d", 2000, "macie ", "true")   // near miss: trailing space
	w.addBucket(wl1, region, "logs-wl1", 2000, "macie", "true") // excluded by name
	w.addBucket(wl1, region, "wl1-e", 2000, "team", "data", "macie", "true")
	w.addBucket(wl2, region, "wl2-a", 4000, "macie", "true")
	w.addBucket(wl3, region, "wl3-a", 8000, "macie", "true")
	w.addBucket(wl1, region2, "wl1-r2", 16000, "macie", "true")
}

func scopeNames(entries []ScopeEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Account+"/"+e.Bucket)
	}
	return out
}

func TestScanScope(t *testing.T) {
	h := newHarness(t, 2)
	scopeWorld(h)
	h.designate(t, region)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	h.svc.SetMember(admin, region, wl2, RelationshipPaused)
	if got := h.svc.ScanScope(region); len(got) != 0 {
		t.Fatalf("scope without jobs: %v", got)
	}
	c := h.client(admin, region)
	out, err := c.CreateClassificationJob(ctx(t), fullJob("daily"))
	must(t, err)

	want := []string{admin + "/admin-data", wl1 + "/wl1-a", wl1 + "/wl1-e"}
	assertIDs(t, scopeNames(h.svc.ScanScope(region)), want...)
	if e := h.svc.ScanScope(region)[0]; e.Region != region {
		t.Fatalf("entry Region %q", e.Region)
	}

	h.svc.SetMember(admin, region, wl2, RelationshipEnabled) // resumed member: its buckets come back
	assertIDs(t, scopeNames(h.svc.ScanScope(region)), admin+"/admin-data", wl1+"/wl1-a", wl1+"/wl1-e", wl2+"/wl2-a")
	h.svc.SetMember(admin, region, wl2, RelationshipPaused)

	set := func(s types.JobStatus) {
		must(t, firstErr(c.UpdateClassificationJob(ctx(t), &macie2.UpdateClassificationJobInput{JobId: out.JobId, JobStatus: s})))
	}
	set(types.JobStatusUserPaused)
	if got := h.svc.ScanScope(region); len(got) != 0 {
		t.Fatalf("scope with a paused job: %v", got)
	}
	set(types.JobStatusRunning)
	assertIDs(t, scopeNames(h.svc.ScanScope(region)), want...)
	set(types.JobStatusCancelled)
	if got := h.svc.ScanScope(region); len(got) != 0 {
		t.Fatalf("scope with a cancelled job: %v", got)
	}
	if got := h.svc.ScanScope(region2); len(got) != 0 {
		t.Fatalf("scope in %s without an administrator: %v", region2, got)
	}
}

func TestScanScopeBucketDefinitions(t *testing.T) {
	h := newHarness(t, 2)
	scopeWorld(h)
	h.svc.SetAdmin(region, admin)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	createJob(t, h.client(admin, region), "explicit", "t", &types.S3JobDefinition{
		BucketDefinitions: []types.S3BucketDefinitionForJob{
			{AccountId: aws.String(wl1), Buckets: []string{"wl1-b", "missing"}},
			{AccountId: aws.String(wl3), Buckets: []string{"wl3-a"}}, // not a member
		}})
	assertIDs(t, scopeNames(h.svc.ScanScope(region)), wl1+"/wl1-b")
}

func TestCriteria(t *testing.T) {
	b := bucketRef{account: wl1, Bucket: Bucket{Name: "data-prod", Tags: map[string]string{"macie": "true", "env": "prod"}}}
	tag := func(cmp string, pairs ...TagPair) Criterion {
		return Criterion{TagCriterion: &TagCriterion{Comparator: cmp, TagValues: pairs}}
	}
	simple := func(k, cmp string, v ...string) Criterion {
		return Criterion{SimpleCriterion: &SimpleCriterion{Comparator: cmp, Key: k, Values: v}}
	}
	cases := []struct {
		name string
		c    Criterion
		want bool
	}{
		{"tag EQ", tag("EQ", TagPair{"macie", "true"}), true},
		{"tag EQ case", tag("EQ", TagPair{"Macie", "true"}), false},
		{"tag EQ value case", tag("EQ", TagPair{"macie", "TRUE"}), false},
		{"tag EQ any pair", tag("EQ", TagPair{"x", "y"}, TagPair{"env", "prod"}), true},
		{"tag EQ key only", tag("EQ", TagPair{Key: "env"}), true},
		{"tag EQ value only", tag("EQ", TagPair{Value: "prod"}), true},
		{"tag NE", tag("NE", TagPair{"macie", "false"}), true},
		{"tag NE held", tag("NE", TagPair{"macie", "true"}), false},
		{"account EQ", simple("ACCOUNT_ID", "EQ", wl2, wl1), true},
		{"account NE", simple("ACCOUNT_ID", "NE", wl1), false},
		{"name contains", simple("S3_BUCKET_NAME", "CONTAINS", "a-pr"), true},
		{"name starts", simple("S3_BUCKET_NAME", "STARTS_WITH", "prod"), false},
		{"name starts ok", simple("S3_BUCKET_NAME", "STARTS_WITH", "data"), true},
		{"unknown comparator", simple("S3_BUCKET_NAME", "GT", "a"), false},
	}
	for _, tc := range cases {
		if got := tc.c.holds(b); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// Excludes need all of their conditions to hold, and then win over includes.
	bc := &BucketCriteria{
		Includes: &CriteriaBlock{And: []Criterion{tag("EQ", TagPair{"macie", "true"})}},
		Excludes: &CriteriaBlock{And: []Criterion{tag("EQ", TagPair{"env", "prod"}), simple("ACCOUNT_ID", "EQ", wl2)}},
	}
	if !bc.matches(b) {
		t.Error("excluded although only one exclude condition holds")
	}
	bc.Excludes.And[1] = simple("ACCOUNT_ID", "EQ", wl1)
	if bc.matches(b) {
		t.Error("not excluded although every exclude condition holds")
	}
	if !(&BucketCriteria{}).matches(b) || !(*BucketCriteria)(nil).matches(b) {
		t.Error("empty criteria must match every bucket")
	}
}
