package macie

import (
	"slices"
	"time"
)

// originJob and originDiscovery are the classificationDetails.originType of findings.
const (
	originJob       = "SENSITIVE_DATA_DISCOVERY_JOB"
	originDiscovery = "AUTOMATED_SENSITIVE_DATA_DISCOVERY"
)

// origin is what analysed objects: a job, or automated discovery (job nil) on behalf of admin.
type origin struct {
	admin string
	job   *Job
}

// by names the origin in an Analysis.
func (o origin) by() string {
	if o.job == nil {
		return "automated-discovery"
	}
	return "job:" + o.job.JobID
}

// runJob runs job j of k at t (Macie User Guide, "Scope options for sensitive data discovery
// jobs"):
//   - the buckets are those its bucketDefinitions name or its bucketCriteria match, both taken
//     from the inventory snapshot of the moment (inventory), which holds the administrator's
//     buckets and those of its Enabled members only: the buckets of paused members are skipped,
//     and nothing is billed for them ("Managing member accounts": while a member is suspended,
//     the administrator's jobs skip the resources it owns); accounts without Macie have none. A
//     bucket named by bucketDefinitions but not yet in the inventory is skipped too (AWS does not
//     say; this is the side on which a backfill is hardest);
//   - the objects are those changed since the cutoff (cutoff, eligible) that the job's scoping
//     selects (scoping.go), sampled at samplingPercentage (jobPick);
//   - the run ends in error when a bucket its bucketDefinitions name is out of reach (runFailed);
//   - a ONE_TIME job is COMPLETE after its run; a SCHEDULED one is due again a period later.
func (s *Service) runJob(k key, j *Job, t time.Time) {
	if ss := s.sessions[k]; ss != nil && ss.status == StatusEnabled {
		s.analyseJob(k, j, t)
		j.LastRunTime = t
		j.Runs++
		j.lastRunFailed = s.runFailed(k, j)
	}
	if j.JobType == JobTypeOneTime {
		j.JobStatus, j.nextRun = JobComplete, time.Time{}
		return
	}
	j.nextRun = j.Schedule().after(j.CreatedAt, t)
}

// analyseJob analyses what j selects at t.
func (s *Service) analyseJob(k key, j *Job, t time.Time) {
	from, until := j.cutoff(), mark{t, s.world.ObjectSeq()}
	sc := j.scope()
	pct := int64(100)
	if j.SamplingPercentage != nil {
		pct = int64(*j.SamplingPercentage)
	}
	by := origin{admin: k.account, job: j}
	for _, b := range j.covers(s.inventory(k.account, k.region)) {
		for _, g := range s.world.Objects(b.account, b.Name) {
			if j.eligible(g, from, until) && sc.selects(g) {
				s.analyse(by, k.region, b, g, jobPick(g, pct), t)
			}
		}
	}
	j.lastRunSeq = until.seq
}

// runFailed reports whether a run of j by k meets an account- or bucket-level error, which Macie
// reports as lastRunErrorStatus ERROR ("Macie didn't process all the data specified for the
// job"; for a recurring job, of its most recent run): a bucket its bucketDefinitions name no
// longer exists in that account and Region (deleted, or never there), or its account's resources
// are out of the job's reach (a member paused, removed or never associated). AWS gives as
// examples a job "configured to analyze data for a member account that was suspended" and one
// "configured to analyze an S3 bucket that Amazon Macie isn't allowed to access" (API Reference,
// LastRunErrorStatus), and logs such errors with the bucket and its account (Macie User Guide,
// "Monitoring sensitive data discovery jobs with Amazon CloudWatch Logs"). Buckets matched by
// bucketCriteria come from the inventory and raise none. A named bucket that exists but is not
// in the inventory yet is skipped without an error (AWS does not say): a silent skip is the side
// on which a backfill is hardest to trust.
func (s *Service) runFailed(k key, j *Job) bool {
	if j.S3JobDefinition == nil {
		return false
	}
	visible := s.visibleAccounts(k.account, k.region)
	for _, bd := range j.S3JobDefinition.BucketDefinitions {
		if !slices.Contains(visible, bd.AccountID) {
			return true
		}
		live := s.world.Buckets(bd.AccountID, k.region)
		for _, name := range bd.Buckets {
			if !slices.ContainsFunc(live, func(b Bucket) bool { return b.Name == name }) {
				return true
			}
		}
	}
	return false
}

