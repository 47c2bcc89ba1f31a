package sandbox

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// awsCLI runs the AWS CLI against the sandbox with only the given credentials: no config
// files, no instance metadata. It returns the parsed JSON output, or the error output.
type awsCLI struct {
	t        *testing.T
	endpoint string
}

func newAWSCLI(t *testing.T, endpoint string) awsCLI {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws (AWS CLI) is not on PATH; install it to run the CLI compatibility tests")
	}
	return awsCLI{t: t, endpoint: endpoint}
}

func (a awsCLI) run(key, region string, args ...string) (map[string]any, string, error) {
	a.t.Helper()
	cmd := exec.Command("aws", append(append([]string{}, args...), "--endpoint-url", a.endpoint, "--output", "json")...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + a.t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=" + region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_MAX_ATTEMPTS=1",
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, errOut.String(), err
	}
	parsed := map[string]any{}
	if s := strings.TrimSpace(out.String()); s != "" {
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			a.t.Fatalf("aws %v: output is not JSON: %v\n%s", args, err, s)
		}
	}
	return parsed, errOut.String(), nil
}

// ok runs a command that must succeed.
func (a awsCLI) ok(key, region string, args ...string) map[string]any {
	a.t.Helper()
	out, stderr, err := a.run(key, region, args...)
	if err != nil {
		a.t.Fatalf("aws %v: %v\n%s", args, err, stderr)
	}
	return out
}

// fails runs a command that must fail with code in its error output.
func (a awsCLI) fails(code, key, region string, args ...string) {
	a.t.Helper()
	_, stderr, err := a.run(key, region, args...)
	if err == nil || !strings.Contains(stderr, "("+code+")") {
		a.t.Fatalf("aws %v: want error %s, got %v\n%s", args, code, err, stderr)
	}
}

// names collects field of each object in list.
func names(list any, field string) []string {
	var out []string
	items, _ := list.([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			s, _ := m[field].(string)
			out = append(out, s)
		}
	}
	return out
}

func TestAWSCLIS3(t *testing.T) {
	t.Parallel()
	sb, srv := testSandbox(t, 2)
	cli := newAWSCLI(t, srv.URL())
	for _, n := range []string{"cli-a1", "cli-a2", "cli-a3"} {
		mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: n})
	}
	cli.ok(wlA, "eu-west-1", "s3api", "create-bucket", "--bucket", "cli-new",
		"--create-bucket-configuration", "LocationConstraint=eu-west-1")
	out := cli.ok(wlA, "eu-west-1", "s3api", "list-buckets")
	if got := names(out["Buckets"], "Name"); !slices.Equal(got, []string{"cli-a1", "cli-a2", "cli-a3", "cli-new"}) {
		t.Fatalf("list-buckets (paginated by 2): %v", got)
	}
	if got := names(out["Buckets"], "BucketRegion"); got[0] != "eu-west-1" {
		t.Fatalf("BucketRegion: %v", got)
	}
	cli.ok(wlA, "eu-west-1", "s3api", "put-bucket-tagging", "--bucket", "cli-new",
		"--tagging", "TagSet=[{Key=macie,Value=true},{Key=team,Value=a}]")
	out = cli.ok(wlA, "eu-west-1", "s3api", "get-bucket-tagging", "--bucket", "cli-new")
	if got := names(out["TagSet"], "Key"); !slices.Equal(got, []string{"macie", "team"}) {
		t.Fatalf("get-bucket-tagging: %v", out)
	}
	out = cli.ok(wlA, "eu-west-1", "s3api", "get-bucket-location", "--bucket", "cli-new")
	if out["LocationConstraint"] != "eu-west-1" {
		t.Fatalf("get-bucket-location: %v", out)
	}
	out = cli.ok(wlA, "eu-west-1", "s3api", "head-bucket", "--bucket", "cli-new")
	if out["BucketRegion"] != "eu-west-1" {
		t.Fatalf("head-bucket: %v", out)
	}
	cli.fails("AccessDenied", wlB, "eu-west-1", "s3api", "get-bucket-tagging", "--bucket", "cli-new")
	cli.fails("InvalidTag", wlA, "eu-west-1", "s3api", "put-bucket-tagging", "--bucket", "cli-new",
		"--tagging", "TagSet=[{Key=k,Value=1},{Key=k,Value=2}]")
	cli.ok(wlA, "eu-west-1", "s3api", "delete-bucket-tagging", "--bucket", "cli-new")
	cli.fails("NoSuchTagSet", wlA, "eu-west-1", "s3api", "get-bucket-tagging", "--bucket", "cli-new")
	cli.ok(wlA, "eu-west-1", "s3api", "delete-bucket", "--bucket", "cli-new")
	cli.fails("NoSuchBucket", wlA, "eu-west-1", "s3api", "delete-bucket", "--bucket", "cli-new")
	cli.fails("InvalidAccessKeyId", "AKIANOTKNOWN00000000", "eu-west-1", "s3api", "list-buckets")
	if evs := sb.TakeEvents(); len(evs) != 4 {
		t.Fatalf("want 4 events (create, put, delete tagging, delete), got %d", len(evs))
	}
}

