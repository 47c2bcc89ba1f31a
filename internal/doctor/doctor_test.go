package doctor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/jobscope"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

type fakeMacie struct {
	session    string
	sessionErr error
	autoErr    error
	jobs       []plan.Job
	job        jobscope.Job
}

func (f fakeMacie) Session(context.Context, string) (string, error)  { return f.session, f.sessionErr }
func (f fakeMacie) AutoEnable(context.Context, string) (bool, error) { return false, f.autoErr }
func (f fakeMacie) Publishing(context.Context, string) (bool, error) { return true, nil }
func (f fakeMacie) ManagedJobs(context.Context, string) ([]plan.Job, error) {
	return f.jobs, nil
}
func (f fakeMacie) DescribeJob(context.Context, string, string) (jobscope.Job, error) {
	return f.job, nil
}

type fakeRoles map[string]bool

func (f fakeRoles) BucketNames(_ context.Context, a string) (map[string][]string, error) {
	if !f[a] {
		return nil, errors.New("AccessDenied")
	}
	return map[string][]string{}, nil
}

var want = plan.NewJobSpec(tagpolicy.Default(), nil, 100)

func stored(status, lastErr string) jobscope.Job {
	return jobscope.Job{ID: "j", Name: want.Name, Status: status, Type: "SCHEDULED", Schedule: "DAILY", SamplingPercentage: 100,
		LastRunError: lastErr, Includes: []jobscope.Cond{{Comparator: "EQ", Tags: []jobscope.TagPair{{Key: "macie", Value: "true"}}}}}
}

func find(r Report, check string) Check {
	i := slices.IndexFunc(r.Checks, func(c Check) bool { return c.Check == check })
	if i < 0 {
		return Check{}
	}
	return r.Checks[i]
}

func TestAdministratorChecks(t *testing.T) {
	o := Options{Admin: "222222222222", Regions: []string{"r1"}, Job: want}
	for name, c := range map[string]struct {
		m      fakeMacie
		detail string
	}{
		"no Macie":  {fakeMacie{sessionErr: errors.New("AccessDeniedException")}, "Macie is not enabled in r1"},
		"suspended": {fakeMacie{session: "PAUSED"}, "Macie is PAUSED"},
		"not admin": {fakeMacie{session: "ENABLED", autoErr: errors.New("AccessDeniedException")}, "is not the delegated Macie administrator"},
	} {
		r := Run(context.Background(), c.m, fakeRoles{}, o)
		a := find(r, CheckAdmin)
		if a.Result != Fail || !strings.Contains(a.Detail, c.detail) || a.Remedy == "" || !r.Failed() {
			t.Errorf("%s: %+v", name, a)
		}
		if find(r, CheckJob).Check != "" {
			t.Errorf("%s: Region checks ran without the administrator's rights", name)
		}
	}
}

func TestJobChecks(t *testing.T) {
	o := Options{Admin: "222222222222", Regions: []string{"r1"}, Job: want}
	running := []plan.Job{{ID: "j", Name: want.Name, Status: plan.JobRunning}}
	for name, c := range map[string]struct {
		m      fakeMacie
		result Result
		detail string
	}{
		"none":        {fakeMacie{jobs: []plan.Job{{Name: want.Name, Status: plan.JobCancelled}}}, Fail, "no managed classification job is active"},
		"two":         {fakeMacie{jobs: append(slices.Clone(running), plan.Job{ID: "k", Name: "macie-selfservice-old", Status: plan.JobIdle})}, Fail, "2 managed jobs are active"},
		"user paused": {fakeMacie{jobs: running, job: stored(plan.JobUserPaused, "NONE")}, Fail, "paused by a user"},
		"quota":       {fakeMacie{jobs: running, job: stored(plan.JobPaused, "NONE")}, Warn, "Macie paused job"},
		"run error":   {fakeMacie{jobs: running, job: stored(plan.JobIdle, "ERROR")}, Warn, "ended with ERROR"},
		"healthy":     {fakeMacie{jobs: running, job: stored(plan.JobIdle, "NONE")}, Pass, "IDLE with the wanted definition"},
	} {
		c.m.session = "ENABLED"
		j := find(Run(context.Background(), c.m, fakeRoles{}, o), CheckJob)
		if j.Result != c.result || !strings.Contains(j.Detail, c.detail) {
			t.Errorf("%s: %+v", name, j)
		}
	}
}

func TestRolesQueueAndSample(t *testing.T) {
	o := Options{Sample: []string{"a", "b"}, ReadRole: "Read", QueueDepth: func(context.Context) (int, error) { return 0, errors.New("no queue") }}
	r := Run(context.Background(), fakeMacie{}, fakeRoles{"a": true}, o)
	if len(r.Checks) != 3 || r.Checks[0].Result != Pass || r.Checks[1].Result != Fail || !strings.Contains(r.Checks[1].Remedy, "deploy the workload stack (role Read) to account b") ||
		!strings.Contains(r.Checks[1].Remedy, "or exclude the account in the configuration: add it to ExcludedAccounts of the central stack") ||
		r.Checks[2].Result != Fail || r.Summary != (Summary{Pass: 1, Fail: 2}) {
		t.Errorf("checks %+v", r.Checks)
	}
	r = Run(context.Background(), fakeMacie{}, fakeRoles{}, Options{SampleError: errors.New("denied")})
	if r.Checks[0].Result != Fail || r.Checks[1].Result != Skipped || r.Summary.Skipped != 1 {
		t.Errorf("checks %+v", r.Checks)
	}
	if got := Sample([]string{"1", "2", "3", "4", "5", "6"}, 3); !slices.Equal(got, []string{"1", "3", "5"}) {
		t.Errorf("sample %v", got)
	}
	if got := Sample([]string{"1"}, 3); !slices.Equal(got, []string{"1"}) || Sample([]string{"1"}, 0) != nil {
		t.Errorf("small samples")
	}
}
