package convergence

import (
	"slices"
	"testing"

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
