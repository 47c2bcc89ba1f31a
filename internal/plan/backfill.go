package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Backfill rules, per managed Region, when Rules.Backfill is on. The managed daily job analyses
// only objects created or changed after its preceding run, so the objects a bucket held before it
// entered scope are analysed by a one-time backfill job that names the bucket explicitly. What has
// been backfilled is read from Macie, never kept: a bucket is backfilled when a managed backfill
// job (name BackfillPrefix...) that is not cancelled and did not end in error names it (each
// sweep lists the jobs' status and error; only the bucket lists, which never change, are cached).
//
//	bucket in scope (fresh read)  Macie's inventory shows it tagged  backfill jobs naming it       state
//	yes                           no                                 -                             waiting (for Macie's inventory)
//	yes                           yes                                one running or paused         running
//	yes                           yes                                one complete without error    done
//	yes                           yes                                none in good standing, fewer  pending: in the next CreateBackfillJob
//	                                                                 than MaxBackfillAttempts
//	                                                                 failed or cancelled
//	yes                           yes                                MaxBackfillAttempts failed    given up, with a warning
//
// One CreateBackfillJob per Region per sweep names up to MaxBackfillBuckets pending buckets (of
// any accounts); CreateClassificationJob is limited to 0.1 requests a second, and a job names at
// most 1,000 buckets. No backfill is planned while the Region has no active daily job: the
// backfill's cutoff is the daily job's last run (its creation before the first run). Objects
// last modified after the cutoff are left to the daily job's next run, which analyses what
// changed since that run; so only objects changed between the daily job's last two runs of a
// bucket already matching, or in the second after the cutoff (which Macie is given to the
// second, rounded up), can be analysed twice.

// BackfillPrefix starts the name of every managed backfill job; it starts with JobPrefix.
const BackfillPrefix = JobPrefix + "backfill-"

// MaxBackfillBuckets is the most buckets one classification job may name.
const MaxBackfillBuckets = 1000

// MaxBackfillAttempts bounds how many failed or cancelled backfills of one bucket are retried.
const MaxBackfillAttempts = 3

// IsBackfill reports whether a job name is a managed backfill job's.
func IsBackfill(name string) bool { return strings.HasPrefix(name, BackfillPrefix) }

// BucketRef names a bucket of an account.
type BucketRef struct {
	Account string `json:"account"`
	Name    string `json:"bucket"`
}

func (b BucketRef) compare(o BucketRef) int {
	return cmp.Or(cmp.Compare(b.Account, o.Account), cmp.Compare(b.Name, o.Name))
}

