// Package planview turns what the engine read of an organization into what `maciectl plan` and
// `maciectl apply` show: the plan's actions with their reasons, the warnings a person should read
// (near-miss tags, read roles that cannot be assumed, tagged buckets in Regions that are not
// managed), a summary, and the outcome of applying it, as a Terraform-like table or as JSON.
package planview

import (
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/apierr"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// View is a plan as shown to a person. Its JSON form is stable:
//
//	{"actions": [plan.Action...], "warnings": [plan.Warning...], "errors": [Error...],
//	 "summary": Summary, "cost": {...}}
type View struct {
	// Actions are the changes, sorted by Region, account and kind.
	Actions []plan.Action `json:"actions"`
	// Warnings change nothing; they say what a person should look at.
	Warnings []plan.Warning `json:"warnings"`
	// Errors are the parts of the organization that could not be read: the plan may be missing
	// actions for them.
	Errors  []Error `json:"errors"`
	Summary Summary `json:"summary"`
	// Cost is the monthly cost change the plan implies.
	Cost Cost `json:"cost"`
}

// Cost is the monthly Macie cost under tag scoping before and after a plan, estimated from
// published prices (see package cost for the model and its assumptions).
type Cost struct {
	// Available is false when no estimate could be made; Note then says why.
	Available bool   `json:"available"`
	Currency  string `json:"currency,omitempty"`
	// Before, After and Change are monthly figures; Change is After minus Before.
	Before float64 `json:"monthlyBefore"`
	After  float64 `json:"monthlyAfter"`
	Change float64 `json:"monthlyChange"`
	// InitialChange is the one-off first run over the buckets the plan brings into the job.
	InitialChange float64 `json:"initialChange"`
	// UnsizedBuckets are the buckets the job scans after the plan whose size is unknown (Macie
	// knows sizes only where it is enabled): their inspection is in no figure above.
	UnsizedBuckets int `json:"unsizedBuckets"`
	// Note says what the estimate leaves out or why there is none.
	Note string `json:"note,omitempty"`
}

// Summary counts a plan's actions by kind.
type Summary struct {
	Enrol             int `json:"enrol"`
	Resume            int `json:"resume"`
	Pause             int `json:"pause"`
	CreateJob         int `json:"createJob"`
	ResumeJob         int `json:"resumeJob"`
	CancelJob         int `json:"cancelJob"`
	EnablePublication int `json:"enablePublication"`
	CreateBackfillJob int `json:"createBackfillJob"`
	// DisableDiscovery counts accounts, not actions.
	DisableDiscovery int `json:"disableDiscovery"`
	// Changes is the number of actions.
	Changes int `json:"changes"`
	// PausesHeldBack counts the pauses a policy left out of the plan.
	PausesHeldBack int `json:"pausesHeldBack"`
	Warnings       int `json:"warnings"`
	Errors         int `json:"errors"`
}

// Error is an (account, Region) or a Region that could not be read.
type Error struct {
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
}

// New builds the view of a plan: p is already filtered by policy (held pauses left out), extra
// are warnings found outside the plan (unmanaged Regions), fails what could not be read.
func New(p plan.Plan, held int, extra []plan.Warning, fails []reconcile.Failure, readRole string) View {
	v := View{Actions: nonNil(p.Actions), Warnings: append(nonNil(p.Warnings), extra...), Errors: []Error{}}
	for _, f := range fails {
		if apierr.AssumeRoleDenied(f.Err) {
			v.Warnings = append(v.Warnings, roleWarning(f, readRole))
			continue
		}
		v.Errors = append(v.Errors, Error{Account: f.Account, Region: f.Region, Message: f.Err.Error(), Retryable: f.Retryable})
	}
	v.Warnings = plan.MergeWarnings(v.Warnings)
	v.Summary = summarize(v.Actions)
	v.Summary.PausesHeldBack, v.Summary.Warnings, v.Summary.Errors = held, len(v.Warnings), len(v.Errors)
	return v
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// summarize counts actions by kind.
func summarize(acts []plan.Action) Summary {
	var s Summary
	counters := map[plan.Kind]*int{
		plan.CreateMember: &s.Enrol, plan.ResumeMember: &s.Resume, plan.PauseMember: &s.Pause,
		plan.CreateJob: &s.CreateJob, plan.ResumeJob: &s.ResumeJob, plan.CancelJob: &s.CancelJob,
		plan.EnablePublication: &s.EnablePublication, plan.CreateBackfillJob: &s.CreateBackfillJob,
	}
	for _, a := range acts {
		if c := counters[a.Kind]; c != nil {
			*c++
		}
		if a.Kind == plan.DisableDiscovery {
			s.DisableDiscovery += len(a.Accounts)
		}
	}
	s.Changes = len(acts)
	return s
}

// roleWarning says that an account's read role could not be assumed in a Region; dedupe makes
// it one warning per account, naming every Region.
func roleWarning(f reconcile.Failure, readRole string) plan.Warning {
	return plan.Warning{Account: f.Account, Region: f.Region, Message: fmt.Sprintf(
		"account %s: the read role %s cannot be assumed (sts:AssumeRole denied) in %s, so its buckets cannot be read and it is left as it is; deploy the workload stack there, or exclude the account in the configuration (ExcludedAccounts of the central stack)",
		f.Account, readRole, f.Region)}
}
