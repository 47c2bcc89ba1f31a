package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// modelStart is when the virtual clock of the model tests starts.
var modelStart = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// model is a sandbox on a virtual clock with an administrator (in eu-west-1) and two Enabled
// members, wlA and wlB, served on loopback.
type model struct {
	t     *testing.T
	sb    *Sandbox
	srv   *Server
	clock *vclock.Clock
}

const modelRegion = "eu-west-1"

func newModel(t *testing.T) *model {
	t.Helper()
	clock := vclock.New(modelStart)
	sb := New(Options{Seed: 3, Now: clock.Now})
	sb.SetOrganization("o-abcdefghij", mgmt)
	for _, a := range []Account{{ID: mgmt, Email: "mgmt@example.com"}, {ID: admin, Email: "admin@example.com"},
		{ID: wlA, Email: "a@example.com"}, {ID: wlB, Email: "b@example.com"}, {ID: "555555555555", Email: "c@example.com"}} {
		sb.AddAccount(a)
	}
	sb.Macie().SetAdmin(modelRegion, admin)
	sb.Macie().SetMember(admin, modelRegion, wlA, "Enabled")
	sb.Macie().SetMember(admin, modelRegion, wlB, "Enabled")
	sb.SetCoveragePolicy(func(tags map[string]string) bool { return tags["macie"] == "true" })
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &model{t: t, sb: sb, srv: srv, clock: clock}
}

// advance moves the virtual clock by d, stopping at every moment something is due.
func (m *model) advance(d time.Duration) {
	end := m.clock.Now().Add(d)
	for {
		next, _ := m.sb.Macie().NextDue()
		if next.After(end) {
			break
		}
		m.clock.Set(next)
		m.sb.Macie().RunDue()
	}
	m.clock.Set(end)
}

// bucket creates a bucket of account with tags and one group of old objects (a year old).
func (m *model) bucket(account, name string, tags map[string]string, objects, sensitive int64) {
	m.t.Helper()
	mustPut(m.t, m.sb, Bucket{Account: account, Region: modelRegion, Name: name, Tags: tags})
	if objects > 0 {
		m.objects(account, name, ObjectGroup{Count: objects, SizeBytes: objects << 20, Sensitive: sensitive,
			LastModified: m.clock.Now().AddDate(-1, 0, 0)})
	}
}

// objects adds a group of objects to a bucket.
func (m *model) objects(account, name string, g ObjectGroup) {
	m.t.Helper()
	if err := m.sb.PutObjects(account, name, g); err != nil {
		m.t.Fatal(err)
	}
}

// coverage returns the coverage of one bucket.
func (m *model) coverage(name string) BucketCoverage {
	m.t.Helper()
	for _, c := range m.sb.Coverage() {
		if c.Bucket == name {
			return c
		}
	}
	m.t.Fatalf("no coverage for bucket %s", name)
	return BucketCoverage{}
}

// wantCoverage checks a bucket's objects, distinct objects analysed and analyses.
func (m *model) wantCoverage(name string, objects, analysed, analyses int64) {
	m.t.Helper()
	c := m.coverage(name)
	if c.Objects != objects || c.Analysed != analysed || c.Analyses != analyses {
		m.t.Fatalf("%s: %d objects, %d analysed, %d analyses; want %d, %d, %d",
			name, c.Objects, c.Analysed, c.Analyses, objects, analysed, analyses)
	}
}

// macie returns a macie2 client for account.
func (m *model) macie(account string) *macie2.Client {
	return macie2.NewFromConfig(cfg(m.srv, account, modelRegion))
}

// job creates a classification job as the administrator and returns its id.
func (m *model) job(in *macie2.CreateClassificationJobInput) string {
	m.t.Helper()
	out, err := m.macie(admin).CreateClassificationJob(context.Background(), in)
	if err != nil {
		m.t.Fatal(err)
	}
	return aws.ToString(out.JobId)
}

// dailyTagJob is the project's kind of job: daily, over buckets tagged macie=true.
func dailyTagJob(token string, initialRun bool) *macie2.CreateClassificationJobInput {
	return &macie2.CreateClassificationJobInput{
		ClientToken: aws.String(token), Name: aws.String("daily-" + token), JobType: types.JobTypeScheduled,
		ScheduleFrequency: &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}},
		InitialRun:        aws.Bool(initialRun),
		S3JobDefinition: &types.S3JobDefinition{BucketCriteria: &types.S3BucketCriteriaForJob{
			Includes: &types.CriteriaBlockForJob{And: []types.CriteriaForJob{{TagCriterion: &types.TagCriterionForJob{
				Comparator: types.JobComparatorEq,
				TagValues:  []types.TagCriterionPairForJob{{Key: aws.String("macie"), Value: aws.String("true")}}}}}}}},
	}
}

// oneTimeJob analyses the named buckets of account once.
func oneTimeJob(token, account string, buckets ...string) *macie2.CreateClassificationJobInput {
	return &macie2.CreateClassificationJobInput{
		ClientToken: aws.String(token), Name: aws.String("once-" + token), JobType: types.JobTypeOneTime,
		S3JobDefinition: &types.S3JobDefinition{BucketDefinitions: []types.S3BucketDefinitionForJob{
			{AccountId: aws.String(account), Buckets: buckets}}},
	}
}

// describe returns a job's description.
func (m *model) describe(id string) *macie2.DescribeClassificationJobOutput {
	m.t.Helper()
	out, err := m.macie(admin).DescribeClassificationJob(context.Background(),
		&macie2.DescribeClassificationJobInput{JobId: aws.String(id)})
	if err != nil {
		m.t.Fatal(err)
	}
	return out
}
