package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// runError returns a job's lastRunErrorStatus as DescribeClassificationJob and as its
// ListClassificationJobs summary report it; the test fails when they differ.
func (m *model) runError(id string) types.LastRunErrorStatusCode {
	m.t.Helper()
	described := m.describe(id).LastRunErrorStatus.Code
	p := macie2.NewListClassificationJobsPaginator(m.macie(admin), &macie2.ListClassificationJobsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			m.t.Fatal(err)
		}
		for _, j := range page.Items {
			if aws.ToString(j.JobId) == id {
				if j.LastRunErrorStatus == nil || j.LastRunErrorStatus.Code != described {
					m.t.Fatalf("job %s: listed with %+v, described with %s", id, j.LastRunErrorStatus, described)
				}
				return described
			}
		}
	}
	m.t.Fatalf("job %s is not listed", id)
	return ""
}

// deleteBucket deletes an empty bucket through S3, which runs nothing of Macie's.
func (m *model) deleteBucket(account, name string) {
	m.t.Helper()
	if _, err := s3Client(m.srv, account, modelRegion).DeleteBucket(context.Background(),
		&s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
		m.t.Fatal(err)
	}
}

func TestAOneTimeRunEndsInErrorWhenANamedBucketIsGone(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "kept", nil, 10, 0)
	m.bucket(wlA, "gone", nil, 0, 0)
	ok := m.job(oneTimeJob("ok", wlA, "kept"))
	if code := m.runError(ok); code != types.LastRunErrorStatusCodeNone {
		t.Fatalf("a job naming existing buckets: %s", code)
	}
	failed := m.job(oneTimeJob("failed", wlA, "kept", "gone"))
	m.deleteBucket(wlA, "gone") // before the run: the inventory still shows it
	m.advance(time.Minute)
	if code := m.runError(failed); code != types.LastRunErrorStatusCodeError {
		t.Fatalf("a job naming a deleted bucket: %s", code)
	}
	if d := m.describe(failed); d.JobStatus != types.JobStatusComplete {
		t.Fatalf("the failed one-time job is %s, want COMPLETE", d.JobStatus)
	}
	m.wantCoverage("kept", 10, 10, 20) // what could be analysed was, by both jobs
}

func TestAOneTimeRunEndsInErrorForAPausedMembersBucket(t *testing.T) {
	m := newModel(t)
	m.bucket(wlB, "b-paused", tagged, 20, 0)
	if _, err := m.macie(admin).UpdateMemberSession(context.Background(), &macie2.UpdateMemberSessionInput{
		Id: aws.String(wlB), Status: types.MacieStatusPaused}); err != nil {
		t.Fatal(err)
	}
	named := m.job(oneTimeJob("paused", wlB, "b-paused"))
	daily := m.job(dailyTagJob("daily", true))
	m.advance(time.Hour)
	m.wantCoverage("b-paused", 20, 0, 0)
	if code := m.runError(named); code != types.LastRunErrorStatusCodeError {
		t.Fatalf("a job naming a paused member's bucket: %s", code)
	}
	if code := m.runError(daily); code != types.LastRunErrorStatusCodeNone {
		t.Fatalf("a job matching by tags skips the paused member without an error: %s", code)
	}
}

func TestARecurringJobReportsItsLatestRunsError(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "named", nil, 0, 0)
	in := oneTimeJob("recurring", wlA, "named")
	in.JobType, in.ScheduleFrequency = types.JobTypeScheduled, &types.JobScheduleFrequency{DailySchedule: &types.DailySchedule{}}
	id := m.job(in)
	m.advance(time.Hour)
	if code := m.runError(id); code != types.LastRunErrorStatusCodeNone {
		t.Fatalf("first run: %s", code)
	}
	m.deleteBucket(wlA, "named")
	m.advance(24 * time.Hour)
	if code := m.runError(id); code != types.LastRunErrorStatusCodeError {
		t.Fatalf("the run after the bucket was deleted: %s", code)
	}
}
