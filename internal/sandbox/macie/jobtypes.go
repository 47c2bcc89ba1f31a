package macie

import (
	"encoding/json"
	"time"
)

// Job statuses (JobStatus) and types (JobType) of the model.
const (
	JobRunning    = "RUNNING"
	JobPaused     = "PAUSED"
	JobCancelled  = "CANCELLED"
	JobComplete   = "COMPLETE"
	JobIdle       = "IDLE"
	JobUserPaused = "USER_PAUSED"

	JobTypeOneTime   = "ONE_TIME"
	JobTypeScheduled = "SCHEDULED"
)

// Job is a stored classification job: the definition exactly as CreateClassificationJob received
// it, and what Macie adds. The definition is immutable; only JobStatus changes.
type Job struct {
	JobDefinition
	JobID     string
	JobArn    string
	JobStatus string
	CreatedAt time.Time
	PausedAt  time.Time // when it became USER_PAUSED; zero otherwise
	// LastRunTime is when the latest run started (zero: it has not run); Runs counts them.
	LastRunTime time.Time
	Runs        int
	seq         int       // creation order, a tiebreak for equal CreatedAt
	nextRun     time.Time // when the next run is due; zero: none (complete or cancelled)
	// createdSeq and lastRunSeq place the creation and the latest run among object puts
	// (ObjectGroup.Seq).
	createdSeq, lastRunSeq int64
	// lastRunFailed: the latest run met an account- or bucket-level error (runFailed).
	lastRunFailed bool
}

// JobDefinition is the body of CreateClassificationJob, with the model's JSON member names.
// Optional scalars are pointers so that what was sent is told apart from what was not.
type JobDefinition struct {
	ClientToken                   string            `json:"clientToken,omitempty"`
	Name                          string            `json:"name"`
	Description                   string            `json:"description,omitempty"`
	JobType                       string            `json:"jobType"`
	InitialRun                    *bool             `json:"initialRun,omitempty"`
	SamplingPercentage            *int              `json:"samplingPercentage,omitempty"`
	ManagedDataIdentifierSelector string            `json:"managedDataIdentifierSelector,omitempty"`
	ManagedDataIdentifierIDs      []string          `json:"managedDataIdentifierIds,omitempty"`
	CustomDataIdentifierIDs       []string          `json:"customDataIdentifierIds,omitempty"`
	AllowListIDs                  []string          `json:"allowListIds,omitempty"`
	ScheduleFrequency             *Schedule         `json:"scheduleFrequency,omitempty"`
	S3JobDefinition               *S3JobDefinition  `json:"s3JobDefinition,omitempty"`
	Tags                          map[string]string `json:"tags,omitempty"`
}

// Schedule is JobScheduleFrequency: exactly one of its members is set.
type Schedule struct {
	DailySchedule   *struct{}        `json:"dailySchedule,omitempty"`
	WeeklySchedule  *WeeklySchedule  `json:"weeklySchedule,omitempty"`
	MonthlySchedule *MonthlySchedule `json:"monthlySchedule,omitempty"`
}

// WeeklySchedule runs a job once a week.
type WeeklySchedule struct {
	DayOfWeek string `json:"dayOfWeek"`
}

// MonthlySchedule runs a job once a month.
type MonthlySchedule struct {
	DayOfMonth int `json:"dayOfMonth"`
}

// S3JobDefinition says which buckets a job analyses: by criteria, re-evaluated on every run, or
// by an explicit list. Scoping (object-level conditions) is kept verbatim and not evaluated.
type S3JobDefinition struct {
	BucketCriteria    *BucketCriteria    `json:"bucketCriteria,omitempty"`
	BucketDefinitions []BucketDefinition `json:"bucketDefinitions,omitempty"`
	Scoping           json.RawMessage    `json:"scoping,omitempty"`
}

// BucketCriteria is S3BucketCriteriaForJob (and SearchResourcesBucketCriteria, which has the
// same JSON shape). Excludes win over includes.
type BucketCriteria struct {
	Includes *CriteriaBlock `json:"includes,omitempty"`
	Excludes *CriteriaBlock `json:"excludes,omitempty"`
}

// CriteriaBlock is a list of conditions joined with AND.
type CriteriaBlock struct {
	And []Criterion `json:"and"`
}

// Criterion is one condition: exactly one of its members is set.
type Criterion struct {
	SimpleCriterion *SimpleCriterion `json:"simpleCriterion,omitempty"`
	TagCriterion    *TagCriterion    `json:"tagCriterion,omitempty"`
}

// SimpleCriterion compares a bucket property (ACCOUNT_ID, S3_BUCKET_NAME, ...) with values.
type SimpleCriterion struct {
	Comparator string   `json:"comparator"`
	Key        string   `json:"key"`
	Values     []string `json:"values"`
}

// TagCriterion compares a bucket's tags with key/value pairs (EQ or NE).
type TagCriterion struct {
	Comparator string    `json:"comparator"`
	TagValues  []TagPair `json:"tagValues"`
}

// TagPair is a tag key, a tag value, or both; an empty member matches anything.
type TagPair struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// BucketDefinition names buckets of one account explicitly.
type BucketDefinition struct {
	AccountID string   `json:"accountId"`
	Buckets   []string `json:"buckets"`
}

// clone returns a deep copy, so that callers cannot change the stored job.
func (j *Job) clone() Job {
	out := *j
	b, err := json.Marshal(j.JobDefinition)
	if err != nil {
		return out // cannot happen for these types; the shallow copy is the fallback
	}
	out.JobDefinition = JobDefinition{}
	if err := json.Unmarshal(b, &out.JobDefinition); err != nil {
		out.JobDefinition = j.JobDefinition
	}
	return out
}

// terminal reports whether a job status can no longer change.
func terminal(status string) bool {
	return status == JobCancelled || status == JobComplete
}

// active reports whether a job will analyse buckets on its next run: not cancelled, complete or
// paused by its user. PAUSED (by Macie, at a quota) resumes by itself, so it counts as active.
func active(status string) bool {
	return status == JobRunning || status == JobIdle || status == JobPaused
}
