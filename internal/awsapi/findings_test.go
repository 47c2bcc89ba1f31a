package awsapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// fakeFindings serves ListFindings (pages of ids) and GetFindings from a list of findings.
type fakeFindings struct {
	*fakeMacie
	findings []types.Finding
	listIn   []*macie2.ListFindingsInput
	getIDs   [][]string
}

func (f *fakeFindings) Macie(string) MacieAPI { return f }

func (f *fakeFindings) ListFindings(_ context.Context, in *macie2.ListFindingsInput, _ ...func(*macie2.Options)) (*macie2.ListFindingsOutput, error) {
	f.listIn = append(f.listIn, in)
	var ids []string
	for _, fd := range f.findings {
		ids = append(ids, aws.ToString(fd.Id))
	}
	got, next := page(ids, in.NextToken, f.pageSize)
	return &macie2.ListFindingsOutput{FindingIds: got, NextToken: next}, f.call("ListFindings", nil)
}

func (f *fakeFindings) GetFindings(_ context.Context, in *macie2.GetFindingsInput, _ ...func(*macie2.Options)) (*macie2.GetFindingsOutput, error) {
	f.getIDs = append(f.getIDs, in.FindingIds)
	var out []types.Finding
	for _, fd := range f.findings {
		for _, id := range in.FindingIds {
			if aws.ToString(fd.Id) == id {
				out = append(out, fd)
			}
		}
	}
	return &macie2.GetFindingsOutput{Findings: out}, f.call("GetFindings", nil)
}

func finding(id, account, bucket string, sev types.SeverityDescription, updated time.Time) types.Finding {
	return types.Finding{Id: aws.String(id), AccountId: aws.String(account), Category: types.FindingCategoryClassification,
		Severity: &types.Severity{Description: sev}, UpdatedAt: aws.Time(updated),
		ResourcesAffected: &types.ResourcesAffected{S3Bucket: &types.S3Bucket{Name: aws.String(bucket)}}}
}

func TestFindingsCountsPerBucketBySeverityWithTheLastUpdate(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	f := &fakeFindings{fakeMacie: newFakeMacie(), findings: []types.Finding{
		finding("1", "333333333333", "a", types.SeverityDescriptionHigh, t0),
		finding("2", "333333333333", "a", types.SeverityDescriptionLow, t0.Add(time.Hour)),
		finding("3", "333333333333", "a", types.SeverityDescriptionHigh, t0.Add(-time.Hour)),
		finding("4", "444444444444", "b", types.SeverityDescriptionMedium, t0),
		{Id: aws.String("5")}, // no bucket: not counted
	}}
	got, err := (&Macie{clients: f}).Findings(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]BucketFindings{
		{Account: "333333333333", Bucket: "a", BySeverity: map[string]int{"High": 2, "Low": 1}, LastSeen: t0.Add(time.Hour)},
		{Account: "444444444444", Bucket: "b", BySeverity: map[string]int{"Medium": 1}, LastSeen: t0},
	})
	if fmt.Sprint(got) != want {
		t.Errorf("got %v\nwant %s", got, want)
	}
	if len(f.listIn) != 3 || len(f.getIDs) != 3 || len(f.getIDs[0]) != 2 {
		t.Errorf("%d ListFindings and %d GetFindings (first with %d ids), want 3 each (pages of 2)", len(f.listIn), len(f.getIDs), len(f.getIDs[0]))
	}
	c := f.listIn[0].FindingCriteria.Criterion
	if c["category"].Eq[0] != "CLASSIFICATION" || c["archived"].Eq[0] != "false" || aws.ToInt32(f.listIn[0].MaxResults) != 50 {
		t.Errorf("ListFindings asks for %v, max %d: want unarchived classification findings, 50 a page", c, aws.ToInt32(f.listIn[0].MaxResults))
	}
}

func TestFindingsReturnsTheError(t *testing.T) {
	f := &fakeFindings{fakeMacie: newFakeMacie(), findings: []types.Finding{finding("1", "333333333333", "a", types.SeverityDescriptionHigh, time.Now())}}
	f.errs["GetFindings"] = apiErr("GetFindings", "AccessDeniedException")
	if _, err := (&Macie{clients: f}).Findings(context.Background(), region); err == nil {
		t.Error("no error")
	}
}

func TestFindingsAgainstTheSandbox(t *testing.T) {
	start := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := vclock.New(start)
	srv := sandboxtest.Example(t, sandbox.Options{Now: clock.Now, PageSize: 1})
	sb := srv.Sandbox()
	c := NewClients(srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1"), ClientOptions{Endpoint: srv.URL(), MaxAttempts: 1})
	ctx := context.Background()
	sb.Macie().SetMember(sandbox.ExampleAdmin, "eu-west-1", sandbox.ExampleWorkloadA, "Enabled")
	m := NewMacie(c)
	if err := m.CreateJob(ctx, "eu-west-1", plan.NewJobSpec(tagpolicy.Default(), nil, 100)); err != nil {
		t.Fatal(err)
	}
	sb.Macie().RefreshInventory()
	clock.Advance(time.Hour)
	if err := sb.PutObjects(sandbox.ExampleWorkloadA, "team-a-customer-exports", sandbox.ObjectGroup{Count: 4, SizeBytes: 4 << 20,
		Sensitive: 3, SensitiveType: "CREDENTIALS"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	got, err := m.Findings(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Account != sandbox.ExampleWorkloadA || got[0].Bucket != "team-a-customer-exports" ||
		got[0].BySeverity["High"] != 3 || !got[0].LastSeen.Equal(start.Add(24*time.Hour)) {
		t.Errorf("findings %+v, want three High findings of team-a-customer-exports, last seen at the daily run", got)
	}
}
