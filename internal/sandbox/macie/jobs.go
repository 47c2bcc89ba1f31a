package macie

import (
	"time"
)

// pausedJobLifetime is how long a USER_PAUSED job can stay paused before Macie cancels it.
const pausedJobLifetime = 30 * 24 * time.Hour

// createClassificationJob is CreateClassificationJob (POST /jobs). The definition is stored as
// sent. A clientToken already used by the account in the Region returns that job again and
// creates nothing. New jobs, ONE_TIME or SCHEDULED, start RUNNING: the sandbox starts the first
// run at once and never finishes it, so a job never moves on to IDLE or COMPLETE by itself.
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
	LastRunTime        string         `json:"lastRunTime"`
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

// describeClassificationJob is DescribeClassificationJob (GET /jobs/{jobId}). The first run
// started when the job was created, so that is its lastRunTime and it counts one run.
func (s *Service) describeClassificationJob(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	j := s.findJob(key{c.account, c.region}, c.params["jobId"])
	if j == nil {
		return nil, notFound("classification job %s does not exist", c.params["jobId"])
	}
	return jobDescription{
		JobDefinition:      j.clone().JobDefinition,
		JobID:              j.JobID,
		JobArn:             j.JobArn,
		JobStatus:          j.JobStatus,
		CreatedAt:          timestamp(j.CreatedAt),
		LastRunTime:        timestamp(j.CreatedAt),
		LastRunErrorStatus: lastRunError{Code: "NONE"},
		Statistics:         statistics{NumberOfRuns: 1},
		UserPausedDetails:  j.pausedDetails(),
	}, nil
}

// updateClassificationJob is UpdateClassificationJob (PATCH /jobs/{jobId}): only the status
// changes. CANCELLED from any unfinished status; USER_PAUSED from RUNNING, IDLE or PAUSED;
// RUNNING only from USER_PAUSED (resume). A cancelled or complete job cannot change.
func (s *Service) updateClassificationJob(c *call) (any, error) {
	var in struct {
		JobStatus string `json:"jobStatus"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if _, err := s.requireEnabled(c); err != nil {
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
	if in.JobStatus == JobUserPaused {
		j.PausedAt = s.now()
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
