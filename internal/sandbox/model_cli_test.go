package sandbox

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestAWSCLIObjectsAndMacieModel drives object uploads and every Macie operation of the model
// (job runs, automated discovery, buckets, findings, usage) with the AWS CLI: botocore must
// parse each response.
func TestAWSCLIObjectsAndMacieModel(t *testing.T) {
	t.Parallel()
	m := newModel(t)
	cli := newAWSCLI(t, m.srv.URL())
	m.bucket(wlA, "cli-pii", tagged, 50, 1)
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte("name,ssn\nJane,123-45-6789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.ok(wlA, modelRegion, "s3", "cp", "--only-show-errors", file, "s3://cli-pii/people.csv")
	out := cli.ok(wlA, modelRegion, "s3api", "put-object", "--bucket", "cli-pii", "--key", "empty.txt")
	if out["ETag"] == nil {
		t.Fatalf("put-object: %v", out)
	}
	if b, _ := m.sb.LookupBucket("cli-pii"); b.Objects != 52 {
		t.Fatalf("%d objects after two uploads to 50", b.Objects)
	}

	cli.ok(admin, modelRegion, "macie2", "update-automated-discovery-configuration", "--status", "ENABLED",
		"--auto-enable-organization-members", "NEW")
	out = cli.ok(admin, modelRegion, "macie2", "get-automated-discovery-configuration")
	if out["status"] != "ENABLED" || out["autoEnableOrganizationMembers"] != "NEW" || out["firstEnabledAt"] == nil {
		t.Fatalf("get-automated-discovery-configuration: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "batch-update-automated-discovery-accounts",
		"--accounts", "accountId="+wlB+",status=DISABLED", "accountId=999999999999,status=ENABLED")
	if got := names(out["errors"], "errorCode"); len(got) != 1 || got[0] != "ACCOUNT_NOT_FOUND" {
		t.Fatalf("batch-update-automated-discovery-accounts: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "list-automated-discovery-accounts")
	if got := names(out["items"], "status"); len(got) != 3 || got[0] != "ENABLED" || got[2] != "DISABLED" {
		t.Fatalf("list-automated-discovery-accounts: %v", out)
	}

	job := `{"clientToken":"cli","name":"daily","jobType":"SCHEDULED","scheduleFrequency":{"dailySchedule":{}},` +
		`"initialRun":true,"s3JobDefinition":{"bucketCriteria":{"includes":{"and":[{"tagCriterion":` +
		`{"comparator":"EQ","tagValues":[{"key":"macie","value":"true"}]}}]}}}}`
	created := cli.ok(admin, modelRegion, "macie2", "create-classification-job", "--cli-input-json", job)
	m.advance(25 * time.Hour)
	out = cli.ok(admin, modelRegion, "macie2", "describe-classification-job", "--job-id", created["jobId"].(string))
	if stats, _ := out["statistics"].(map[string]any); stats["numberOfRuns"] != 2.0 || out["lastRunTime"] == nil {
		t.Fatalf("describe-classification-job: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "describe-buckets", "--criteria", `{"bucketName":{"eq":["cli-pii"]}}`)
	buckets, _ := out["buckets"].([]any)
	if len(buckets) != 1 {
		t.Fatalf("describe-buckets: %v", out)
	}
	// NEW enabled automated discovery for the administrator and new members, not for wlA.
	if b := buckets[0].(map[string]any); b["objectCount"] != 52.0 || b["automatedDiscoveryMonitoringStatus"] != "NOT_MONITORED" {
		t.Fatalf("describe-buckets: %v", b)
	}
	out = cli.ok(admin, modelRegion, "macie2", "list-findings")
	ids, _ := out["findingIds"].([]any)
	if len(ids) != 2 {
		t.Fatalf("list-findings: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "get-findings", "--finding-ids", ids[0].(string), ids[1].(string))
	if got := names(out["findings"], "type"); len(got) != 2 || got[0] != "SensitiveData:S3Object/Personal" {
		t.Fatalf("get-findings: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "get-finding-statistics", "--group-by", "severity.description")
	if got := names(out["countsByGroup"], "groupKey"); len(got) != 1 || got[0] != "Low" {
		t.Fatalf("get-finding-statistics: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "get-usage-statistics", "--sort-by", "key=accountId,orderBy=DESC")
	if got := names(out["records"], "accountId"); len(got) != 3 || got[0] != wlB {
		t.Fatalf("get-usage-statistics: %v", out)
	}
	out = cli.ok(admin, modelRegion, "macie2", "get-usage-totals")
	if len(out["usageTotals"].([]any)) != 4 {
		t.Fatalf("get-usage-totals: %v", out)
	}
}
