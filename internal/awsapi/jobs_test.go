package awsapi

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func TestCreateJobSendsTheWholeDefinition(t *testing.T) {
	spec := plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, []string{"999999999999", "888888888888"}, 20)
	f := newFakeMacie()
	if err := (&Macie{clients: f}).CreateJob(context.Background(), region, spec); err != nil {
		t.Fatal(err)
	}
	in := f.createJob
	if aws.ToString(in.Name) != spec.Name || aws.ToString(in.ClientToken) != spec.Name {
		t.Fatalf("name %v, token %v; want both %s", aws.ToString(in.Name), aws.ToString(in.ClientToken), spec.Name)
	}
	if in.JobType != types.JobTypeScheduled || in.ScheduleFrequency == nil || in.ScheduleFrequency.DailySchedule == nil ||
		in.ScheduleFrequency.WeeklySchedule != nil || in.ScheduleFrequency.MonthlySchedule != nil {
		t.Fatalf("type %s, schedule %+v; want SCHEDULED daily", in.JobType, in.ScheduleFrequency)
	}
	if !aws.ToBool(in.InitialRun) || aws.ToInt32(in.SamplingPercentage) != 20 ||
		in.ManagedDataIdentifierSelector != types.ManagedDataIdentifierSelectorRecommended {
		t.Fatalf("initialRun %v, sampling %v, selector %s", in.InitialRun, in.SamplingPercentage, in.ManagedDataIdentifierSelector)
	}
	if !reflect.DeepEqual(in.Tags, map[string]string{"managed-by": "macie-selfservice"}) {
		t.Fatalf("tags = %v", in.Tags)
	}
	if d := aws.ToString(in.Description); len(d) == 0 || len(d) > maxDescription {
		t.Fatalf("description %q", d)
	}
	if in.S3JobDefinition == nil || in.S3JobDefinition.BucketDefinitions != nil || in.S3JobDefinition.Scoping != nil {
		t.Fatalf("job definition %+v, want bucket criteria only", in.S3JobDefinition)
	}
	crit := in.S3JobDefinition.BucketCriteria
	inc := crit.Includes.And
	if len(inc) != 1 || inc[0].SimpleCriterion != nil || inc[0].TagCriterion.Comparator != types.JobComparatorEq ||
		len(inc[0].TagCriterion.TagValues) != 1 ||
		aws.ToString(inc[0].TagCriterion.TagValues[0].Key) != "macie" || aws.ToString(inc[0].TagCriterion.TagValues[0].Value) != "true" {
		t.Fatalf("includes = %+v, want one tag criterion macie EQ true", inc)
	}
	exc := crit.Excludes.And
	if len(exc) != 1 || exc[0].TagCriterion != nil || exc[0].SimpleCriterion.Comparator != types.JobComparatorEq ||
		exc[0].SimpleCriterion.Key != types.SimpleCriterionKeyForJobAccountId ||
		!slices.Equal(exc[0].SimpleCriterion.Values, []string{"888888888888", "999999999999"}) {
		t.Fatalf("excludes = %+v, want ACCOUNT_ID EQ the excluded accounts", exc)
	}
}

func TestCreateJobWithoutExclusionsHasNoExcludes(t *testing.T) {
	spec := plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, nil, 0)
	f := newFakeMacie()
	if err := (&Macie{clients: f}).CreateJob(context.Background(), region, spec); err != nil {
		t.Fatal(err)
	}
	if ex := f.createJob.S3JobDefinition.BucketCriteria.Excludes; ex != nil {
		t.Fatalf("excludes = %+v, want none", ex)
	}
	if f.createJob.SamplingPercentage != nil {
		t.Fatalf("sampling = %d, want Macie's default", *f.createJob.SamplingPercentage)
	}
}

