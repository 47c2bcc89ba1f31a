package plan

import (
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

func TestJobNameVersionsTheDefinition(t *testing.T) {
	a := NewJobSpec(tagpolicy.Default(), []string{"2", "1", "1"}, 100)
	b := NewJobSpec(tagpolicy.Default(), []string{"1", "2"}, 100)
	if a.Name != b.Name || !strings.HasPrefix(a.Name, JobPrefix) {
		t.Fatalf("same definition, different names: %s %s", a.Name, b.Name)
	}
	for _, c := range []JobSpec{
		NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "yes"}, []string{"1", "2"}, 100),
		NewJobSpec(tagpolicy.Default(), []string{"1"}, 100),
		NewJobSpec(tagpolicy.Default(), []string{"1", "2"}, 50),
	} {
		if c.Name == a.Name {
			t.Fatalf("changed definition kept the name %s", c.Name)
		}
	}
}

func TestRegionRules(t *testing.T) {
	r := rules()
	want := r.Job.Name
	old := JobPrefix + "000000000000"
	cases := []struct {
		name       string
		jobs       []Job
		publishing bool
		kinds      []Kind
		ids        []string
	}{
		{"nothing yet", nil, false, []Kind{CreateJob, EnablePublication}, []string{"", ""}},
		{"converged", []Job{{"j1", want, JobRunning}}, true, nil, nil},
		{"idle is active", []Job{{"j1", want, JobIdle}}, true, nil, nil},
		{"paused by Macie is left alone", []Job{{"j1", want, JobPaused}}, true, nil, nil},
		{"paused by a user", []Job{{"j1", want, JobUserPaused}}, true, []Kind{ResumeJob}, []string{"j1"}},
		{"old definition", []Job{{"j0", old, JobIdle}}, true, []Kind{CancelJob, CreateJob}, []string{"j0", ""}},
		{"old cancelled", []Job{{"j0", old, JobCancelled}, {"j1", want, JobIdle}}, true, nil, nil},
		{"wanted cancelled", []Job{{"j1", want, JobCancelled}}, true, []Kind{CreateJob}, []string{""}},
		{"duplicate", []Job{{"j1", want, JobIdle}, {"j2", want, JobRunning}}, true, []Kind{CancelJob}, []string{"j2"}},
		{"unmanaged job ignored", []Job{{"x", "someone-elses", JobRunning}, {"j1", want, JobIdle}}, true, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acts := RegionActions(r, RegionState{Region: "eu-west-1", Jobs: c.jobs, Publishing: c.publishing})
			if len(acts) != len(c.kinds) {
				t.Fatalf("got %v, want %v", acts, c.kinds)
			}
			for i, a := range acts {
				if a.Kind != c.kinds[i] || a.JobID != c.ids[i] || a.Reason == "" || a.Region != "eu-west-1" {
					t.Fatalf("action %d = %+v, want %s %q", i, a, c.kinds[i], c.ids[i])
				}
				if a.Kind == CreateJob && (a.Job == nil || a.Job.Name != want) {
					t.Fatalf("create without the wanted spec: %+v", a)
				}
			}
		})
	}
}
