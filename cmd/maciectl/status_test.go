package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/status"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// newStatusFixture is the cost fixture with the wanted managed job in us-east-1, so that one
// Region has the current job and the other only the stale one.
func newStatusFixture(t *testing.T) *planFixture {
	t.Helper()
	f := newCostFixture(t)
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := plan.NewJobSpec(tagpolicy.Default(), nil, 100)
	if err := awsapi.NewMacie(awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.srv.URL()})).CreateJob(ctx, "us-east-1", want); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestStatusJSONFieldByField(t *testing.T) {
	f := newStatusFixture(t)
	code, out, stderr := f.run(t, nil, "status", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rep := decode[status.Report](t, out)
	if rep.Policy != "macie=true" || len(rep.Regions) != 2 {
		t.Fatalf("report %+v", rep)
	}
	want := plan.NewJobSpec(tagpolicy.Default(), nil, 100)
	eu, us := rep.Regions[0], rep.Regions[1]
	if eu.Region != "eu-west-1" || eu.Publishing || eu.Active == nil || eu.Active.ID != f.oldJob || eu.Active.SamplingPercentage != 50 ||
		eu.Active.LastRunTime.IsZero() || len(eu.Jobs) != 1 {
		t.Errorf("eu-west-1 %+v active %+v", eu, eu.Active)
	}
	if us.Region != "us-east-1" || us.Active == nil || us.Active.Name != want.Name || us.Active.Status != plan.JobRunning || us.Active.Schedule != "DAILY" {
		t.Errorf("us-east-1 %+v active %+v", us, us.Active)
	}
	type row struct{ account, region, status, bucket, reason string }
	rows := []row{
		{pfNew, "eu-west-1", "None", "new-data", "not scanned: the account is not a Macie member"},
		{pfNew, "us-east-1", "None", "new-near-miss", "not scanned: does not meet tag macie=true (job " + want.Name + ")"},
		{pfMixed, "eu-west-1", "Paused", "mixed-data", "not scanned: member paused"},
		{pfMixed, "us-east-1", "Enabled", "mixed-archive", "scanned by job " + want.Name},
		{pfNoRole, "eu-west-1", "unknown", "", ""},
		{pfNoRole, "us-east-1", "unknown", "", ""},
	}
	got := map[string]status.Account{}
	for _, a := range rep.Accounts {
		got[a.Account+"/"+a.Region] = a
	}
	for _, w := range rows {
		a, ok := got[w.account+"/"+w.region]
		if !ok || a.Status != w.status {
			t.Errorf("%s/%s: %+v", w.account, w.region, a)
			continue
		}
		if w.bucket == "" {
			if !strings.Contains(a.Error, "AssumeRole") {
				t.Errorf("%s/%s: error %q", w.account, w.region, a.Error)
			}
			continue
		}
		if len(a.Buckets) != 1 || a.Buckets[0].Name != w.bucket || a.Buckets[0].Reason != w.reason {
			t.Errorf("%s/%s: buckets %+v, want %s: %s", w.account, w.region, a.Buckets, w.bucket, w.reason)
		}
	}
	if a := got[pfNew+"/us-east-1"]; a.NearMisses != 1 || a.InScope != 0 || a.Buckets[0].NearMisses[0] != "Macie=true" {
		t.Errorf("near-miss row %+v", a)
	}
	if a := got[pfMixed+"/us-east-1"]; a.InScope != 1 || a.Scanned != 1 || a.MonthlyUSD != 1 {
		t.Errorf("scanned row %+v", a)
	}
}

func TestStatusTextAndHTMLFile(t *testing.T) {
	f := newStatusFixture(t)
	page := filepath.Join(t.TempDir(), "status.html")
	code, out, _ := f.run(t, nil, "status", "--html", page)
	for _, want := range []string{"FINDINGS TO SECURITY HUB", "mixed-data [macie=true]: not scanned: member paused",
		"near-miss Macie=true", "error: ", pfNoRole} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; text lacks %q:\n%s", code, want, out)
		}
	}
	openInBrowser(t, page, []string{pfManagement, pfNew, pfMixed, pfNoRole}, []string{pfNoRole})
}
