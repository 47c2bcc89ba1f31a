package simulate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/macie"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// Output is the final state of a run, as `maciectl simulate --json` prints it.
type Output struct {
	Members     []MemberState  `json:"members"`
	ScanJobs    []ScanJob      `json:"scanJobs"`
	Publication []Publication  `json:"publication"`
	ScanScope   []ScopeEntry   `json:"scanScope"`
	Warnings    []plan.Warning `json:"warnings"`
	Failed      []FailedPair   `json:"failed"`
	APICalls    map[string]int `json:"apiCalls"`
	// Coverage lists every bucket of a managed Region; Usage and Findings are Macie's records.
	Coverage []Coverage `json:"coverage"`
	Usage    Usage      `json:"usage"`
	Findings []Findings `json:"findings"`
	Timeline []Entry    `json:"-"`
	// scenario is what ran, for the text's starting state and the accounts left out of the gap.
	scenario *scenario.Scenario
	// Notifications are the messages the findings topics received.
	Notifications []Notification `json:"notifications"`
}

// MemberState is one workload account in one managed Region.
type MemberState struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Status is None (never a member), Enabled, Paused or another Macie relationship status.
	Status string `json:"status"`
}

// ScanJob is a managed classification job that is not cancelled.
type ScanJob struct {
	Region   string `json:"region"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Schedule string `json:"schedule"`
	TagKey   string `json:"tagKey"`
	TagValue string `json:"tagValue"`
}

// Publication says whether a Region publishes classification findings to Security Hub.
type Publication struct {
	Region                        string `json:"region"`
	PublishClassificationFindings bool   `json:"publishClassificationFindings"`
}

// ScopeEntry is a bucket the active jobs analyse on their next run.
type ScopeEntry struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Bucket  string `json:"bucket"`
}

// FailedPair is a pair whose reconcile still failed after the retries.
type FailedPair struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Error   string `json:"error"`
}

// Entry is one step of the timeline, or one moment of an advance step.
type Entry struct {
	Step, Line int
	// At is the virtual time the step started at (or the moment ran).
	At   time.Time
	What string
	// Error is set when the team's own call failed.
	Error string
	// Events counts the events delivered; Retries the redeliveries of failed messages.
	Events, Retries int
	Results         []execute.Result
	Warnings        []plan.Warning
	// Runs are what happened while virtual time passed: Macie's runs and the scheduled reconciles.
	Runs []Entry
	// Notified counts the findings published to their teams.
	Notified int
}

func (o *Output) fail(f reconcile.Failure) {
	fp := FailedPair{Account: f.Account, Region: f.Region, Error: f.Err.Error()}
	if !slices.Contains(o.Failed, fp) {
		o.Failed = append(o.Failed, fp)
	}
}

func (o *Output) addWarnings(ws []plan.Warning) {
	for _, w := range ws {
		if !slices.Contains(o.Warnings, w) {
			o.Warnings = append(o.Warnings, w)
		}
	}
}

// finish reads the final state from the sandbox.
func (r *runner) finish() {
	org := r.s.Organization
	m := r.sb.Macie()
	o := r.out
	o.Members, o.ScanJobs, o.Publication, o.ScanScope = []MemberState{}, []ScanJob{}, []Publication{}, []ScopeEntry{}
	for _, region := range org.Regions {
		status := map[string]string{}
		for _, mem := range m.Members(org.AdminAccount, region) {
			status[mem.Account] = mem.Status
		}
		for _, a := range org.Accounts {
			o.Members = append(o.Members, MemberState{Account: a.ID, Region: region, Status: cmp.Or(status[a.ID], string(plan.StatusNone))})
		}
		o.ScanJobs = append(o.ScanJobs, scanJobs(m.Jobs(org.AdminAccount, region), region)...)
		classification, _ := m.Publication(org.AdminAccount, region)
		o.Publication = append(o.Publication, Publication{Region: region, PublishClassificationFindings: classification})
		for _, e := range m.ScanScope(region) {
			o.ScanScope = append(o.ScanScope, ScopeEntry{Account: e.Account, Region: e.Region, Bucket: e.Bucket})
		}
	}
	r.coverage()
	o.Notifications = notifications(r.sb.Published())
	r.sortOutput()
	o.APICalls = map[string]int{}
	for op, n := range r.sb.Calls() {
		if n -= r.teamCalls[op]; n > 0 {
			o.APICalls[op] = n
		}
	}
}

func (r *runner) sortOutput() {
	o := r.out
	slices.SortFunc(o.Members, func(a, b MemberState) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	slices.SortFunc(o.ScanScope, func(a, b ScopeEntry) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket))
	})
	// A warning that says the same of an account in several Regions is shown once, naming them.
	o.Warnings = plan.MergeWarnings(o.Warnings)
	if o.Failed == nil {
		o.Failed = []FailedPair{}
	}
}

// scanJobs lists the managed jobs of a Region that are not cancelled.
func scanJobs(jobs []macie.Job, region string) []ScanJob {
	var out []ScanJob
	for _, j := range jobs {
		if !strings.HasPrefix(j.Name, plan.JobPrefix) || j.JobStatus == macie.JobCancelled {
			continue
		}
		sj := ScanJob{Region: region, Name: j.Name, Status: j.JobStatus, Schedule: schedule(j.ScheduleFrequency)}
		sj.TagKey, sj.TagValue = tagCriterion(j.S3JobDefinition)
		out = append(out, sj)
	}
	return out
}

func schedule(s *macie.Schedule) string {
	switch {
	case s == nil:
		return "ONE_TIME"
	case s.DailySchedule != nil:
		return "DAILY"
	case s.WeeklySchedule != nil:
		return "WEEKLY"
	default:
		return "MONTHLY"
	}
}

// tagCriterion returns the first tag the job's bucket criteria include.
func tagCriterion(d *macie.S3JobDefinition) (string, string) {
	if d == nil || d.BucketCriteria == nil || d.BucketCriteria.Includes == nil {
		return "", ""
	}
	for _, c := range d.BucketCriteria.Includes.And {
		if c.TagCriterion != nil && len(c.TagCriterion.TagValues) > 0 {
			return c.TagCriterion.TagValues[0].Key, c.TagCriterion.TagValues[0].Value
		}
	}
	return "", ""
}
