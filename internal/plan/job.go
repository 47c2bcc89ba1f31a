package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// JobPrefix starts the name of every classification job this project manages.
const JobPrefix = "macie-selfservice-"

// Classification job statuses, as Macie reports them.
const (
	JobRunning    = "RUNNING"
	JobIdle       = "IDLE"
	JobPaused     = "PAUSED"
	JobUserPaused = "USER_PAUSED"
	JobCancelled  = "CANCELLED"
	JobComplete   = "COMPLETE"
)

// JobSpec is the definition of the managed scheduled classification job. Macie job definitions are
// immutable, so the name carries a hash of the definition: a changed definition is a new job.
type JobSpec struct {
	Name     string `json:"name"`
	TagKey   string `json:"tagKey"`
	TagValue string `json:"tagValue"`
	// ExcludedAccounts are left out of the job's bucket criteria, so their buckets are never scanned.
	ExcludedAccounts []string `json:"excludedAccounts,omitempty"`
	// Schedule is DAILY.
	Schedule           string `json:"schedule"`
	SamplingPercentage int32  `json:"samplingPercentage"`
	// NoInitialRun creates the job without its initial run over existing objects, which the
	// backfill jobs analyse instead. It matters only when the job is created, so it is not part
	// of the definition the name hashes: an existing job is not replaced for it.
	NoInitialRun bool `json:"-"`
}

// NewJobSpec returns the daily job for a policy, named after a hash of its definition.
func NewJobSpec(p tagpolicy.Policy, excluded []string, sampling int32) JobSpec {
	ex := slices.Clone(excluded)
	slices.Sort(ex)
	ex = slices.Compact(ex)
	s := JobSpec{TagKey: p.Key, TagValue: p.Value, ExcludedAccounts: ex, Schedule: "DAILY", SamplingPercentage: sampling}
	def, _ := json.Marshal(s) // a struct of strings and numbers always marshals
	sum := sha256.Sum256(def)
	s.Name = JobPrefix + hex.EncodeToString(sum[:])[:12]
	return s
}

// Job is a managed classification job as Macie reports it.
type Job struct {
	ID     string `json:"jobId"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// RegionState is what was observed of one managed Region in the administrator account.
type RegionState struct {
	Region string
	// Jobs are the classification jobs whose names start with JobPrefix.
	Jobs []Job
	// Publishing reports whether classification findings go to Security Hub.
	Publishing bool
}

// RegionActions applies the Region rules.
func RegionActions(r Rules, rs RegionState) []Action {
	var acts []Action
	want := r.Job
	found := false
	for _, j := range rs.Jobs {
		if !strings.HasPrefix(j.Name, JobPrefix) || IsBackfill(j.Name) || j.Status == JobCancelled || j.Status == JobComplete {
			continue
		}
		switch {
		case j.Name == want.Name && !found:
			found = true
			if j.Status == JobUserPaused {
				acts = append(acts, Action{Kind: ResumeJob, Region: rs.Region, JobID: j.ID,
					Reason: fmt.Sprintf("managed job %s was paused by a user", j.Name)})
			}
		case j.Name == want.Name:
			acts = append(acts, Action{Kind: CancelJob, Region: rs.Region, JobID: j.ID,
				Reason: fmt.Sprintf("duplicate of managed job %s", j.Name)})
		default:
			acts = append(acts, Action{Kind: CancelJob, Region: rs.Region, JobID: j.ID,
				Reason: fmt.Sprintf("job %s has an old definition; %s replaces it", j.Name, want.Name)})
		}
	}
	if !found {
		spec := want
		acts = append(acts, Action{Kind: CreateJob, Region: rs.Region, Job: &spec,
			Reason: fmt.Sprintf("no active managed daily job scans buckets tagged %s=%s", want.TagKey, want.TagValue)})
	}
	if !rs.Publishing {
		acts = append(acts, Action{Kind: EnablePublication, Region: rs.Region,
			Reason: "classification findings are not published to Security Hub"})
	}
	return acts
}
