package reconcile

import (
	"context"
	"errors"
	"slices"
	"testing"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// An event of an account that is not ACTIVE in the organization neither enrols nor resumes it,
// as the sweep already leaves such accounts alone; the skip is a warning.
func TestEventsOfInactiveAccountsEnrolNothing(t *testing.T) {
	for _, state := range []orgtypes.AccountState{orgtypes.AccountStateSuspended, orgtypes.AccountStatePendingClosure, orgtypes.AccountStateClosed} {
		for _, initial := range []plan.MemberStatus{"", "Paused"} {
			w := newWorld(t, admin, acctA)
			w.states[acctA] = state
			if initial != "" {
				w.members[euw1+"/"+acctA] = initial
			}
			res := newReconciler(w).Changes(context.Background(), []event.Change{w.put(acctA, euw1, "pii", on)})
			if slices.ContainsFunc(res.Plan.Actions, func(a plan.Action) bool { return a.Account == acctA }) {
				t.Errorf("%s, member %q: planned %v", state, initial, kinds(res.Plan))
			}
			if w.calls["CreateMember"]+w.calls["UpdateMemberSession"] != 0 {
				t.Errorf("%s, member %q: calls %v", state, initial, w.calls)
			}
			if len(res.Plan.Warnings) != 1 || len(res.Failures) != 0 {
				t.Errorf("%s, member %q: warnings %v, failures %v", state, initial, res.Plan.Warnings, res.Failures)
			}
		}
	}
}

// The sweep skips the same accounts.
func TestSweepSkipsInactiveAccounts(t *testing.T) {
	w := newWorld(t, admin, acctA, acctB)
	w.states[acctA] = orgtypes.AccountStateSuspended
	w.put(acctA, euw1, "pii", on)
	w.put(acctB, euw1, "pii", on)
	res := newReconciler(w).Full(context.Background())
	if w.status(acctA, euw1) != plan.StatusNone || w.status(acctB, euw1) != "Enabled" || len(res.Failures) != 0 {
		t.Fatalf("A %q, B %q, failures %v", w.status(acctA, euw1), w.status(acctB, euw1), res.Failures)
	}
}

// A listing of the organization without any account is a failure, never an empty plan.
func TestEmptyOrganizationListingFails(t *testing.T) {
	w := newWorld(t)
	res := newReconciler(w).Full(context.Background())
	if len(res.Failures) != 1 || !errors.Is(res.Failures[0].Err, ErrNoAccounts) {
		t.Fatalf("failures %+v", res.Failures)
	}
}
