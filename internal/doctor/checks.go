package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// applyRemedy is what fixes the managed job.
const applyRemedy = "run maciectl apply: it creates the job with the wanted definition and cancels the others (definitions are immutable)"

// jobCheck checks that exactly one managed job is unfinished in the Region, with the wanted
// definition as stored, not paused by a user, and that its last run did not fail.
func jobCheck(ctx context.Context, m Macie, want plan.JobSpec, region string) Check {
	c := Check{Check: CheckJob, Region: region}
	jobs, err := m.ManagedJobs(ctx, region)
	if err != nil {
		return fail(c, err.Error(), "check the administrator's macie2:ListClassificationJobs permission")
	}
	var open []plan.Job
	for _, j := range jobs {
		if j.Status != plan.JobCancelled && j.Status != plan.JobComplete {
			open = append(open, j)
		}
	}
	switch len(open) {
	case 0:
		return fail(c, "no managed classification job is active: tagged buckets are not scanned", applyRemedy)
	case 1:
	default:
		var names []string
		for _, j := range open {
			names = append(names, j.Name+" ("+j.Status+")")
		}
		return fail(c, fmt.Sprintf("%d managed jobs are active: %s", len(open), strings.Join(names, ", ")), applyRemedy)
	}
	j, err := m.DescribeJob(ctx, region, open[0].ID)
	if err != nil {
		return fail(c, err.Error(), "check the administrator's macie2:DescribeClassificationJob permission")
	}
	if d := j.Diff(want); len(d) > 0 {
		return fail(c, fmt.Sprintf("job %s has a stale definition: %s", j.Name, strings.Join(d, "; ")), applyRemedy)
	}
	switch {
	case j.Status == plan.JobUserPaused:
		return fail(c, fmt.Sprintf("job %s is paused by a user (Macie cancels it after 30 days)", j.Name),
			"run maciectl apply (ResumeJob), or aws macie2 update-classification-job --job-status RUNNING")
	case j.Status == plan.JobPaused:
		return warn(c, fmt.Sprintf("Macie paused job %s, usually at the monthly sensitive data discovery quota", j.Name),
			"raise the quota in Service Quotas, or wait for next month; Macie resumes the job")
	case j.LastRunError != "" && j.LastRunError != "NONE":
		return warn(c, fmt.Sprintf("the last run of job %s ended with %s", j.Name, j.LastRunError),
			"read the job's log events in CloudWatch Logs (/aws/macie/classificationjobs)")
	}
	return pass(c, fmt.Sprintf("job %s is %s with the wanted definition", j.Name, j.Status))
}

// queueCheck checks that the dead-letter queue is empty.
func queueCheck(ctx context.Context, depth func(context.Context) (int, error)) Check {
	c := Check{Check: CheckDLQ}
	if depth == nil {
		c.Result, c.Detail = Skipped, "no --dlq-url given"
		c.Remedy = "pass --dlq-url with the central stack's dead-letter queue URL"
		return c
	}
	n, err := depth(ctx)
	switch {
	case err != nil:
		return fail(c, err.Error(), "check the queue URL and the caller's sqs:GetQueueAttributes permission")
	case n > 0:
		return fail(c, fmt.Sprintf("%d message(s) wait in the dead-letter queue: events the engine gave up on", n),
			"read them (aws sqs receive-message), fix the cause, then redrive them (aws sqs start-message-move-task)")
	}
	return pass(c, "the dead-letter queue is empty")
}

// Sample picks up to n accounts spread evenly over the sorted list, the same ones every time.
func Sample(accounts []string, n int) []string {
	if n <= 0 {
		return nil
	}
	if len(accounts) <= n {
		return accounts
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, accounts[i*len(accounts)/n])
	}
	return out
}

// Brief renders an error for a person: the AWS error code and message when it carries an API
// error (the SDK's operation and credential wrapping left out), else the whole error.
func Brief(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
