package plan

import (
	"fmt"
	"strings"
)

// MemberStatus is a Macie member's relationship status (Enabled, Paused, Invited, Removed, ...),
// as ListMembers and GetMember return it, or StatusNone for an account that is not a member.
type MemberStatus string

// The member statuses the rules name.
const (
	StatusNone     MemberStatus = "None"
	StatusEnabled  MemberStatus = "Enabled"
	StatusPaused   MemberStatus = "Paused"
	StatusRemoved  MemberStatus = "Removed"
	StatusResigned MemberStatus = "Resigned"
)

// Bucket is a bucket as read from its account.
type Bucket struct {
	Name   string            `json:"name"`
	Region string            `json:"region"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// Member is what was observed of one (account, Region).
type Member struct {
	Account string
	Region  string
	Email   string
	// Status is the Macie relationship status, StatusNone when the account is not a member.
	Status MemberStatus
	// Buckets are the account's buckets in the Region that carry tags; untagged ones may be left out.
	Buckets []Bucket
}

// MemberActions applies the member rules to one observation.
func MemberActions(r Rules, m Member) ([]Action, []Warning) {
	if m.Account == r.Admin || r.Excluded[m.Account] {
		return nil, nil
	}
	inScope, warns := r.scope(m)
	act := Action{Region: m.Region, Account: m.Account}
	switch {
	case inScope != "" && notMember(m.Status):
		act.Kind, act.Email, act.Bucket = CreateMember, m.Email, inScope
		act.Reason = fmt.Sprintf("bucket %s is tagged %s and the account is not a member", inScope, r.Policy)
	case inScope != "" && m.Status == StatusPaused:
		act.Kind, act.Bucket = ResumeMember, inScope
		act.Reason = fmt.Sprintf("bucket %s is tagged %s and the member is paused", inScope, r.Policy)
	case inScope == "" && m.Status == StatusEnabled && r.Protected[m.Account]:
		return nil, append(warns, Warning{Account: m.Account, Region: m.Region,
			Message: fmt.Sprintf("account %s is protected: kept enabled in %s although no bucket there is tagged %s", m.Account, m.Region, r.Policy)})
	case inScope == "" && m.Status == StatusEnabled:
		act.Kind = PauseMember
		act.Reason = fmt.Sprintf("no bucket in %s is tagged %s", m.Region, r.Policy)
	case m.Status != StatusEnabled && !notMember(m.Status) && m.Status != StatusPaused:
		return nil, append(warns, Warning{Account: m.Account, Region: m.Region,
			Message: fmt.Sprintf("account %s in %s has member status %s, which this tool does not change; check it in the Macie console", m.Account, m.Region, m.Status)})
	default:
		return nil, warns
	}
	return []Action{act}, warns
}

// scope returns the first bucket in scope ("" when none) and the near-miss warnings.
func (r Rules) scope(m Member) (string, []Warning) {
	first := ""
	var warns []Warning
	for _, b := range m.Buckets {
		v := r.Policy.Evaluate(b.Tags)
		if v.InScope && (first == "" || b.Name < first) {
			first = b.Name
		}
		for _, nm := range v.NearMisses {
			warns = append(warns, Warning{Account: m.Account, Region: m.Region, Bucket: b.Name,
				Message: r.Policy.Warning(m.Account, b.Name, nm)})
		}
	}
	return first, warns
}

func notMember(status MemberStatus) bool {
	switch MemberStatus(strings.TrimSpace(string(status))) {
	case "", StatusNone, StatusRemoved, StatusResigned:
		return true
	}
	return false
}
