package macie

import (
	"slices"
	"strings"
	"time"
)

const (
	day = 24 * time.Hour
	// defaultRefresh is how often Macie refreshes its bucket inventory: "Macie automatically
	// refreshes inventory data ... daily" (Macie User Guide, "How Macie monitors Amazon S3 data
	// security").
	defaultRefresh = 24 * time.Hour
)

// SetInventoryRefresh sets how often the bucket inventory is refreshed (a positive d; other
// values restore the default of 24 hours). The next refresh is due d after the latest scheduled
// one; before any, the first stays due when the Service started.
func (s *Service) SetInventoryRefresh(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		d = defaultRefresh
	}
	s.refresh = d
	if !s.lastRefresh.IsZero() {
		s.nextRefresh = s.lastRefresh.Add(d)
	}
}

// NextDue returns the next moment something is scheduled: an inventory refresh, a job run, the
// expiry of a job paused by its user, or the daily cycle of metering and automated discovery. It is always true: the inventory refresh
// and the daily cycle are always scheduled.
func (s *Service) NextDue() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, _ := s.nextLocked()
	return t, true
}

// RunDue runs everything due at or before the clock's now, in time order, each as of its due
// time (analyses, findings and usage are recorded then). Every Macie request runs it first too.
func (s *Service) RunDue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueLocked()
}

// runDueLocked is RunDue with s.mu held.
func (s *Service) runDueLocked() {
	now := s.now()
	for {
		t, run := s.nextLocked()
		if t.After(now) {
			return
		}
		run(t)
	}
}

// nextLocked returns the earliest scheduled item and what runs it. Items due at the same moment
// run in this order: the inventory refresh, job runs (oldest job first), the expiry of a paused
// job, the daily cycle.
func (s *Service) nextLocked() (time.Time, func(time.Time)) {
	t, run := s.nextRefresh, s.refreshInventory
	if j, k := s.nextJobLocked(); j != nil && j.nextRun.Before(t) {
		t, run = j.nextRun, func(at time.Time) { s.runJob(k, j, at) }
	}
	if j := s.nextExpiryLocked(); j != nil && j.PausedAt.Add(pausedJobLifetime).Before(t) {
		t, run = j.PausedAt.Add(pausedJobLifetime), func(time.Time) { j.JobStatus, j.nextRun = JobCancelled, time.Time{} }
	}
	if s.nextDaily.Before(t) {
		t, run = s.nextDaily, s.dailyCycle
	}
	return t, run
}

// nextExpiryLocked returns the USER_PAUSED job that expires first, or nil: Macie cancels a job
// paused for 30 days (API Reference, UserPausedDetails.jobExpiresAt).
func (s *Service) nextExpiryLocked() *Job {
	var best *Job
	for _, jobs := range s.jobs {
		for _, j := range jobs {
			if j.JobStatus == JobUserPaused && (best == nil || j.PausedAt.Before(best.PausedAt) ||
				j.PausedAt.Equal(best.PausedAt) && j.seq < best.seq) {
				best = j
			}
		}
	}
	return best
}

// nextJobLocked returns the job whose run is due first (creation order breaks ties), or nil.
func (s *Service) nextJobLocked() (*Job, key) {
	var best *Job
	var bestKey key
	for k, jobs := range s.jobs {
		for _, j := range jobs {
			if j.nextRun.IsZero() || !active(j.JobStatus) {
				continue
			}
			if best == nil || j.nextRun.Before(best.nextRun) || j.nextRun.Equal(best.nextRun) && j.seq < best.seq {
				best, bestKey = j, k
			}
		}
	}
	return best, bestKey
}

// RefreshInventory refreshes the bucket inventory now, without moving the schedule: setup uses it
// so that the inventory starts out knowing the buckets that exist.
func (s *Service) RefreshInventory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.takeSnapshot(s.now())
}

// RefreshAccount refreshes the inventory of one account in one Region now, if Macie is enabled
// there: setup (the sandbox's PutBucket, SetMember, SetAdmin) uses it so that the state it sets
// up is the inventory's starting point.
func (s *Service) RefreshAccount(account, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshAccountLocked(account, region)
}

// refreshAccountLocked is RefreshAccount with s.mu held.
func (s *Service) refreshAccountLocked(account, region string) {
	k := key{account, region}
	if ss := s.sessions[k]; ss != nil && ss.status == StatusEnabled {
		s.snapshot[k], s.snapshotAt[k] = s.world.Buckets(account, region), s.now()
	}
}

// refreshInventory takes a new snapshot of the buckets of every account where Macie is enabled
// and not suspended. Job bucket criteria, SearchResources and DescribeBuckets read the snapshot,
// so a bucket created or retagged since the latest refresh is seen as it was then, and the
// buckets of a new member appear at the next refresh ("Macie updates inventory data daily";
// Macie User Guide, "Scope options for sensitive data discovery jobs": bucket criteria are
// evaluated against the inventory). A paused account keeps its older snapshot.
func (s *Service) refreshInventory(t time.Time) {
	s.takeSnapshot(t)
	s.lastRefresh, s.nextRefresh = t, t.Add(s.refresh)
}

// takeSnapshot copies the buckets of every account where Macie is enabled into the inventory,
// as of t.
func (s *Service) takeSnapshot(t time.Time) {
	for _, k := range s.sessionKeys() {
		if s.sessions[k].status == StatusEnabled {
			s.snapshot[k], s.snapshotAt[k] = s.world.Buckets(k.account, k.region), t
		}
	}
}

// dailyCycle meters a day of bucket monitoring for every account where Macie is enabled and not
// suspended (paused members incur no charges: Macie User Guide, "Managing member accounts"), and
// runs a cycle of automated sensitive data discovery where it is enabled.
func (s *Service) dailyCycle(t time.Time) {
	for _, k := range s.sessionKeys() {
		if s.sessions[k].status != StatusEnabled {
			continue
		}
		s.meter(k, t).bucketDays += int64(len(s.snapshot[k]))
		if s.discoveryEnabled(k.account, k.region) {
			s.discover(k, t)
		}
	}
	s.nextDaily = t.Add(day)
}

// sessionKeys returns the (account, Region) of every session, sorted, so that what a cycle does
// comes in a repeatable order.
func (s *Service) sessionKeys() []key {
	out := make([]key, 0, len(s.sessions))
	for k := range s.sessions {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b key) int {
		return strings.Compare(a.region+"/"+a.account, b.region+"/"+b.account)
	})
	return out
}
