package plan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

const (
	admin     = "222222222222"
	workload  = "333333333333"
	protected = "444444444444"
	excluded  = "555555555555"
)

func rules() Rules {
	p := tagpolicy.Default()
	return Rules{
		Policy:    p,
		Admin:     admin,
		Protected: map[string]bool{protected: true},
		Excluded:  map[string]bool{excluded: true},
		Job:       NewJobSpec(p, []string{excluded}, 100),
	}
}

var (
	tagged   = []Bucket{{Name: "a", Tags: map[string]string{"macie": "true"}}, {Name: "b"}}
	untagged = []Bucket{{Name: "a", Tags: map[string]string{"macie": "false"}}}
)

// TestMemberRules is the rule table of the package doc, row by row: every relationship status,
// in scope or not, for a plain, a protected, an excluded and the administrator account.
func TestMemberRules(t *testing.T) {
	// want[status] = {action when in scope, action when nothing in scope}; "" = no action, "!" =
	// no action and a warning.
	want := map[MemberStatus][2]Kind{
		"":                            {CreateMember, ""},
		StatusNone:                    {CreateMember, ""},
		StatusRemoved:                 {CreateMember, ""},
		StatusResigned:                {CreateMember, ""},
		StatusPaused:                  {ResumeMember, ""},
		StatusEnabled:                 {"", PauseMember},
		"Invited":                     {"!", "!"},
		"Created":                     {"!", "!"},
		"EmailVerificationInProgress": {"!", "!"},
		"EmailVerificationFailed":     {"!", "!"},
		"RegionDisabled":              {"!", "!"},
		"AccountSuspended":            {"!", "!"},
	}
	for status, kinds := range want {
		for i, buckets := range [][]Bucket{tagged, untagged} {
			for _, acct := range []string{workload, protected, excluded, admin} {
				expect := kinds[i]
				switch {
				case acct == excluded || acct == admin:
					expect = ""
				case acct == protected && expect == PauseMember:
					expect = "!"
				}
				m := Member{Account: acct, Region: "eu-west-1", Email: "x@example.com", Status: status, Buckets: buckets}
				acts, warns := MemberActions(rules(), m)
				checkRow(t, m, expect, acts, warns)
			}
		}
	}
}

func checkRow(t *testing.T, m Member, expect Kind, acts []Action, warns []Warning) {
	t.Helper()
	name := m.Account + "/" + string(m.Status) + "/" + m.Buckets[0].Tags["macie"]
	switch expect {
	case "":
		if len(acts) != 0 || len(warns) != 0 {
			t.Errorf("%s: want nothing, got %v %v", name, acts, warns)
		}
	case "!":
		if len(acts) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Message, m.Account) {
			t.Errorf("%s: want one warning, got %v %v", name, acts, warns)
		}
	default:
		if len(acts) != 1 || acts[0].Kind != expect || acts[0].Reason == "" {
			t.Errorf("%s: want %s, got %v", name, expect, acts)
		}
	}
}

func TestCreateMemberCarriesEmailAndReason(t *testing.T) {
	acts, _ := MemberActions(rules(), Member{Account: workload, Region: "eu-west-1", Email: "a@example.com", Status: StatusNone, Buckets: tagged})
	a := acts[0]
	if a.Email != "a@example.com" || a.Bucket != "a" || !strings.Contains(a.Reason, "bucket a") || !strings.Contains(a.Reason, "macie=true") {
		t.Fatalf("action = %+v", a)
	}
}

func TestNearMissWarnsAndStaysOutOfScope(t *testing.T) {
	m := Member{Account: workload, Region: "eu-west-1", Status: StatusEnabled,
		Buckets: []Bucket{{Name: "pii", Tags: map[string]string{"Macie": "True"}}}}
	acts, warns := MemberActions(rules(), m)
	if len(acts) != 1 || acts[0].Kind != PauseMember {
		t.Fatalf("near miss must not keep the member enabled: %v", acts)
	}
	if len(warns) != 1 || warns[0].Bucket != "pii" || !strings.Contains(warns[0].Message, "Macie=True") {
		t.Fatalf("warnings = %v", warns)
	}
}

func TestBuildSortsAndSerialises(t *testing.T) {
	r := rules()
	members := []Member{
		{Account: "999999999999", Region: "us-east-1", Status: StatusNone, Buckets: tagged},
		{Account: workload, Region: "us-east-1", Status: StatusEnabled},
		{Account: workload, Region: "eu-west-1", Status: StatusPaused, Buckets: tagged},
	}
	regions := []RegionState{{Region: "us-east-1", Publishing: true}, {Region: "eu-west-1", Publishing: true,
		Jobs: []Job{{ID: "j1", Name: r.Job.Name, Status: JobIdle}}}}
	p := Build(r, members, regions)
	var got []string
	for _, a := range p.Actions {
		got = append(got, a.Region+" "+a.Account+" "+string(a.Kind))
	}
	want := []string{
		"eu-west-1 " + workload + " ResumeMember",
		"us-east-1  CreateJob",
		"us-east-1 " + workload + " PauseMember",
		"us-east-1 999999999999 CreateMember",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order:\n got %q\nwant %q", got, want)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back, p) {
		t.Fatalf("round trip: %v\n%s", err, raw)
	}
	if again := Build(r, members, regions); !reflect.DeepEqual(again, p) {
		t.Fatal("plan is not deterministic")
	}
}

func TestEmptyPlanSerialisesAsEmptyLists(t *testing.T) {
	raw, _ := json.Marshal(Build(rules(), nil, nil))
	if string(raw) != `{"actions":[],"warnings":[]}` {
		t.Fatalf("got %s", raw)
	}
}