func TestCreateJobRejectsBadSpecsWithoutCalling(t *testing.T) {
	good := plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, nil, 100)
	bad := map[string]func(*plan.JobSpec){
		"foreign name":    func(s *plan.JobSpec) { s.Name = "nightly-scan" },
		"no tag key":      func(s *plan.JobSpec) { s.TagKey = "" },
		"weekly":          func(s *plan.JobSpec) { s.Schedule = "WEEKLY" },
		"sampling of 101": func(s *plan.JobSpec) { s.SamplingPercentage = 101 },
	}
	for name, mutate := range bad {
		t.Run(name, func(t *testing.T) {
			spec := good
			mutate(&spec)
			f := newFakeMacie()
			if err := (&Macie{clients: f}).CreateJob(context.Background(), region, spec); err == nil {
				t.Fatal("accepted")
			}
			if f.count("CreateClassificationJob") != 0 {
				t.Fatal("sent a bad definition")
			}
		})
	}
}

func TestJobDescriptionFitsMacieLimit(t *testing.T) {
	long := plan.JobSpec{Name: plan.JobPrefix + "x", TagKey: strings.Repeat("k", 128), TagValue: strings.Repeat("ü", 256)}
	d := jobDescription(long)
	if n := len([]rune(d)); n > maxDescription || !utf8.ValidString(d) {
		t.Fatalf("description has %d characters", n)
	}
}

func TestUpdateJobStatus(t *testing.T) {
	f := newFakeMacie()
	m := &Macie{clients: f}
	for _, st := range []string{plan.JobRunning, plan.JobUserPaused, plan.JobCancelled} {
		if err := m.UpdateJobStatus(context.Background(), region, "job-9", st); err != nil {
			t.Fatal(err)
		}
		if in := f.updateJob; aws.ToString(in.JobId) != "job-9" || string(in.JobStatus) != st {
			t.Fatalf("input = %+v, want %s", in, st)
		}
	}
	if err := m.UpdateJobStatus(context.Background(), region, "job-9", plan.JobComplete); err == nil {
		t.Fatal("COMPLETE accepted")
	}
	if n := f.count("UpdateClassificationJob"); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
}

func TestManagedJobsFiltersByPrefixAcrossPages(t *testing.T) {
	f := newFakeMacie()
	job := func(id, name string, st types.JobStatus) types.JobSummary {
		return types.JobSummary{JobId: aws.String(id), Name: aws.String(name), JobStatus: st}
	}
	f.jobs = []types.JobSummary{
		job("1", plan.JobPrefix+"aaa", types.JobStatusIdle),
		job("2", "copy-of-"+plan.JobPrefix+"aaa", types.JobStatusRunning), // matches CONTAINS only
		job("3", plan.JobPrefix+"bbb", types.JobStatusUserPaused),
		job("4", plan.JobPrefix+"ccc", types.JobStatusCancelled),
		job("5", plan.JobPrefix+"ddd", types.JobStatusRunning),
	}
	got, err := (&Macie{clients: f}).ManagedJobs(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	want := []plan.Job{
		{ID: "1", Name: plan.JobPrefix + "aaa", Status: "IDLE"},
		{ID: "3", Name: plan.JobPrefix + "bbb", Status: "USER_PAUSED"},
		{ID: "4", Name: plan.JobPrefix + "ccc", Status: "CANCELLED"},
		{ID: "5", Name: plan.JobPrefix + "ddd", Status: "RUNNING"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("jobs = %+v\nwant %+v", got, want)
	}
	if n := f.count("ListClassificationJobs"); n != 3 {
		t.Fatalf("calls = %d, want 3 pages", n)
	}
	for _, in := range f.listJobsIn {
		inc := in.FilterCriteria.Includes
		if len(inc) != 1 || inc[0].Key != types.ListJobsFilterKeyName || !slices.Equal(inc[0].Values, []string{plan.JobPrefix}) {
			t.Fatalf("filter = %+v, want name filter on %s", inc, plan.JobPrefix)
		}
	}
}
