package scenario

import (
	"os"
	"strings"
	"testing"
)

func TestParseTheDocumentedExample(t *testing.T) {
	_, err := Load("testdata/issue-example.yaml")
	// The documented example names a bucket "b", which S3 rejects (3 to 63 characters).
	if err == nil || !strings.Contains(err.Error(), `"b" is not a valid S3 bucket name`) || !strings.Contains(err.Error(), ":14:") {
		t.Fatalf("err = %v", err)
	}
	data, _ := os.ReadFile("testdata/issue-example.yaml")
	fixed := strings.ReplaceAll(string(data), "bucket: b,", "bucket: b-raw,")
	fixed = strings.ReplaceAll(fixed, "bucket: b}", "bucket: b-raw}")
	s, err := Parse("fixed.yaml", []byte(fixed))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 9 || s.Steps[0].PutTags == nil || s.Steps[8].Faults.Rate != 0.5 || s.Steps[4].Line != 16 {
		t.Fatalf("scenario %+v", s.Steps)
	}
	if s.Organization.Accounts[0].Email != "a@example.com" || !s.Organization.Accounts[0].HasReadRole() {
		t.Fatalf("accounts %+v", s.Organization.Accounts)
	}
}

const base = `organization:
  managementAccount: "111111111111"
  adminAccount: "222222222222"
  regions: [eu-west-1]
  accounts:
    - {id: "333333333333"}
initial:
  buckets:
    - {account: "333333333333", region: eu-west-1, name: pii-data, tags: {macie: "true"}}
steps:
`

func TestMalformedScenariosNameTheLine(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"not yaml", "organization: [", "f.yaml:"},
		{"unknown key", base + "  - frobnicate: {}\n", "f.yaml:11"},
		{"two keys", base + "  - {drop: {}, reconcile: {}}\n", "f.yaml:11: a step has exactly one key"},
		{"no management", strings.Replace(base, `managementAccount: "111111111111"`, `managementAccount: ""`, 1), `f.yaml:2: organization.managementAccount is required`},
		{"management left out", strings.Replace(base, "  managementAccount: \"111111111111\"\n", "", 1), `f.yaml:1: organization.managementAccount is required`},
		{"bucket account left out", strings.Replace(base, `{account: "333333333333", region`, `{region`, 1), `f.yaml:9: initial.buckets[0].account is required`},
		{"step bucket left out", base + "  - deleteTags: {account: \"333333333333\"}\n", `f.yaml:11: steps[0].deleteTags.bucket is required`},
		{"unquoted account", strings.Replace(base, `{id: "333333333333"}`, `{id: 3333}`, 1), `f.yaml:6: "3333" is not a 12-digit`},
		{"no regions", strings.Replace(base, "regions: [eu-west-1]", "regions: []", 1), "f.yaml:4: organization.regions is required (at least one managed Region)"},
		{"regions left out", strings.Replace(base, "  regions: [eu-west-1]\n", "", 1), "f.yaml:1: organization.regions is required"},
		{"bad region", strings.Replace(base, "regions: [eu-west-1]", "regions: [Ireland]", 1), `f.yaml:4: "Ireland" is not a Region`},
		{"unknown account", base + "  - deleteTags: {account: \"999999999999\", bucket: pii-data}\n", "f.yaml:11: account 999999999999 is not in the organization"},
		{"missing bucket", base + "  - deleteTags: {account: \"333333333333\", bucket: nope-nope}\n", `f.yaml:11: bucket "nope-nope" does not exist`},
		{"deleted bucket", base + "  - deleteBucket: {account: \"333333333333\", bucket: pii-data}\n  - putTags: {account: \"333333333333\", bucket: pii-data, tags: {}}\n", "f.yaml:12: bucket \"pii-data\" does not exist"},
		{"bad order", base + "  - deliver: {order: sideways}\n", `f.yaml:11: order "sideways"`},
		{"bad fault op", base + "  - faults: {operation: CreateMember, error: X, rate: 1}\n", "f.yaml:11: operation"},
		{"bad rate", base + "  - faults: {operation: \"macie2:CreateMember\", error: X, rate: 2}\n", "f.yaml:11: rate 2"},
		{"bad member status", strings.Replace(base, "steps:\n", "  members: [{account: \"333333333333\", region: eu-west-1, status: On}]\nsteps:\n", 1), `f.yaml:10: status "On"`},
		{"duplicate bucket", base + "  - createBucket: {account: \"333333333333\", region: eu-west-1, bucket: pii-data}\n", "already exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	if _, err := Parse("big.yaml", make([]byte, maxSize+1)); err == nil {
		t.Fatal("oversized scenario accepted")
	}
}

func TestDemoIsValid(t *testing.T) {
	s := Demo()
	if len(s.Steps) < 8 || len(s.Organization.Regions) != 2 {
		t.Fatalf("demo %+v", s)
	}
}

func TestYAMLReaderPanicIsAnError(t *testing.T) {
	// Found by FuzzParse: the YAML library dereferences nil on a tag where a sequence belongs.
	in := "organization:\n  regions: !eu-st-1,us-east-1]\n"
	if _, err := Parse("t.yaml", []byte(in)); err == nil || !strings.HasPrefix(err.Error(), "t.yaml:") {
		t.Fatalf("err = %v", err)
	}
}