// lastRunError is the job's lastRunErrorStatus: ERROR or NONE (also before its first run).
func (j *Job) lastRunError() lastRunError {
	if j.lastRunFailed {
		return lastRunError{Code: "ERROR"}
	}
	return lastRunError{Code: "NONE"}
}

// mark is a moment in the order things happen: a time, and the Seq of the latest object group
// put by then (several things happen at one moment of a virtual clock).
type mark struct {
	at  time.Time
	seq int64
}

// before reports whether an object group was put before m: last modified earlier, or at m's
// time and put no later than m.
func (m mark) before(g ObjectGroup) bool {
	return g.LastModified.Before(m.at) || g.LastModified.Equal(m.at) && g.Seq <= m.seq
}

// eligible reports whether g is in j's run that ends at until (its start: a run takes no time)
// and follows from: a ONE_TIME job takes everything that exists then; a SCHEDULED run the groups
// changed after from and by until, so that runs tile time without gap or overlap, also among
// things that happen at the same moment.
func (j *Job) eligible(g ObjectGroup, from, until mark) bool {
	if !until.before(g) {
		return false
	}
	return j.JobType == JobTypeOneTime || !from.before(g)
}

// cutoff is the moment after which objects must have been changed for the next run: the start
// of the preceding run; for the first run, the job's creation when initialRun is false on a
// SCHEDULED job (absent means false, as in the API), else none (every object).
func (j *Job) cutoff() mark {
	switch {
	case j.Runs > 0:
		return mark{j.LastRunTime, j.lastRunSeq}
	case j.JobType == JobTypeScheduled && (j.InitialRun == nil || !*j.InitialRun):
		return mark{j.CreatedAt, j.createdSeq}
	}
	return mark{}
}

// Schedule returns the job's schedule (daily when it has none, which only ONE_TIME jobs lack).
func (j *Job) Schedule() *Schedule {
	if j.ScheduleFrequency == nil {
		return &Schedule{DailySchedule: &struct{}{}}
	}
	return j.ScheduleFrequency
}

// after returns the first run time of the schedule after t. The sandbox counts periods from the
// job's creation: daily every 24 hours, weekly every 7 days, monthly every calendar month (AWS
// runs them at set hours and days; the period between runs is what the model keeps).
func (f *Schedule) after(created, t time.Time) time.Time {
	next := created
	for !next.After(t) {
		switch {
		case f.WeeklySchedule != nil:
			next = next.Add(7 * day)
		case f.MonthlySchedule != nil:
			next = next.AddDate(0, 1, 0)
		default:
			next = next.Add(day)
		}
	}
	return next
}

// analyse records one analysis of p's objects of group g of bucket b at t: in the World (for
// coverage), in usage (billed to the bucket's owner), and as findings for the sensitive objects.
func (s *Service) analyse(from origin, region string, b bucketRef, g ObjectGroup, p pick, t time.Time) {
	if p.objects == 0 {
		return
	}
	s.world.Analysed(Analysis{Account: b.account, Region: region, Bucket: b.Name, Group: g.ID,
		Objects: p.objects, Fresh: p.fresh, At: t, By: from.by()})
	m, n := s.meter(key{b.account, region}, t), bytesOf(g, p.objects)
	switch {
	case from.job == nil:
		m.discoveryBytes += n
	case from.job.JobType == JobTypeOneTime:
		m.jobBytes += n
		m.oneTimeBytes += n
	default:
		m.jobBytes += n
	}
	hit := sensitiveIn(g, g.Analysed, g.Analysed+p.fresh)
	hit = append(hit, sensitiveIn(g, 0, p.objects-p.fresh)...)
	for _, i := range hit {
		s.recordFinding(from, region, b, g, i, t)
	}
}
