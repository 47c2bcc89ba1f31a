package macie

import (
	"time"
)

// pausedJobLifetime is how long a USER_PAUSED job can stay paused before Macie cancels it.
const pausedJobLifetime = 30 * 24 * time.Hour

// createClassificationJob is CreateClassificationJob (POST /jobs). The definition is stored as
// sent. A clientToken already used by the account in the Region returns that job again and
// creates nothing. New jobs, ONE_TIME or SCHEDULED, start RUNNING with their first run due at
// once (the next RunDue, or the next Macie request, runs it): Macie starts a one-time job, and the
// first run of a periodic one, right after it is created (Macie User Guide, "Creating a sensitive
// data discovery job"). A run takes no time; a ONE_TIME job is COMPLETE after it, and a SCHEDULED
// job reports RUNNING between runs too (where AWS may say IDLE; clients treat both as active).
func (s *Service) createClassificationJob(c *call) (any, error) {
	var def JobDefinition
	if err := c.decode(&def); err != nil {
		return nil, err
	}
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	if def.ClientToken == "" {
		return nil, validation("clientToken is required")
	}
	k := key{c.account, c.region}
	if id, ok := s.jobTokens[k][def.ClientToken]; ok {
		j := s.findJob(k, id)
		return map[string]any{"jobId": j.JobID, "jobArn": j.JobArn}, nil
	}
	if err := def.validate(); err != nil {
		return nil, err
	}
	s.seq++
	id := s.newID()
	j := &Job{
		JobDefinition: def,
		JobID:         id,
		JobArn:        "arn:aws:macie2:" + c.region + ":" + c.account + ":classification-job/" + id,
		JobStatus:     JobRunning,
		CreatedAt:     s.now(),
		seq:           s.seq,
	}
	j.nextRun, j.createdSeq = j.CreatedAt, s.world.ObjectSeq()
	s.jobs[k] = append(s.jobs[k], j)
	if s.jobTokens[k] == nil {
		s.jobTokens[k] = map[string]string{}
	}
	s.jobTokens[k][def.ClientToken] = id
	return map[string]any{"jobId": j.JobID, "jobArn": j.JobArn}, nil
}

// findJob returns the job with id under k, or nil.
func (s *Service) findJob(k key, id string) *Job {
	for _, j := range s.jobs[k] {
		if j.JobID == id {
			return j
		}
	}
	return nil
}

// jobDescription is DescribeClassificationJobResponse.
type jobDescription struct {
	JobDefinition
	JobID              string         `json:"jobId"`
	JobArn             string         `json:"jobArn"`
	JobStatus          string         `json:"jobStatus"`
	CreatedAt          string         `json:"createdAt"`
	LastRunTime        string         `json:"lastRunTime,omitempty"`
	LastRunErrorStatus lastRunError   `json:"lastRunErrorStatus"`
	Statistics         statistics     `json:"statistics"`
	UserPausedDetails  *pausedDetails `json:"userPausedDetails,omitempty"`
}

type lastRunError struct {
	Code string `json:"code"`
}

type statistics struct {
	ApproximateNumberOfObjectsToProcess float64 `json:"approximateNumberOfObjectsToProcess"`
	NumberOfRuns                        float64 `json:"numberOfRuns"`
}

type pausedDetails struct {
	JobPausedAt  string `json:"jobPausedAt"`
	JobExpiresAt string `json:"jobExpiresAt"`
}

// pausedDetails returns userPausedDetails for a USER_PAUSED job, else nil.
func (j *Job) pausedDetails() *pausedDetails {
	if j.JobStatus != JobUserPaused {
		return nil
	}
	return &pausedDetails{
		JobPausedAt:  timestamp(j.PausedAt),
		JobExpiresAt: timestamp(j.PausedAt.Add(pausedJobLifetime)),
	}
}

// describeClassificationJob is DescribeClassificationJob (GET /jobs/{jobId}): lastRunTime is the
// start of the latest run (absent before the first), lastRunErrorStatus its outcome (runFailed)
// and statistics.numberOfRuns counts them; a run takes no time, so nothing is left to process
// between runs.
func (s *Service) describeClassificationJob(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	j := s.findJob(key{c.account, c.region}, c.params["jobId"])
	if j == nil {
		return nil, notFound("classification job %s does not exist", c.params["jobId"])
	}
	out := jobDescription{
		JobDefinition:      j.clone().JobDefinition,
		JobID:              j.JobID,
		JobArn:             j.JobArn,
		JobStatus:          j.JobStatus,
		CreatedAt:          timestamp(j.CreatedAt),
		LastRunErrorStatus: j.lastRunError(),
		Statistics:         statistics{NumberOfRuns: float64(j.Runs)},
		UserPausedDetails:  j.pausedDetails(),
	}
	if !j.LastRunTime.IsZero() {
		out.LastRunTime = timestamp(j.LastRunTime)
	}
	return out, nil
}

// updateClassificationJob is UpdateClassificationJob (PATCH /jobs/{jobId}): only the status
// changes. CANCELLED from any unfinished status; USER_PAUSED from RUNNING, IDLE or PAUSED;
// RUNNING only from USER_PAUSED (resume). A cancelled or complete job cannot change.
func (s *Service) updateClassificationJob(c *call) (any, error) {
	var in struct {
		JobStatus string `json:"jobStatus"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	j := s.findJob(key{c.account, c.region}, c.params["jobId"])
	if j == nil {
		return nil, notFound("classification job %s does not exist", c.params["jobId"])
	}
	if err := transition(j.JobStatus, in.JobStatus); err != nil {
		return nil, err
	}
	j.JobStatus = in.JobStatus
	switch in.JobStatus {
	case JobUserPaused:
		j.PausedAt = s.now()
	case JobRunning:
		j.resumed(s.now())
	case JobCancelled:
		j.nextRun = time.Time{}
	}
	return nil, nil
}

// transition checks a requested job status change.
func transition(from, to string) error {
	if terminal(from) {
		return validation("the job is %s and can no longer change", from)
	}
	switch to {
	case JobCancelled:
		return nil
	case JobUserPaused:
		if from == JobUserPaused {
			return validation("the job is already paused")
		}
		return nil
	case JobRunning:
		if from != JobUserPaused {
			return validation("only a USER_PAUSED job can be resumed; the job is %s", from)
		}
		return nil
	default:
		return validation("jobStatus can only be set to CANCELLED, RUNNING or USER_PAUSED, not %q", to)
	}
}

// resumed reschedules a job resumed at now: the runs it missed while paused are skipped, and a
// run due while it was paused happens at once for a ONE_TIME job, at its next slot for a
// SCHEDULED one.
func (j *Job) resumed(now time.Time) {
	switch {
	case j.nextRun.IsZero() || !j.nextRun.Before(now):
	case j.JobType == JobTypeOneTime:
		j.nextRun = now
	default:
		j.nextRun = j.Schedule().after(j.CreatedAt, now.Add(-time.Nanosecond))
	}
}
