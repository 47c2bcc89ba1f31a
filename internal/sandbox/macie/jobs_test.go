package macie

import (
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// tagJob is an s3JobDefinition that includes buckets tagged key=value.
func tagJob(k, v string) *types.S3JobDefinition {
	return &types.S3JobDefinition{BucketCriteria: &types.S3BucketCriteriaForJob{
		Includes: &types.CriteriaBlockForJob{And: []types.CriteriaForJob{{
			TagCriterion: &types.TagCriterionForJob{
				Comparator: types.JobComparatorEq,
				TagValues:  []types.TagCriterionPairForJob{{Key: aws.String(k), Value: aws.String(v)}},
			},
		}}},
	}}
}

// createJob creates a daily job and returns its id.
func createJob(t *testing.T, c *macie2.Client, name, token string, def *types.S3JobDefinition) string {
	t.Helper()
	out, err := c.CreateClassificationJob(ctx(t), &macie2.CreateClassificationJobInput{
		ClientToken:       aws.String(token),
		Name:              aws.String(name),
		JobType:           types.JobTypeScheduled,
		ScheduleFrequency: &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}},
		S3JobDefinition:   def,
	})
	must(t, err)
	return aws.ToString(out.JobId)
}

// fullJob is a job request using most of the model's members.
func fullJob(token string) *macie2.CreateClassificationJobInput {
	def := tagJob("macie", "true")
	def.BucketCriteria.Includes.And = append(def.BucketCriteria.Includes.And, types.CriteriaForJob{
		SimpleCriterion: &types.SimpleCriterionForJob{Comparator: types.JobComparatorNe,
			Key: types.SimpleCriterionKeyForJobAccountId, Values: []string{outsider}}})
	def.BucketCriteria.Excludes = &types.CriteriaBlockForJob{And: []types.CriteriaForJob{{
		SimpleCriterion: &types.SimpleCriterionForJob{Comparator: types.JobComparatorStartsWith,
			Key: types.SimpleCriterionKeyForJobS3BucketName, Values: []string{"logs-"}}}}}
	return &macie2.CreateClassificationJobInput{
		ClientToken:                   aws.String(token),
		Name:                          aws.String("macie-selfservice-daily"),
		Description:                   aws.String("tagged buckets"),
		JobType:                       types.JobTypeScheduled,
		ScheduleFrequency:             &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}},
		InitialRun:                    aws.Bool(true),
		SamplingPercentage:            aws.Int32(50),
		ManagedDataIdentifierSelector: types.ManagedDataIdentifierSelectorRecommended,
		S3JobDefinition:               def,
		Tags:                          map[string]string{"owner": "platform"},
	}
}

func TestCreateAndDescribeKeepsFullDefinition(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	in := fullJob("tok-a")
	out, err := c.CreateClassificationJob(ctx(t), in)
	must(t, err)
	id := aws.ToString(out.JobId)
	if len(id) != 32 || aws.ToString(out.JobArn) != "arn:aws:macie2:"+region+":"+admin+":classification-job/"+id {
		t.Fatalf("id %q arn %q", id, aws.ToString(out.JobArn))
	}
	got, err := c.DescribeClassificationJob(ctx(t), &macie2.DescribeClassificationJobInput{JobId: out.JobId})
	must(t, err)
	if got.JobStatus != types.JobStatusRunning || got.JobType != types.JobTypeScheduled ||
		aws.ToString(got.Name) != "macie-selfservice-daily" || aws.ToString(got.Description) != "tagged buckets" ||
		!aws.ToBool(got.InitialRun) || aws.ToInt32(got.SamplingPercentage) != 50 ||
		got.ManagedDataIdentifierSelector != types.ManagedDataIdentifierSelectorRecommended ||
		got.ScheduleFrequency == nil || got.ScheduleFrequency.DailySchedule == nil ||
		got.Tags["owner"] != "platform" || aws.ToString(got.ClientToken) != "tok-a" || got.CreatedAt == nil {
		t.Fatalf("described job differs: %+v", got)
	}
	if !reflect.DeepEqual(got.S3JobDefinition.BucketCriteria, in.S3JobDefinition.BucketCriteria) {
		t.Fatalf("bucket criteria changed:\n got %+v\nwant %+v", got.S3JobDefinition.BucketCriteria, in.S3JobDefinition.BucketCriteria)
	}
	stored := h.svc.Jobs(admin, region)
	if len(stored) != 1 || stored[0].S3JobDefinition.BucketCriteria.Excludes.And[0].SimpleCriterion.Values[0] != "logs-" {
		t.Fatalf("stored: %+v", stored)
	}
	_, err = c.DescribeClassificationJob(ctx(t), &macie2.DescribeClassificationJobInput{JobId: aws.String("0123")})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = h.client(admin, region2).DescribeClassificationJob(ctx(t), &macie2.DescribeClassificationJobInput{JobId: out.JobId})
	wantCode(t, err, "AccessDeniedException")
}

func TestCreateJobClientTokenIsIdempotent(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	first := createJob(t, c, "a", "same", tagJob("macie", "true"))
	again := createJob(t, c, "a", "same", tagJob("macie", "true"))
	if first != again {
		t.Fatalf("same clientToken gave jobs %s and %s", first, again)
	}
	other := createJob(t, c, "a", "other", tagJob("macie", "true"))
	if other == first || len(h.svc.Jobs(admin, region)) != 2 {
		t.Fatalf("want two jobs, got %d", len(h.svc.Jobs(admin, region)))
	}
}

