package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/macieselfservice/macie-selfservice/internal/jobscope"
)

// DescribeJob reads a classification job's stored definition and last run
// (DescribeClassificationJob).
func (m *Macie) DescribeJob(ctx context.Context, region, jobID string) (jobscope.Job, error) {
	out, err := m.clients.Macie(region).DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(jobID)})
	if err != nil {
		return jobscope.Job{}, fmt.Errorf("describing classification job %s in %s: %w", jobID, region, err)
	}
	j := jobscope.Job{
		ID: aws.ToString(out.JobId), Name: aws.ToString(out.Name), Status: string(out.JobStatus),
		Type: string(out.JobType), Schedule: schedule(out.ScheduleFrequency),
		SamplingPercentage: 100, // Macie's default when the job names none
		CreatedAt:          aws.ToTime(out.CreatedAt), LastRunTime: aws.ToTime(out.LastRunTime),
		Includes: []jobscope.Cond{}, Excludes: []jobscope.Cond{},
	}
	if out.SamplingPercentage != nil && *out.SamplingPercentage > 0 {
		j.SamplingPercentage = *out.SamplingPercentage
	}
	if out.LastRunErrorStatus != nil {
		j.LastRunError = string(out.LastRunErrorStatus.Code)
	}
	if def := out.S3JobDefinition; def != nil {
		for _, bd := range def.BucketDefinitions {
			for _, b := range bd.Buckets {
				j.Explicit = append(j.Explicit, aws.ToString(bd.AccountId)+"/"+b)
			}
		}
		if c := def.BucketCriteria; c != nil {
			j.Includes, j.Excludes = conds(c.Includes), conds(c.Excludes)
		}
	}
	return j, nil
}

// schedule names a job's schedule: DAILY, WEEKLY, MONTHLY or "".
func schedule(f *types.JobScheduleFrequency) string {
	switch {
	case f == nil:
		return ""
	case f.DailySchedule != nil:
		return "DAILY"
	case f.WeeklySchedule != nil:
		return "WEEKLY"
	case f.MonthlySchedule != nil:
		return "MONTHLY"
	}
	return ""
}

// conds converts a criteria block; never nil.
func conds(b *types.CriteriaBlockForJob) []jobscope.Cond {
	out := []jobscope.Cond{}
	if b == nil {
		return out
	}
	for _, c := range b.And {
		if t := c.TagCriterion; t != nil {
			cond := jobscope.Cond{Comparator: string(t.Comparator)}
			for _, p := range t.TagValues {
				cond.Tags = append(cond.Tags, jobscope.TagPair{Key: aws.ToString(p.Key), Value: aws.ToString(p.Value)})
			}
			out = append(out, cond)
		}
		if s := c.SimpleCriterion; s != nil {
			out = append(out, jobscope.Cond{Comparator: string(s.Comparator), Key: string(s.Key), Values: s.Values})
		}
	}
	return out
}

// Session reports the Macie status of the caller's own account in a Region (GetMacieSession):
// ENABLED or PAUSED; an account where Macie is not enabled answers AccessDeniedException,
// returned wrapped.
func (m *Macie) Session(ctx context.Context, region string) (string, error) {
	out, err := m.clients.Macie(region).GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if err != nil {
		return "", fmt.Errorf("reading the Macie session in %s: %w", region, err)
	}
	return string(out.Status), nil
}

// AutoEnable reads the organization configuration of a Region (DescribeOrganizationConfiguration),
// which only the Region's delegated Macie administrator may call: autoEnable says whether Macie
// is enabled in every new account of the organization.
func (m *Macie) AutoEnable(ctx context.Context, region string) (bool, error) {
	out, err := m.clients.Macie(region).DescribeOrganizationConfiguration(ctx, &macie2.DescribeOrganizationConfigurationInput{})
	if err != nil {
		return false, fmt.Errorf("reading the Macie organization configuration in %s: %w", region, err)
	}
	return aws.ToBool(out.AutoEnable), nil
}
