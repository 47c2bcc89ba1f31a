package awsapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// ManagedByTag marks the resources this project creates.
const ManagedByTag, ManagedByValue = "managed-by", "macie-selfservice"

// CreateJob creates the managed scheduled classification job of a Region: daily, over the
// buckets tagged spec.TagKey=spec.TagValue (exact and case-sensitive, as Macie matches tags)
// minus the buckets of spec.ExcludedAccounts. Macie re-evaluates bucket criteria at every run,
// so buckets tagged later are picked up without a new job.
//
// With spec.NoInitialRun the job analyses only objects created or changed after it is created
// (initialRun false); the backfill jobs analyse the rest.
//
// The client token is the job's name, which carries a hash of the definition: a retried create
// never makes a second job, and a changed definition is a new job.
func (m *Macie) CreateJob(ctx context.Context, region string, spec plan.JobSpec) error {
	in, err := jobInput(spec)
	if err != nil {
		return fmt.Errorf("creating classification job in %s: %w", region, err)
	}
	if _, err := m.clients.Macie(region).CreateClassificationJob(ctx, in); err != nil {
		return fmt.Errorf("creating classification job %s in %s: %w", spec.Name, region, err)
	}
	return nil
}

// jobInput builds the CreateClassificationJob request of a spec.
func jobInput(spec plan.JobSpec) (*macie2.CreateClassificationJobInput, error) {
	switch {
	case !strings.HasPrefix(spec.Name, plan.JobPrefix):
		return nil, fmt.Errorf("job name %q does not start with %q", spec.Name, plan.JobPrefix)
	case spec.TagKey == "":
		return nil, fmt.Errorf("job %s has no tag key", spec.Name)
	case spec.Schedule != "" && spec.Schedule != "DAILY":
		return nil, fmt.Errorf("job %s: schedule %q is not DAILY", spec.Name, spec.Schedule)
	case spec.SamplingPercentage < 0 || spec.SamplingPercentage > 100:
		return nil, fmt.Errorf("job %s: sampling percentage %d is not within 1..100", spec.Name, spec.SamplingPercentage)
	}
	in := &macie2.CreateClassificationJobInput{
		ClientToken:       aws.String(spec.Name),
		Name:              aws.String(spec.Name),
		Description:       aws.String(jobDescription(spec)),
		JobType:           types.JobTypeScheduled,
		ScheduleFrequency: &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}},
		InitialRun:        aws.Bool(!spec.NoInitialRun),
		S3JobDefinition:   &types.S3JobDefinition{BucketCriteria: bucketCriteria(spec)},

		ManagedDataIdentifierSelector: types.ManagedDataIdentifierSelectorRecommended,
		Tags:                          map[string]string{ManagedByTag: ManagedByValue},
	}
	if spec.SamplingPercentage > 0 { // zero leaves Macie's default, 100
		in.SamplingPercentage = aws.Int32(spec.SamplingPercentage)
	}
	return in, nil
}

// maxDescription is the length Macie allows for a job description, in characters.
const maxDescription = 200

// jobDescription tells a person who reads the job in the console where it comes from.
func jobDescription(spec plan.JobSpec) string {
	d := []rune(fmt.Sprintf("Managed by Macie Self-Service: daily scan of the buckets tagged %s=%s. Pausing it is undone; it is replaced when the definition changes.", spec.TagKey, spec.TagValue))
	if len(d) > maxDescription {
		d = d[:maxDescription]
	}
	return string(d)
}

// bucketCriteria includes the buckets tagged as the spec says and excludes the buckets of the
// excluded accounts. Macie applies excludes after includes.
func bucketCriteria(spec plan.JobSpec) *types.S3BucketCriteriaForJob {
	c := &types.S3BucketCriteriaForJob{Includes: &types.CriteriaBlockForJob{And: []types.CriteriaForJob{{
		TagCriterion: &types.TagCriterionForJob{
			Comparator: types.JobComparatorEq,
			TagValues:  []types.TagCriterionPairForJob{{Key: aws.String(spec.TagKey), Value: aws.String(spec.TagValue)}},
		},
	}}}}
	if len(spec.ExcludedAccounts) > 0 {
		c.Excludes = &types.CriteriaBlockForJob{And: []types.CriteriaForJob{{
			SimpleCriterion: &types.SimpleCriterionForJob{
				Comparator: types.JobComparatorEq,
				Key:        types.SimpleCriterionKeyForJobAccountId,
				Values:     append([]string(nil), spec.ExcludedAccounts...),
			},
		}}}
	}
	return c
}

// UpdateJobStatus sets a job's status to RUNNING (from USER_PAUSED), USER_PAUSED or CANCELLED,
// the only change Macie allows on a job.
func (m *Macie) UpdateJobStatus(ctx context.Context, region, jobID, status string) error {
	st := types.JobStatus(status)
	if st != types.JobStatusRunning && st != types.JobStatusUserPaused && st != types.JobStatusCancelled {
		return fmt.Errorf("updating classification job %s in %s: status %q is not RUNNING, USER_PAUSED or CANCELLED", jobID, region, status)
	}
	in := &macie2.UpdateClassificationJobInput{JobId: aws.String(jobID), JobStatus: st}
	if _, err := m.clients.Macie(region).UpdateClassificationJob(ctx, in); err != nil {
		return fmt.Errorf("setting classification job %s in %s to %s: %w", jobID, region, status, err)
	}
	return nil
}

// ManagedJobs lists the classification jobs of a Region whose names start with plan.JobPrefix.
// Macie filters by name server-side with CONTAINS; which comparators it accepts for names is not
// documented beyond the enum, so CONTAINS (the oldest) is used and the prefix is checked here.
func (m *Macie) ManagedJobs(ctx context.Context, region string) ([]plan.Job, error) {
	in := &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Includes: []types.ListJobsFilterTerm{{
			Key:        types.ListJobsFilterKeyName,
			Comparator: types.JobComparatorContains,
			Values:     []string{plan.JobPrefix},
		}},
	}}
	pages := macie2.NewListClassificationJobsPaginator(m.clients.Macie(region), in)
	jobs := []plan.Job{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing classification jobs in %s: %w", region, err)
		}
		for _, j := range page.Items {
			if name := aws.ToString(j.Name); strings.HasPrefix(name, plan.JobPrefix) {
				jobs = append(jobs, plan.Job{ID: aws.ToString(j.JobId), Name: name, Status: string(j.JobStatus)})
			}
		}
	}
	return jobs, nil
}