func TestJobsReturnsCopies(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	createJob(t, h.client(admin, region), "a", "t", tagJob("macie", "true"))
	jobs := h.svc.Jobs(admin, region)
	jobs[0].Name = "changed"
	jobs[0].S3JobDefinition.BucketCriteria.Includes.And[0].TagCriterion.TagValues[0].Value = "false"
	again := h.svc.Jobs(admin, region)[0]
	if again.Name != "a" || again.S3JobDefinition.BucketCriteria.Includes.And[0].TagCriterion.TagValues[0].Value != "true" {
		t.Fatalf("stored job was changed through a copy: %+v", again)
	}
}

func TestCreateJobValidation(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	bad := map[string]func(*macie2.CreateClassificationJobInput){
		"no schedule":        func(in *macie2.CreateClassificationJobInput) { in.ScheduleFrequency = nil },
		"one-time schedule":  func(in *macie2.CreateClassificationJobInput) { in.JobType = types.JobTypeOneTime },
		"sampling 0":         func(in *macie2.CreateClassificationJobInput) { in.SamplingPercentage = aws.Int32(0) },
		"no name":            func(in *macie2.CreateClassificationJobInput) { in.Name = aws.String("") },
		"GT tag comparator":  func(in *macie2.CreateClassificationJobInput) { in.S3JobDefinition = tagCmp(types.JobComparatorGt) },
		"include ids needed": func(in *macie2.CreateClassificationJobInput) { in.ManagedDataIdentifierSelector = "INCLUDE" },
		"criteria and list": func(in *macie2.CreateClassificationJobInput) {
			in.S3JobDefinition.BucketDefinitions = []types.S3BucketDefinitionForJob{{AccountId: aws.String(wl1), Buckets: []string{"b"}}}
		},
	}
	for name, mutate := range bad {
		in := fullJob("tok-" + name)
		mutate(in)
		_, err := c.CreateClassificationJob(ctx(t), in)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		wantCode(t, err, "ValidationException")
	}
	if n := len(h.svc.Jobs(admin, region)); n != 0 {
		t.Fatalf("%d invalid jobs stored", n)
	}
}

func tagCmp(cmp types.JobComparator) *types.S3JobDefinition {
	def := tagJob("macie", "true")
	def.BucketCriteria.Includes.And[0].TagCriterion.Comparator = cmp
	return def
}

func TestUpdateClassificationJobStatus(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	id := aws.String(createJob(t, c, "a", "t", tagJob("macie", "true")))
	set := func(s types.JobStatus) error {
		_, err := c.UpdateClassificationJob(ctx(t), &macie2.UpdateClassificationJobInput{JobId: id, JobStatus: s})
		return err
	}
	status := func() types.JobStatus {
		out, err := c.DescribeClassificationJob(ctx(t), &macie2.DescribeClassificationJobInput{JobId: id})
		must(t, err)
		return out.JobStatus
	}
	wantCode(t, set(types.JobStatusRunning), "ValidationException") // not paused
	wantCode(t, set(types.JobStatusIdle), "ValidationException")
	must(t, set(types.JobStatusUserPaused))
	out, err := c.DescribeClassificationJob(ctx(t), &macie2.DescribeClassificationJobInput{JobId: id})
	must(t, err)
	if out.JobStatus != types.JobStatusUserPaused || out.UserPausedDetails == nil || out.UserPausedDetails.JobExpiresAt == nil {
		t.Fatalf("paused job: %+v", out)
	}
	must(t, set(types.JobStatusRunning))
	if s := status(); s != types.JobStatusRunning {
		t.Fatalf("resumed status %s", s)
	}
	must(t, set(types.JobStatusCancelled))
	for _, s := range []types.JobStatus{types.JobStatusRunning, types.JobStatusUserPaused, types.JobStatusCancelled} {
		wantCode(t, set(s), "ValidationException")
	}
	if s := status(); s != types.JobStatusCancelled {
		t.Fatalf("status %s after refused changes", s)
	}
	_, err = c.UpdateClassificationJob(ctx(t), &macie2.UpdateClassificationJobInput{JobId: aws.String("nope"), JobStatus: types.JobStatusCancelled})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestServiceRefusesWhatTheSDKWouldNotSend(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	cases := map[string]struct{ method, path, body, code string }{
		"no s3JobDefinition": {"POST", "/jobs", `{"clientToken":"a","name":"n","jobType":"ONE_TIME"}`, "ValidationException"},
		"no clientToken":     {"POST", "/jobs", `{"name":"n","jobType":"ONE_TIME","s3JobDefinition":{"bucketDefinitions":[{"accountId":"1","buckets":["b"]}]}}`, "ValidationException"},
		"bad JSON":           {"POST", "/jobs", `{`, "ValidationException"},
		"no autoEnable":      {"PATCH", "/admin/configuration", `{}`, "ValidationException"},
		"half publication":   {"PUT", "/findings-publication-configuration", `{"securityHubConfiguration":{"publishPolicyFindings":true}}`, "ValidationException"},
		"unknown route":      {"DELETE", "/macie", ``, "UnknownOperationException"},
		"one-time job ok":    {"POST", "/jobs", `{"clientToken":"b","name":"n","jobType":"ONE_TIME","s3JobDefinition":{"bucketDefinitions":[{"accountId":"1","buckets":["b"]}]}}`, ""},
	}
	for name, tc := range cases {
		if code := h.raw(t, admin, tc.method, tc.path, tc.body); code != tc.code {
			t.Errorf("%s: got %q, want %q", name, code, tc.code)
		}
	}
}

func TestConcurrentCreatesWithOneTokenMakeOneJob(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.CreateClassificationJob(ctx(t), fullJob("shared"))
			if err == nil {
				ids[i] = aws.ToString(out.JobId)
			}
			_ = h.svc.ScanScope(region)
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("concurrent creates returned %v", ids)
		}
	}
	if n := len(h.svc.Jobs(admin, region)); n != 1 {
		t.Fatalf("%d jobs stored, want 1", n)
	}
}