// BackfillJob is a managed backfill job as Macie stores it.
type BackfillJob struct {
	ID     string `json:"jobId"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// Failed is true when the job's run ended in error (lastRunErrorStatus ERROR).
	Failed  bool        `json:"failed,omitempty"`
	Buckets []BucketRef `json:"buckets"`
}

// good reports whether the job counts as analysing its buckets.
func (j BackfillJob) good() bool { return j.Status != JobCancelled && !j.Failed }

// DailyRun is what the backfill needs of the Region's active managed daily job.
type DailyRun struct {
	ID          string    `json:"jobId"`
	CreatedAt   time.Time `json:"createdAt"`
	LastRunTime time.Time `json:"lastRunTime,omitzero"`
}

// cutoff is the time before which a bucket's objects are the backfill's to analyse.
func (d DailyRun) cutoff() time.Time {
	if !d.LastRunTime.IsZero() {
		return d.LastRunTime
	}
	return d.CreatedAt
}

// CoverageState is what was observed of one managed Region for the backfill.
type CoverageState struct {
	Region string
	// Daily is the active managed daily job; nil when there is none.
	Daily *DailyRun
	// Backfills are the managed backfill jobs, any status.
	Backfills []BackfillJob
	// Inventoried are the buckets Macie's inventory shows with the scoping tag: the daily job
	// matches them at its next run.
	Inventoried []InventoryBucket
	// InScope are the buckets in scope by fresh reads, of the accounts Macie is enabled for.
	InScope []BucketRef
}

// InventoryBucket is a bucket as Macie's inventory shows it, with its jobDetails.
type InventoryBucket struct {
	BucketRef
	// MonitoredByJob: a scheduled job that is not cancelled is set to analyse the bucket.
	MonitoredByJob bool `json:"isMonitoredByJob"`
	// LastJobID and LastJobRunTime name the job that analysed the bucket most recently and when
	// its run started (zero when none).
	LastJobID      string    `json:"lastJobId,omitempty"`
	LastJobRunTime time.Time `json:"lastJobRunTime,omitzero"`
}

// Backfill states of a bucket.
const (
	BackfillWaiting = "waiting for Macie's inventory"
	BackfillPending = "pending"
	BackfillRunning = "running"
	BackfillDone    = "done"
	BackfillGaveUp  = "given up"
)

// BucketBackfill is the backfill state of one bucket in scope.
type BucketBackfill struct {
	BucketRef
	// Region is set where states of several Regions are listed together.
	Region string `json:"region,omitempty"`
	State  string `json:"state"`
	// JobID is the backfill job in good standing that names the bucket, if any.
	JobID string `json:"jobId,omitempty"`
	// Failures counts the backfill jobs of the bucket that failed or were cancelled.
	Failures int `json:"failures,omitempty"`
	// Inventory is what Macie's inventory shows of the bucket; nil when it does not show it tagged.
	Inventory *InventoryBucket `json:"inventory,omitempty"`
}

// BackfillStates applies the backfill rules to every bucket in scope, sorted.
func BackfillStates(cs CoverageState) []BucketBackfill {
	inventoried := map[BucketRef]InventoryBucket{}
	for _, b := range cs.Inventoried {
		inventoried[b.BucketRef] = b
	}
	out := make([]BucketBackfill, 0, len(cs.InScope))
	for _, b := range cs.InScope {
		inv, ok := inventoried[b]
		st := bucketState(b, ok, cs.Backfills)
		if ok {
			st.Inventory = &inv
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b BucketBackfill) int { return a.compare(b.BucketRef) })
	return slices.CompactFunc(out, func(a, b BucketBackfill) bool { return a.BucketRef == b.BucketRef })
}

func bucketState(b BucketRef, inventoried bool, jobs []BackfillJob) BucketBackfill {
	st := BucketBackfill{BucketRef: b}
	for _, j := range jobs {
		if !slices.Contains(j.Buckets, b) {
			continue
		}
		if !j.good() {
			st.Failures++
			continue
		}
		if st.State != BackfillDone {
			st.JobID, st.State = j.ID, BackfillRunning
			if j.Status == JobComplete {
				st.State = BackfillDone
			}
		}
	}
	switch {
	case st.State != "":
	case !inventoried:
		st.State = BackfillWaiting
	case st.Failures >= MaxBackfillAttempts:
		st.State = BackfillGaveUp
	default:
		st.State = BackfillPending
	}
	return st
}

// BackfillSpec is the definition of a one-time backfill job.
type BackfillSpec struct {
	Name    string      `json:"name"`
	Buckets []BucketRef `json:"buckets"`
	// ModifiedBefore: objects last modified after it are left to the daily job.
	ModifiedBefore     time.Time `json:"modifiedBefore"`
	SamplingPercentage int32     `json:"samplingPercentage"`
}

// Accounts counts the distinct accounts the job's buckets belong to.
func (s BackfillSpec) Accounts() int {
	seen := map[string]bool{}
	for _, b := range s.Buckets {
		seen[b.Account] = true
	}
	return len(seen)
}

// BackfillActions applies the backfill rules to one Region at time now: at most one
// CreateBackfillJob, and a warning per bucket given up on.
func BackfillActions(r Rules, cs CoverageState, now time.Time) ([]Action, []Warning) {
	if !r.Backfill || cs.Daily == nil {
		return nil, nil
	}
	var pending []BucketRef
	var warns []Warning
	for _, st := range BackfillStates(cs) {
		switch st.State {
		case BackfillPending:
			pending = append(pending, st.BucketRef)
		case BackfillGaveUp:
			warns = append(warns, Warning{Account: st.Account, Region: cs.Region, Bucket: st.Name, Message: fmt.Sprintf(
				"bucket %s: %d backfill jobs failed or were cancelled, so its objects from before it was tagged are not analysed; see the jobs' errors in Macie", st.Name, st.Failures)})
		}
	}
	if len(pending) == 0 {
		return nil, warns
	}
	spec := NewBackfillSpec(pending[:min(len(pending), MaxBackfillBuckets)], cs.Daily.cutoff(), r.Job.SamplingPercentage, now)
	reason := fmt.Sprintf("%d bucket(s) in scope in %d account(s) hold objects from before they were tagged that no managed job has analysed", len(spec.Buckets), spec.Accounts())
	if left := len(pending) - len(spec.Buckets); left > 0 {
		reason += fmt.Sprintf("; %d more in a later sweep (a job names at most %d buckets)", left, MaxBackfillBuckets)
	}
	return []Action{{Kind: CreateBackfillJob, Region: cs.Region, Backfill: &spec, Reason: reason}}, warns
}

// NewBackfillSpec returns the backfill job of the buckets, named after the minute it is planned
// in and a hash of its definition: a create retried in the same minute is the same job (the
// name is the client token), a retry in a later sweep is a new one.
func NewBackfillSpec(buckets []BucketRef, modifiedBefore time.Time, sampling int32, now time.Time) BackfillSpec {
	bs := slices.Clone(buckets)
	slices.SortFunc(bs, BucketRef.compare)
	s := BackfillSpec{Buckets: bs, ModifiedBefore: modifiedBefore.UTC(), SamplingPercentage: sampling}
	def, _ := json.Marshal(s) // strings, a time and a number always marshal
	sum := sha256.Sum256(def)
	s.Name = BackfillPrefix + now.UTC().Format("20060102t1504") + "-" + hex.EncodeToString(sum[:])[:12]
	return s
}
