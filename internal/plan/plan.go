// Package plan decides, as a pure function, what must change so that Macie covers exactly the
// buckets in scope. Desired state comes from bucket tags, current state from Macie.
//
// Member rules, per (account, Region); the first matching row wins:
//
//	account                 member status              in scope  action
//	administrator           any                        any       none (never a member of itself)
//	excluded                any                        any       none (never touched)
//	any                     None, Removed, Resigned    yes       CreateMember
//	any                     Paused                     yes       ResumeMember
//	any                     Enabled                    yes       none
//	protected               Enabled                    no        none (protected: never paused)
//	any                     Enabled                    no        PauseMember
//	any                     other (Invited, Created,   any       none, with a warning: the
//	                        RegionDisabled, ...)                 status needs a person
//	any                     None, Paused, ...          no        none
//
// Region rules, per managed Region: exactly one managed classification job with the wanted
// definition is active (CreateJob when missing, ResumeJob when someone paused it, CancelJob for
// every other managed job that is not cancelled, backfill jobs aside, since job definitions are
// immutable), and
// classification findings are published to Security Hub (EnablePublication). Backfill jobs
// (backfill.go) and the automated discovery policy (discovery.go) have their own rules.
package plan

import (
	"cmp"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// Kind names an action.
type Kind string

// The actions, in the order a plan lists them within one Region.
const (
	CreateJob         Kind = "CreateJob"
	ResumeJob         Kind = "ResumeJob"
	CancelJob         Kind = "CancelJob"
	EnablePublication Kind = "EnablePublication"
	CreateMember      Kind = "CreateMember"
	ResumeMember      Kind = "ResumeMember"
	PauseMember       Kind = "PauseMember"
	DisableDiscovery  Kind = "DisableDiscovery"
	CreateBackfillJob Kind = "CreateBackfillJob"
)

// Action is one change, with the reason a person reads.
type Action struct {
	Kind    Kind   `json:"kind"`
	Region  string `json:"region"`
	Account string `json:"account,omitempty"`
	// Bucket is the bucket in scope that calls for CreateMember or ResumeMember.
	Bucket string `json:"bucket,omitempty"`
	// Email is the account's email, which CreateMember needs.
	Email string `json:"email,omitempty"`
	// Job is the definition to create (CreateJob).
	Job *JobSpec `json:"job,omitempty"`
	// JobID names the job to resume or cancel.
	JobID string `json:"jobId,omitempty"`
	// Backfill is the one-time job to create (CreateBackfillJob).
	Backfill *BackfillSpec `json:"backfill,omitempty"`
	// Accounts are the accounts to turn automated discovery off for (DisableDiscovery).
	Accounts []string `json:"accounts,omitempty"`
	Reason   string   `json:"reason"`
}

// Warning is something a person should look at; it changes nothing.
type Warning struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Bucket  string `json:"bucket,omitempty"`
	Message string `json:"message"`
}

// Plan is the sorted list of actions and warnings for a set of observations.
type Plan struct {
	Actions  []Action  `json:"actions"`
	Warnings []Warning `json:"warnings"`
}

// Empty reports whether the plan changes nothing.
func (p Plan) Empty() bool { return len(p.Actions) == 0 }

// Rules are the settings the plan applies.
type Rules struct {
	Policy tagpolicy.Policy
	// Admin is the delegated Macie administrator account.
	Admin string
	// Protected accounts are never paused; Excluded accounts are never touched.
	Protected, Excluded map[string]bool
	// Job is the wanted classification job definition.
	Job JobSpec
	// Backfill turns on the one-time backfill jobs (see BackfillActions).
	Backfill bool
	// Discovery is the automated sensitive data discovery policy: DiscoveryOff or DiscoveryInherit.
	Discovery string
}

// Build returns the plan for the observed members and Regions.
func Build(r Rules, members []Member, regions []RegionState) Plan {
	p := Plan{Actions: []Action{}, Warnings: []Warning{}}
	for _, rs := range regions {
		p.Actions = append(p.Actions, RegionActions(r, rs)...)
	}
	for _, m := range members {
		acts, warns := MemberActions(r, m)
		p.Actions = append(p.Actions, acts...)
		p.Warnings = append(p.Warnings, warns...)
	}
	Sort(&p)
	return p
}

// Sort orders a plan by Region, then account, then kind, so that equal inputs give equal plans.
func Sort(p *Plan) {
	slices.SortStableFunc(p.Actions, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Account, b.Account),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.JobID, b.JobID))
	})
	SortWarnings(p.Warnings)
}

// SortWarnings orders warnings by account, Region, bucket and message.
func SortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.Message, b.Message))
	})
}

var kinds = []Kind{CreateJob, ResumeJob, CancelJob, EnablePublication, CreateMember, ResumeMember, PauseMember,
	DisableDiscovery, CreateBackfillJob}

func kindOrder(k Kind) int { return slices.Index(kinds, k) }
