package plan

import "fmt"

// Policy filters a plan before it is shown and applied, as external-dns keeps its policies
// beside its plan: maciectl plan and apply take one, and so can any other caller of the engine.
type Policy string

// The policies.
const (
	// Sync applies every action.
	Sync Policy = "sync"
	// NoPause applies enrolments, resumptions and Region changes, never a pause.
	NoPause Policy = "no-pause"
)

// ParsePolicy checks a policy name; "" means Sync.
func ParsePolicy(s string) (Policy, error) {
	switch Policy(s) {
	case "", Sync:
		return Sync, nil
	case NoPause:
		return NoPause, nil
	}
	return "", fmt.Errorf("unknown policy %q: want %q or %q", s, Sync, NoPause)
}

// Filter returns the plan the policy allows and how many pauses it held back.
func (p Policy) Filter(in Plan) (Plan, int) {
	if p != NoPause {
		return in, 0
	}
	out := Plan{Actions: []Action{}, Warnings: in.Warnings}
	held := 0
	for _, a := range in.Actions {
		if a.Kind == PauseMember {
			held++
			continue
		}
		out.Actions = append(out.Actions, a)
	}
	return out, held
}