func TestAWSCLISTSOrganizationsTagging(t *testing.T) {
	t.Parallel()
	sb, srv := testSandbox(t, 2)
	cli := newAWSCLI(t, srv.URL())
	out := cli.ok(wlA, "us-east-1", "sts", "get-caller-identity")
	if out["Account"] != wlA || out["Arn"] != "arn:aws:iam::"+wlA+":root" {
		t.Fatalf("get-caller-identity: %v", out)
	}
	out = cli.ok(admin, "us-east-1", "sts", "assume-role", "--role-arn", "arn:aws:iam::"+wlA+":role/MacieSelfServiceRead",
		"--role-session-name", "cli")
	creds, _ := out["Credentials"].(map[string]any)
	if key, _ := creds["AccessKeyId"].(string); !strings.HasPrefix(key, "ASIA") {
		t.Fatalf("assume-role: %v", out)
	}
	cli.fails("AccessDenied", admin, "us-east-1", "sts", "assume-role", "--role-arn", "arn:aws:iam::"+wlB+":role/Nope",
		"--role-session-name", "cli")

	out = cli.ok(mgmt, "us-east-1", "organizations", "describe-organization")
	if org, _ := out["Organization"].(map[string]any); org["MasterAccountId"] != mgmt {
		t.Fatalf("describe-organization: %v", out)
	}
	out = cli.ok(mgmt, "us-east-1", "organizations", "list-accounts")
	if got := names(out["Accounts"], "Id"); !slices.Equal(got, []string{mgmt, admin, wlA, wlB}) {
		t.Fatalf("list-accounts (paginated by 2): %v", got)
	}
	out = cli.ok(mgmt, "us-east-1", "organizations", "describe-account", "--account-id", wlB)
	if acct, _ := out["Account"].(map[string]any); acct["Email"] != "b@example.com" {
		t.Fatalf("describe-account: %v", out)
	}
	out = cli.ok(mgmt, "us-east-1", "organizations", "list-parents", "--child-id", wlA)
	if got := names(out["Parents"], "Type"); !slices.Equal(got, []string{"ORGANIZATIONAL_UNIT"}) {
		t.Fatalf("list-parents: %v", out)
	}
	cli.fails("AccessDeniedException", wlA, "us-east-1", "organizations", "list-accounts")
	cli.fails("AccountNotFoundException", mgmt, "us-east-1", "organizations", "describe-account", "--account-id", "999999999999")

	for _, n := range []string{"tag-1", "tag-2", "tag-3"} {
		mustPut(t, sb, Bucket{Account: wlA, Region: "eu-west-1", Name: n, Tags: map[string]string{"macie": "true"}})
	}
	mustPut(t, sb, Bucket{Account: wlA, Region: "us-east-1", Name: "tag-us", Tags: map[string]string{"macie": "true"}})
	out = cli.ok(wlA, "eu-west-1", "resourcegroupstaggingapi", "get-resources", "--resource-type-filters", "s3",
		"--tag-filters", "Key=macie,Values=true")
	if got := names(out["ResourceTagMappingList"], "ResourceARN"); !slices.Equal(got,
		[]string{"arn:aws:s3:::tag-1", "arn:aws:s3:::tag-2", "arn:aws:s3:::tag-3"}) {
		t.Fatalf("get-resources: %v", out)
	}
}
