package macie

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// awsCLI runs `aws macie2 args...` as account against the harness and decodes its JSON output.
// It returns the error output when the command fails.
func (h *harness) awsCLI(t *testing.T, account string, out any, args ...string) (stderr string, ok bool) {
	t.Helper()
	// A generous bound: the CLI starts a Python interpreter, slow on a loaded machine.
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(c, "aws", append([]string{"macie2", "--endpoint-url", h.url, "--output", "json"}, args...)...)
	cmd.Env = []string{
		"AWS_ACCESS_KEY_ID=" + account, "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=" + region,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv) // PATH, HOME, ...; no ambient AWS settings
		}
	}
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		return se.String(), false
	}
	if out != nil && strings.TrimSpace(so.String()) != "" {
		if err := json.Unmarshal(so.Bytes(), out); err != nil {
			t.Fatalf("aws %v: output is not JSON: %v\n%s", args, err, so.String())
		}
	}
	return se.String(), true
}

// cliOK runs the CLI and fails the test if the command fails.
func (h *harness) cliOK(t *testing.T, account string, out any, args ...string) {
	t.Helper()
	if stderr, ok := h.awsCLI(t, account, out, args...); !ok {
		t.Fatalf("aws macie2 %v failed: %s", args, stderr)
	}
}

func TestBotocoreParsesResponses(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t, 2)
	scopeWorld(h)
	h.cliOK(t, mgmt, nil, "enable-organization-admin-account", "--admin-account-id", admin)
	var admins struct {
		AdminAccounts []struct{ AccountID, Status string } `json:"adminAccounts"`
	}
	h.cliOK(t, mgmt, &admins, "list-organization-admin-accounts")
	if len(admins.AdminAccounts) != 1 || admins.AdminAccounts[0].Status != "ENABLED" {
		t.Fatalf("admins: %+v", admins)
	}
	for _, id := range []string{wl1, wl2, wl3} {
		email, _ := h.world.OrgAccount(id)
		h.cliOK(t, admin, nil, "create-member", "--account", "accountId="+id+",email="+email)
	}
	h.cliOK(t, admin, nil, "update-member-session", "--id", wl2, "--status", "PAUSED")

	var members struct {
		Members []struct {
			AccountID          string `json:"accountId"`
			RelationshipStatus string `json:"relationshipStatus"`
			InvitedAt          string `json:"invitedAt"`
		} `json:"members"`
	}
	// The CLI follows nextToken itself: three members over pages of two.
	h.cliOK(t, admin, &members, "list-members", "--only-associated", "false")
	if len(members.Members) != 3 || members.Members[1].RelationshipStatus != "Paused" || members.Members[0].InvitedAt == "" {
		t.Fatalf("members: %+v", members)
	}

	job := `{"clientToken":"cli-1","name":"daily","jobType":"SCHEDULED","scheduleFrequency":{"dailySchedule":{}},` +
		`"initialRun":true,"managedDataIdentifierSelector":"RECOMMENDED","s3JobDefinition":{"bucketCriteria":` +
		`{"includes":{"and":[{"tagCriterion":{"comparator":"EQ","tagValues":[{"key":"macie","value":"true"}]}}]}}}}`
	var created struct {
		JobID string `json:"jobId"`
	}
	h.cliOK(t, admin, &created, "create-classification-job", "--cli-input-json", job)
	var described struct {
		JobStatus       string          `json:"jobStatus"`
		CreatedAt       string          `json:"createdAt"`
		S3JobDefinition json.RawMessage `json:"s3JobDefinition"`
	}
	h.cliOK(t, admin, &described, "describe-classification-job", "--job-id", created.JobID)
	if described.JobStatus != "RUNNING" || described.CreatedAt == "" || !strings.Contains(string(described.S3JobDefinition), `"macie"`) {
		t.Fatalf("described: %+v", described)
	}
	h.svc.RefreshInventory()
	var resources struct {
		MatchingResources []json.RawMessage `json:"matchingResources"`
	}
	h.cliOK(t, admin, &resources, "search-resources")
	if len(resources.MatchingResources) != 9 { // admin 2, wl1 6, wl3 1; wl2 is Paused
		t.Fatalf("search-resources returned %d buckets, want 9", len(resources.MatchingResources))
	}
	var usage struct {
		UsageTotals []struct{ Type, EstimatedCost string } `json:"usageTotals"`
	}
	h.cliOK(t, admin, &usage, "get-usage-totals", "--time-range", "PAST_30_DAYS")
	if len(usage.UsageTotals) != 4 {
		t.Fatalf("usage: %+v", usage)
	}
	stderr, ok := h.awsCLI(t, admin, nil, "get-member", "--id", outsider)
	if ok || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Fatalf("get-member of a non-member: ok=%v %s", ok, stderr)
	}
	if h.ops["CreateMember"] != 3 || h.ops["ListMembers"] != 2 {
		t.Fatalf("operations seen: %v", h.ops)
	}
}
