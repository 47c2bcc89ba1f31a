package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/macie2"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/doctor"
)

// fakeDLQ serves SQS GetQueueAttributes (AWS JSON 1.0) with a fixed depth.
func fakeDLQ(t *testing.T, depth string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "AmazonSQS.GetQueueAttributes" {
			http.Error(w, "unexpected call", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(map[string]any{"Attributes": map[string]string{"ApproximateNumberOfMessages": depth}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/" + pfAdmin + "/macie-selfservice-dlq"
}

type checkRow struct {
	check, where string
	result       doctor.Result
	detailHas    string
}

func checkRows(t *testing.T, rep doctor.Report, want []checkRow) {
	t.Helper()
	if len(rep.Checks) != len(want) {
		t.Fatalf("%d checks, want %d: %+v", len(rep.Checks), len(want), rep.Checks)
	}
	for i, w := range want {
		c := rep.Checks[i]
		where := strings.Trim(c.Region+" "+c.Account, " ")
		if c.Check != w.check || where != w.where || c.Result != w.result || !strings.Contains(c.Detail, w.detailHas) ||
			(c.Result != doctor.Pass && c.Remedy == "") {
			t.Errorf("check %d: %+v\nwant %+v", i, c, w)
		}
	}
}

func TestDoctorJSONFindsWhatToFix(t *testing.T) {
	f := newStatusFixture(t)
	code, out, stderr := f.run(t, nil, "doctor", "--json", "--dlq-url", fakeDLQ(t, "2"))
	if code != 1 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rep := decode[doctor.Report](t, out)
	checkRows(t, rep, []checkRow{
		{"delegated-admin", "eu-west-1 " + pfAdmin, doctor.Pass, "is the delegated Macie administrator"},
		{"auto-enable-off", "eu-west-1", doctor.Fail, "autoEnable is on"},
		{"findings-to-security-hub", "eu-west-1", doctor.Fail, "not published"},
		{"managed-job", "eu-west-1", doctor.Fail, "stale definition: name "},
		{"automated-discovery", "eu-west-1", doctor.Pass, "automated discovery is DISABLED"},
		{"delegated-admin", "us-east-1 " + pfAdmin, doctor.Pass, ""},
		{"auto-enable-off", "us-east-1", doctor.Pass, "autoEnable is off"},
		{"findings-to-security-hub", "us-east-1", doctor.Fail, "not published"},
		{"managed-job", "us-east-1", doctor.Pass, "with the wanted definition"},
		{"automated-discovery", "us-east-1", doctor.Pass, "automated discovery is DISABLED"},
		{"read-role", pfManagement, doctor.Pass, "assumed"},
		{"read-role", pfNew, doctor.Pass, "assumed"},
		{"read-role", pfMixed, doctor.Pass, "assumed"},
		{"read-role", pfNoRole, doctor.Fail, "AssumeRole"},
		{"dead-letter-queue", "", doctor.Fail, "2 message(s)"},
	})
	if rep.Summary != (doctor.Summary{Pass: 9, Fail: 6}) {
		t.Errorf("summary %+v", rep.Summary)
	}
	if !strings.Contains(rep.Checks[3].Detail, "sampling 50%, want 100%") {
		t.Errorf("stale job detail %q", rep.Checks[3].Detail)
	}
}

func TestDoctorPassesAfterApply(t *testing.T) {
	f := newStatusFixture(t)
	if code, _, stderr := f.run(t, nil, "apply", "--yes"); code != 0 {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	dlq := fakeDLQ(t, "0")
	// apply leaves organization settings alone: doctor still says how to switch autoEnable off.
	code, out, _ := f.run(t, nil, "doctor", "--sample", "2", "--dlq-url", dlq)
	if code != 1 || !strings.Contains(out, "FAIL  auto-enable-off") || !strings.Contains(out, "1 failed") ||
		!strings.Contains(out, "fix: aws macie2 update-organization-configuration --no-auto-enable --region eu-west-1") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.srv.URL()}).Macie("eu-west-1").(*macie2.Client).
		UpdateOrganizationConfiguration(ctx, &macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = f.run(t, nil, "doctor", "--sample", "2", "--dlq-url", dlq)
	if code != 0 || !strings.Contains(out, "0 failed") || strings.Contains(out, "FAIL") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestDoctorSkipsTheQueueWithoutURL(t *testing.T) {
	f := newStatusFixture(t)
	_, out, _ := f.run(t, nil, "doctor", "--json", "--sample", "1")
	rep := decode[doctor.Report](t, out)
	last := rep.Checks[len(rep.Checks)-1]
	if last.Check != doctor.CheckDLQ || last.Result != doctor.Skipped || !strings.Contains(last.Remedy, "--dlq-url") {
		t.Errorf("queue check %+v", last)
	}
	if code, _, _ := f.run(t, nil, "doctor", "--sample", "-1"); code != 2 {
		t.Errorf("--sample -1: exit %d", code)
	}
}
