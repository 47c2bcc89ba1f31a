// Package status builds what `maciectl status` shows: per account and Region, the member status,
// the tagged buckets and near-miss tags, and whether each tagged bucket is inside the active
// managed job's scope, judged by the job's stored bucket criteria and the account's member
// status; per Region, the managed jobs, the active job's last run and the findings publication.
// It renders the report as a table and as one self-contained HTML page.
package status

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/cost"
	"github.com/macieselfservice/macie-selfservice/internal/jobscope"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// Region is what was read of one managed Region in the administrator account.
type Region struct {
	Region string `json:"region"`
	// Publishing: classification findings are published to Security Hub.
	Publishing bool `json:"publishClassificationFindings"`
	// Jobs are the managed classification jobs, in any status.
	Jobs []plan.Job `json:"managedJobs"`
	// Active is the stored definition and last run of the active managed job; nil when none is
	// active (none, or only cancelled, complete or user-paused ones).
	Active *jobscope.Job `json:"activeJob"`
	Error  string        `json:"error,omitempty"`
}

// Failure is an (account, Region) that could not be read.
type Failure struct {
	Account string
	Region  string
	Error   string
}

// Input is everything the report is built from.
type Input struct {
	Admin   string
	Policy  tagpolicy.Policy
	Members []plan.Member
	Regions []Region
	// Failures are the pairs that could not be read.
	Failures []Failure
	// Costs are the tag-scoped cost estimate per pair, if any.
	Costs []cost.PairCost
	// Backfills are the backfill states of the buckets in scope, if read.
	Backfills []plan.BucketBackfill
	// Findings are the sensitive data findings per bucket, if read.
	Findings []BucketFindings
}

// Bucket is a bucket that is tagged in scope or carries a near-miss tag.
type Bucket struct {
	Name       string            `json:"name"`
	Tags       map[string]string `json:"tags"`
	InScope    bool              `json:"inScope"`
	NearMisses []string          `json:"nearMisses"`
	// Scanned: the active job's criteria select the bucket and its account is an enabled member.
	Scanned bool `json:"scanned"`
	// Reason says why, e.g. "not scanned: member paused".
	Reason string `json:"reason"`
	// Backfill is the one-time analysis of what the bucket held before it was tagged: state
	// (waiting for Macie's inventory, pending, running, done, given up) and job; nil when not read.
	Backfill *plan.BucketBackfill `json:"backfill,omitempty"`
	// Findings counts the bucket's sensitive data findings; nil when it has none.
	Findings *Findings `json:"findings,omitempty"`
}

// Account is one (account, Region).
type Account struct {
	Account string   `json:"account"`
	Region  string   `json:"region"`
	Status  string   `json:"memberStatus"`
	Buckets []Bucket `json:"buckets"`
	// InScope and Scanned count the buckets tagged in scope and those of them the job scans.
	InScope    int     `json:"bucketsInScope"`
	Scanned    int     `json:"bucketsScanned"`
	NearMisses int     `json:"nearMisses"`
	MonthlyUSD float64 `json:"monthlyUSD"`
	Error      string  `json:"error,omitempty"`
}

// Report is the status of the organization.
type Report struct {
	Policy   string    `json:"policy"`
	Regions  []Region  `json:"regions"`
	Accounts []Account `json:"accounts"`
}

// Build judges every tagged bucket against its Region's active job.
func Build(in Input) Report {
	rep := Report{Policy: in.Policy.String(), Regions: slices.Clone(in.Regions), Accounts: []Account{}}
	if rep.Regions == nil {
		rep.Regions = []Region{}
	}
	regions := map[string]Region{}
	for _, r := range in.Regions {
		regions[r.Region] = r
	}
	costs := map[[2]string]float64{}
	for _, c := range in.Costs {
		costs[[2]string{c.Account, c.Region}] = c.MonthlyUSD
	}
	found := findingsOf(in.Findings)
	for _, m := range in.Members {
		a := account(in.Policy, m, regions[m.Region])
		for i, b := range a.Buckets {
			if f, ok := found[[3]string{m.Account, m.Region, b.Name}]; ok {
				a.Buckets[i].Findings = &f
			}
		}
		a.MonthlyUSD = costs[[2]string{m.Account, m.Region}]
		attachBackfills(&a, in.Backfills)
		rep.Accounts = append(rep.Accounts, a)
	}
	for _, f := range in.Failures {
		rep.Accounts = append(rep.Accounts, Account{Account: f.Account, Region: f.Region, Status: "unknown",
			Buckets: []Bucket{}, Error: f.Error})
	}
	slices.SortFunc(rep.Accounts, func(a, b Account) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return rep
}

// account judges the buckets of one pair.
func account(p tagpolicy.Policy, m plan.Member, r Region) Account {
	a := Account{Account: m.Account, Region: m.Region, Status: string(cmp.Or(m.Status, plan.StatusNone)), Buckets: []Bucket{}}
	for _, b := range m.Buckets {
		v := p.Evaluate(b.Tags)
		if !v.InScope && len(v.NearMisses) == 0 {
			continue
		}
		bs := Bucket{Name: b.Name, Tags: b.Tags, InScope: v.InScope, NearMisses: v.NearMisses}
		if bs.NearMisses == nil {
			bs.NearMisses = []string{}
		}
		bs.Scanned, bs.Reason = judge(m, b, r)
		if bs.InScope {
			a.InScope++
		}
		if bs.Scanned {
			a.Scanned++
		}
		a.NearMisses += len(bs.NearMisses)
		a.Buckets = append(a.Buckets, bs)
	}
	slices.SortFunc(a.Buckets, func(x, y Bucket) int { return cmp.Compare(x.Name, y.Name) })
	return a
}

// judge says whether the Region's active job scans the bucket, and why.
func judge(m plan.Member, b plan.Bucket, r Region) (bool, string) {
	if r.Active == nil {
		return false, "not scanned: no active managed job in " + m.Region + pausedNote(r)
	}
	if in, why := r.Active.Covers(jobscope.Bucket{Account: m.Account, Name: b.Name, Tags: b.Tags}); !in {
		return false, fmt.Sprintf("not scanned: %s (job %s)", why, r.Active.Name)
	}
	switch m.Status {
	case plan.StatusEnabled:
		return true, "scanned by job " + r.Active.Name
	case plan.StatusPaused:
		return false, "not scanned: member paused"
	case "", plan.StatusNone, plan.StatusRemoved, plan.StatusResigned:
		return false, "not scanned: the account is not a Macie member"
	}
	return false, "not scanned: member status " + string(m.Status)
}

// pausedNote names a managed job a user paused, which is why none is active.
func pausedNote(r Region) string {
	for _, j := range r.Jobs {
		if j.Status == plan.JobUserPaused && !plan.IsBackfill(j.Name) {
			return fmt.Sprintf(" (job %s is paused by a user)", j.Name)
		}
	}
	return ""
}

// ActiveJob picks the active managed job of a Region: one that is running, idle or paused by
// Macie (not cancelled, complete or paused by a user), preferring the wanted definition.
func ActiveJob(jobs []plan.Job, want string) (plan.Job, bool) {
	var found []plan.Job
	for _, j := range jobs {
		if plan.IsBackfill(j.Name) {
			continue // one-time jobs over named buckets are not the daily job
		}
		switch j.Status {
		case plan.JobRunning, plan.JobIdle, plan.JobPaused:
			found = append(found, j)
		}
	}
	if len(found) == 0 {
		return plan.Job{}, false
	}
	if i := slices.IndexFunc(found, func(j plan.Job) bool { return j.Name == want }); i >= 0 {
		return found[i], true
	}
	return found[0], true
}
