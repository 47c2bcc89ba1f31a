package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
)

// topicPolicy is an SNS topic's access policy (an IAM resource policy document).
type topicPolicy struct {
	Statement oneOrMany[policyStatement] `json:"Statement"`
}

// policyStatement is one statement; Principal is "*" or {"AWS": ...}.
type policyStatement struct {
	Effect    string                                  `json:"Effect"`
	Principal json.RawMessage                         `json:"Principal"`
	Action    oneOrMany[string]                       `json:"Action"`
	Resource  oneOrMany[string]                       `json:"Resource"`
	Condition map[string]map[string]oneOrMany[string] `json:"Condition"`
}

// oneOrMany reads a JSON value that is one item or a list of items, as IAM policies write them.
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var many []T
	if err := json.Unmarshal(b, &many); err == nil {
		*o = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// requestContext is what a policy is evaluated against.
type requestContext struct {
	action, resource string
	account          string // the caller's account
	principalARN     string // aws:PrincipalArn: the role (not the session) or the account root
	orgID            string // aws:PrincipalOrgID; "" outside the organization
}

// allows evaluates a topic policy the way IAM evaluates a resource policy for a caller of
// another account ("Policy evaluation logic", IAM User Guide): an explicit Deny wins, else an
// Allow must match. The sandbox knows the condition operators StringEquals, StringLike and
// ArnEquals/ArnLike with the keys aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalAccount and
// aws:SourceOwner/AWS:SourceOwner; a statement with any other condition never matches, which can
// only deny more than AWS would. An unreadable policy allows nothing.
func (p topicPolicy) allows(rc requestContext) bool {
	allowed := false
	for _, s := range p.Statement {
		if !s.matches(rc) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allowed = allowed || s.Effect == "Allow"
	}
	return allowed
}

func (s policyStatement) matches(rc requestContext) bool {
	return s.principalMatches(rc) &&
		slices.ContainsFunc(s.Action, func(a string) bool { return wildcardMatch(strings.ToLower(a), strings.ToLower(rc.action)) }) &&
		slices.ContainsFunc(s.Resource, func(r string) bool { return wildcardMatch(r, rc.resource) }) &&
		s.conditionsMatch(rc)
}

// principalMatches accepts "*", {"AWS": "*"}, an account id, an account root ARN or a role ARN.
func (s policyStatement) principalMatches(rc requestContext) bool {
	var star string
	if json.Unmarshal(s.Principal, &star) == nil {
		return star == "*"
	}
	var p struct {
		AWS oneOrMany[string] `json:"AWS"`
	}
	if json.Unmarshal(s.Principal, &p) != nil {
		return false
	}
	root := "arn:aws:iam::" + rc.account + ":root"
	return slices.ContainsFunc(p.AWS, func(v string) bool {
		return v == "*" || v == rc.account || v == root || v == rc.principalARN
	})
}

func (s policyStatement) conditionsMatch(rc requestContext) bool {
	for op, keys := range s.Condition {
		for key, want := range keys {
			got, known := rc.key(key)
			if !known || !conditionHolds(op, got, want) {
				return false
			}
		}
	}
	return true
}

// key returns the value of a condition key (case-insensitive, as IAM treats key names).
func (rc requestContext) key(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "aws:principalarn":
		return rc.principalARN, true
	case "aws:principalorgid":
		return rc.orgID, rc.orgID != ""
	case "aws:principalaccount", "aws:sourceowner":
		return rc.account, true
	}
	return "", false
}

func conditionHolds(op, got string, want []string) bool {
	switch op {
	case "StringEquals", "ArnEquals":
		return slices.Contains(want, got)
	case "StringLike", "ArnLike":
		return slices.ContainsFunc(want, func(w string) bool { return wildcardMatch(w, got) })
	}
	return false
}

// wildcardMatch matches IAM's * (any run) and ? (one character).
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
}
