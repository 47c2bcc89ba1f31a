package convergence

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
)

func TestOracleScopeIsExact(t *testing.T) {
	for tags, want := range map[*map[string]string]bool{
		{"macie": "true"}:               true,
		{"macie": "true", "owner": "x"}: true,
		{"Macie": "true"}:               false,
		{"macie": "True"}:               false,
		{"macie": " true"}:              false,
		{"macie": "false"}:              false,
		{}:                              false,
	} {
		if got := inScope(*tags); got != want {
			t.Errorf("inScope(%v) = %v", *tags, got)
		}
	}
}

func TestOracleAllowedStatuses(t *testing.T) {
	cases := []struct {
		initial                     string
		scoped, protected, excluded bool
		want                        []string
	}{
		{"", true, false, false, []string{"Enabled"}},
		{"Paused", true, false, false, []string{"Enabled"}},
		{"Removed", true, true, false, []string{"Enabled"}},
		{"Enabled", false, false, false, []string{"Paused"}},
		{"Paused", false, false, false, []string{"Paused"}},
		{"", false, false, false, []string{"", "Paused"}},
		{"Enabled", false, true, false, []string{"Enabled"}},
		{"", false, true, false, []string{"", "Enabled"}},
		{"Enabled", false, false, true, []string{"Enabled"}},
		{"", true, false, true, []string{""}},
		{"Invited", true, false, false, []string{"Invited"}},
	}
	for _, c := range cases {
		if got := allowed(c.initial, c.scoped, c.protected, c.excluded); !slices.Equal(got, c.want) {
			t.Errorf("allowed(%q, scoped %v, protected %v, excluded %v) = %q, want %q",
				c.initial, c.scoped, c.protected, c.excluded, got, c.want)
		}
	}
}

func TestWatchFlagsEveryForbiddenChange(t *testing.T) {
	o := &org{Workloads: []string{"300000000001", "300000000002", "300000000003"}, Managed: []string{"eu-west-1"},
		Protected: map[string]bool{"300000000001": true}, Excluded: map[string]bool{"300000000002": true}}
	r := &runner{org: o}
	for _, c := range []macie.MemberChange{
		{Region: "eu-west-1", Account: "300000000001", From: "Enabled", To: "Paused"}, // protected paused
		{Region: "eu-west-1", Account: "300000000002", From: "", To: "Enabled"},       // excluded touched
		{Region: "eu-central-1", Account: "300000000003", From: "", To: "Enabled"},    // unmanaged Region
		{Region: "eu-west-1", Account: "900000000001", From: "", To: "Enabled"},       // outside the organization
		{Region: "eu-west-1", Account: adminAccount, From: "", To: "Enabled"},         // the administrator
		{Region: "eu-west-1", Account: "300000000001", From: "Paused", To: "Enabled"}, // fine
		{Region: "eu-west-1", Account: "300000000003", From: "Enabled", To: "Paused"}, // fine
	} {
		r.watch(c)
	}
	if len(r.rep.Violations) != 5 {
		t.Fatalf("violations %q", r.rep.Violations)
	}
}

func TestOracleCoverage(t *testing.T) {
	const member, invited, excluded, outsider = "300000000001", "300000000002", "300000000003", "900000000001"
	o := &org{Workloads: []string{member, invited, excluded}, Outsiders: []string{outsider}, Managed: []string{"eu-west-1"},
		Excluded: map[string]bool{excluded: true}, Buckets: []sandbox.Bucket{{Name: "initially-scoped", Tags: map[string]string{"macie": "true"}}}}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f := finalState{members: map[pair]string{{member, "eu-west-1"}: "Enabled", {invited, "eu-west-1"}: "Invited"},
		objects: map[string][]macie.ObjectGroup{}}
	bucket := func(account, region, name string, scoped bool, analyses int64, groups ...macie.ObjectGroup) {
		c := sandbox.BucketCoverage{Account: account, Region: region, Bucket: name, Analyses: analyses}
		if scoped {
			c.Tags = map[string]string{"macie": "true"}
		}
		f.coverage, f.objects[name] = append(f.coverage, c), groups
	}
	old, recent := macie.ObjectGroup{Count: 4, LastModified: day}, macie.ObjectGroup{Count: 2, Analysed: 2, LastModified: day.Add(time.Hour)}
	bucket(member, "eu-west-1", "in-scope-gap", true, 2, old, recent)                               // 4 objects never analysed
	bucket(member, "eu-west-1", "in-scope-done", true, 6, macie.ObjectGroup{Count: 6, Analysed: 6}) // fine
	bucket(invited, "eu-west-1", "not-covered", true, 0, old)                                       // the jobs do not reach it
	bucket(adminAccount, "eu-west-1", "admin-gap", true, 0, old)                                    // the administrator's own
	bucket(member, "eu-west-1", "initially-scoped", false, 3, old)                                  // in scope once
	bucket(member, "eu-west-1", "team-scoped", false, 3)                                            // tagged in scope by a team
	bucket(member, "eu-west-1", "never", false, 1)                                                  // never in scope
	bucket(excluded, "eu-west-1", "excluded", true, 1)                                              // an excluded account's
	bucket(outsider, "eu-west-1", "outsider", true, 1)                                              // outside the organization
	bucket(member, "us-east-1", "unmanaged", true, 1)                                               // an unmanaged Region
	got := divergeCoverage(o, f, map[string]bool{"team-scoped": true}, nil)
	var names []string
	for _, d := range got {
		names = append(names, strings.SplitN(strings.SplitN(d, "/", 2)[1], " ", 2)[0])
	}
	slices.Sort(names)
	if want := []string{"admin-gap", "excluded", "in-scope-gap", "never", "outsider", "unmanaged"}; !slices.Equal(names, want) {
		t.Fatalf("divergences %q, want buckets %v", got, want)
	}
	// Since the daily job's run at day (the events-only mode), the old objects may wait.
	if got := divergeCoverage(o, f, map[string]bool{"team-scoped": true}, map[string]time.Time{"eu-west-1": day}); len(got) != 4 {
		t.Fatalf("since the daily run: divergences %q, want the four analysed out of scope only", got)
	}
}
