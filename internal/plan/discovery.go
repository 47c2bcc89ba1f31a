package plan

import (
	"fmt"
	"slices"
)

// Automated sensitive data discovery policies (Rules.Discovery).
//
//	policy   organization's discovery  account (enrolled, resumed or enabled)  action
//	inherit  any                       any                                     none: the organization decides
//	off      DISABLED                  any                                     none: nothing samples
//	off      ENABLED                   ENABLED                                 DisableDiscovery
//	off      ENABLED, new members get  just enrolled or resumed                DisableDiscovery (its status is
//	         it (ALL or NEW)                                                   not known before the enrolment)
//	off      ENABLED                   DISABLED, ACCOUNT_PAUSED, ...           none
//
// Where discovery is on for an account, Macie samples every bucket of it, tagged or not; off keeps
// the analysis to the tagged buckets. The administrator and excluded accounts are never changed.
const (
	DiscoveryOff     = "off"
	DiscoveryInherit = "inherit"
)

// Automated discovery statuses and organization modes, as Macie reports them.
const (
	DiscoveryEnabled  = "ENABLED"
	DiscoveryDisabled = "DISABLED"
	AutoEnableNone    = "NONE"
)

// MaxDiscoveryBatch is the most accounts one DisableDiscovery action names: the per-request
// bound Macie documents for the account list of ListAutomatedDiscoveryAccounts, taken for the
// update too, where it documents none.
const MaxDiscoveryBatch = 50

// DiscoveryState is the automated discovery configuration of one Region.
type DiscoveryState struct {
	Region string
	// Status is the organization's configuration: ENABLED or DISABLED.
	Status string
	// AutoEnable is autoEnableOrganizationMembers: ALL, NEW or NONE.
	AutoEnable string
	// Accounts is each account's status, where it was read.
	Accounts map[string]string
}

// DiscoveryActions applies the policy to the accounts Macie is enabled for by the engine in a
// Region (enabled) and those the plan enrols or resumes now (enrolling).
func DiscoveryActions(r Rules, ds DiscoveryState, enabled, enrolling []string) []Action {
	if r.Discovery != DiscoveryOff || ds.Status != DiscoveryEnabled {
		return nil
	}
	var off []string
	for _, a := range enabled {
		if ds.Accounts[a] == DiscoveryEnabled && r.managedAccount(a) {
			off = append(off, a)
		}
	}
	for _, a := range enrolling {
		if ds.AutoEnable != AutoEnableNone && r.managedAccount(a) {
			off = append(off, a)
		}
	}
	slices.Sort(off)
	off = slices.Compact(off)
	var acts []Action
	for batch := range slices.Chunk(off, MaxDiscoveryBatch) {
		a := Action{Kind: DisableDiscovery, Region: ds.Region, Accounts: batch,
			Reason: fmt.Sprintf("automated discovery is on in the organization (new members: %s) and would sample untagged buckets; policy is off", ds.AutoEnable)}
		if len(batch) == 1 {
			a.Account = batch[0]
		}
		acts = append(acts, a)
	}
	return acts
}

func (r Rules) managedAccount(a string) bool { return a != r.Admin && !r.Excluded[a] }
