package deploy

import (
	"encoding/json"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/macie2"
)

// scpMaxChars is the largest service control policy AWS Organizations accepts: 5,120 characters
// ("Quotas and service limits"), 5,120 bytes ("Managing AWS Organizations policies"); the test
// counts bytes, the stricter. The console strips white space outside quotes first; the API
// (which CloudFormation calls) keeps it, so the policy is measured with its white space, indented
// as a person would write it.
const scpMaxChars = 5120

// scp returns the guardrails policy with the parameters' defaults, overridden by params.
func scp(t *testing.T, params map[string]any) object {
	t.Helper()
	tpl := raw(t, Guardrails)
	value := func(name string) any {
		if v, ok := params[name]; ok {
			return v
		}
		p := obj(obj(tpl["Parameters"])[name])
		d, ok := p["Default"].(string)
		if !ok {
			t.Fatalf("guardrails: parameter %s has no default and no value", name)
		}
		if p["Type"] == "CommaDelimitedList" {
			return toAny(strings.Split(d, ","))
		}
		return d
	}
	policy, _ := resolve(obj(one(t, tpl, Guardrails, "Guardrails").Props["Content"]), value).(object)
	return policy
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// resolve replaces Ref and Fn::Sub (of parameters and AWS::Partition) with their values.
func resolve(v any, value func(string) any) any {
	switch x := v.(type) {
	case object:
		if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
			return value(ref)
		}
		if sub, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
			return placeholder.ReplaceAllStringFunc(sub, func(m string) string {
				name := m[2 : len(m)-1]
				if name == "AWS::Partition" {
					return "aws"
				}
				s, _ := value(name).(string)
				return s
			})
		}
		out := object{}
		for k, e := range x {
			out[k] = resolve(e, value)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolve(e, value)
		}
		return out
	}
	return v
}

var (
	sidPattern    = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	actionPattern = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*]+$`)
	// statementKeys are the elements an SCP statement may have: no Principal or NotPrincipal
	// (SCP syntax, AWS Organizations User Guide).
	statementKeys = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
	// conditionOperators are the operators the evaluator below understands.
	conditionOperators = []string{"ArnNotLike"}
)

// policyErrors checks an SCP against the IAM policy grammar as SCPs allow it.
func policyErrors(p object) []string {
	var errs []string
	for k := range p {
		if k != "Version" && k != "Statement" {
			errs = append(errs, "policy: unknown element "+k)
		}
	}
	if p["Version"] != "2012-10-17" {
		errs = append(errs, "policy: Version must be 2012-10-17")
	}
	sids := map[string]bool{}
	for _, s := range list(p["Statement"]) {
		st := obj(s)
		sid, _ := st["Sid"].(string)
		if !sidPattern.MatchString(sid) || sids[sid] {
			errs = append(errs, "statement "+sid+": Sid must be unique and alphanumeric")
		}
		sids[sid] = true
		errs = append(errs, statementErrors(sid, st)...)
	}
	if len(sids) == 0 {
		errs = append(errs, "policy: no statement")
	}
	return errs
}

func statementErrors(sid string, st object) []string {
	var errs []string
	for k := range st {
		if !slices.Contains(statementKeys, k) {
			errs = append(errs, sid+": element "+k+" is not allowed in an SCP")
		}
	}
	if e := st["Effect"]; e != "Allow" && e != "Deny" {
		errs = append(errs, sid+": Effect must be Allow or Deny")
	}
	if (st["Action"] == nil) == (st["NotAction"] == nil) || (st["Resource"] == nil) == (st["NotResource"] == nil) {
		errs = append(errs, sid+": exactly one of Action/NotAction and one of Resource/NotResource")
	}
	for _, a := range strs(st["Action"]) {
		if !actionPattern.MatchString(a) {
			errs = append(errs, sid+": action "+a+" is not service:Action")
		}
	}
	for op, keys := range obj(st["Condition"]) {
		if !slices.Contains(conditionOperators, op) || len(obj(keys)) == 0 {
			errs = append(errs, sid+": condition operator "+op+" unknown to this test, or empty")
		}
	}
	return errs
}

func TestGuardrailsGrammarAndSize(t *testing.T) {
	p := scp(t, nil)
	for _, e := range policyErrors(p) {
		t.Error(e)
	}
	// The longest names the parameters allow, and a list of three exempt role patterns.
	long := strings.Repeat("x", 64)
	worst := scp(t, map[string]any{"ReadRoleName": long, "ForwardRoleName": long, "ForwardRuleName": long,
		"FindingsTopicName": strings.Repeat("x", 256),
		"ExemptRoleArns": toAny([]string{"arn:aws:iam::*:role/stacksets-exec-*",
			"arn:aws:iam::*:role/AWSControlTowerExecution", "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole"})})
	indented, err := json.MarshalIndent(worst, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(indented); n > scpMaxChars {
		t.Errorf("the policy takes %d bytes with its white space, above the SCP limit of %d", n, scpMaxChars)
	} else {
		t.Logf("policy: %d bytes indented, at most %d", n, scpMaxChars)
	}
}

// TestGuardrailsDenyOnlyExistingMacieCalls checks every macie2 action against the SDK's client.
func TestGuardrailsDenyOnlyExistingMacieCalls(t *testing.T) {
	client := reflect.TypeFor[*macie2.Client]()
	for _, s := range list(scp(t, nil)["Statement"]) {
		for _, a := range strs(obj(s)["Action"]) {
			if op, ok := strings.CutPrefix(a, "macie2:"); ok {
				if _, exists := client.MethodByName(op); !exists {
					t.Errorf("macie2 has no operation %s", op)
				}
			}
		}
	}
}

// denied evaluates the Deny statements of an SCP for one request: an action and a resource by a
// principal. It knows the elements and operators policyErrors lets through.
func denied(t *testing.T, p object, principal, action, resource string) string {
	t.Helper()
	for _, s := range list(p["Statement"]) {
		st := obj(s)
		if st["Effect"] != "Deny" || !anyMatch(strs(st["Action"]), action, true) || !anyMatch(strs(st["Resource"]), resource, false) {
			continue
		}
		if exempt := strs(obj(obj(st["Condition"])["ArnNotLike"])["aws:PrincipalArn"]); anyMatch(exempt, principal, false) {
			continue
		}
		return st["Sid"].(string)
	}
	return ""
}

// anyMatch reports whether s matches one of the IAM wildcard patterns (* and ?); actions match
// ignoring case, ARNs exactly.
func anyMatch(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if foldCase {
			p, s = strings.ToLower(p), strings.ToLower(s)
		}
		// path.Match treats / as a separator that * does not cross; IAM's * does cross it.
		if ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00")); ok {
			return true
		}
	}
	return false
}

const workloadAccount = "333333333333"

// protected are the requests the guardrails exist to deny, in a workload account.
func protected(p object) [][2]string {
	var out [][2]string
	for _, s := range list(p["Statement"]) {
		st := obj(s)
		for _, a := range strs(st["Action"]) {
			for _, r := range strs(st["Resource"]) {
				r = strings.Replace(strings.Replace(r, ":*:*:", ":eu-west-1:"+workloadAccount+":", 1), "::*:", "::"+workloadAccount+":", 1)
				out = append(out, [2]string{a, r})
			}
		}
	}
	return out
}

func TestGuardrailsDenyChangesToEveryoneButTheExecutionRole(t *testing.T) {
	for _, exec := range []struct {
		arn    string
		params map[string]any
	}{
		{"arn:aws:iam::" + workloadAccount + ":role/stacksets-exec-0123456789abcdef0123456789abcdef", nil},
		{"arn:aws:iam::" + workloadAccount + ":role/AWSControlTowerExecution",
			map[string]any{"ExemptRoleArns": []any{"arn:aws:iam::*:role/AWSControlTowerExecution"}}},
	} {
		p := scp(t, exec.params)
		for _, req := range protected(p) {
			if sid := denied(t, p, "arn:aws:iam::"+workloadAccount+":role/Developer", req[0], req[1]); sid == "" {
				t.Errorf("%s on %s by a developer is not denied", req[0], req[1])
			}
			if sid := denied(t, p, exec.arn, req[0], req[1]); sid != "" && !strings.HasPrefix(req[0], "macie2:") {
				t.Errorf("%s on %s by the execution role %s is denied (%s)", req[0], req[1], exec.arn, sid)
			}
		}
	}
	// Narrow: another role of the account stays the account's own.
	p := scp(t, nil)
	if sid := denied(t, p, "arn:aws:iam::"+workloadAccount+":role/Developer", "iam:DeleteRole", "arn:aws:iam::"+workloadAccount+":role/AppRole"); sid != "" {
		t.Errorf("deleting an unrelated role is denied by %s", sid)
	}
}

// TestGuardrailsLeaveTheProjectsOwnCallsAlone evaluates every call the project's roles make in a
// workload account (what the workload template grants them), and the central function's
// publication to the findings topic.
func TestGuardrailsLeaveTheProjectsOwnCallsAlone(t *testing.T) {
	p := scp(t, nil)
	tpl := raw(t, Workload)
	arnOf := func(r role) string {
		return "arn:aws:iam::" + workloadAccount + ":role/" + instantiate(t, tpl, one(t, tpl, Workload, r.ID).Props["RoleName"])
	}
	calls := 0
	for _, r := range []role{readRole, forwardRole} {
		for _, st := range granted(t, r) {
			for _, a := range st.Actions {
				for _, res := range st.Resources {
					calls++
					res = strings.ReplaceAll(instantiate(t, tpl, res), "*", "team-a-data")
					if sid := denied(t, p, arnOf(r), a, res); sid != "" {
						t.Errorf("%s: %s on %s is denied by %s", r.ID, a, res, sid)
					}
				}
			}
		}
	}
	topic := "arn:aws:sns:eu-west-1:" + workloadAccount + ":MacieSelfServiceFindings"
	if sid := denied(t, p, "arn:aws:iam::222222222222:role/MacieSelfServiceFunction", "sns:Publish", topic); sid != "" {
		t.Errorf("publishing findings is denied by %s", sid)
	}
	if calls < 3 {
		t.Fatalf("only %d calls of the workload roles found", calls)
	}
}

// TestGuardrailsNameTheWorkloadResources checks the names the policy protects against the names
// the workload stack gives them.
func TestGuardrailsNameTheWorkloadResources(t *testing.T) {
	for _, param := range []string{"ReadRoleName", "ForwardRoleName", "ForwardRuleName"} {
		sameDefault(t, param, Workload, Guardrails)
	}
	rule := one(t, raw(t, Workload), Workload, "ForwardRule").Props["Name"]
	if render(rule) != "${ForwardRuleName}" {
		t.Errorf("the forwarding rule is named %s, want ${ForwardRuleName}", render(rule))
	}
}

func TestPolicyGrammarCatchesMistakes(t *testing.T) {
	bad := object{"Version": "2012-10-17", "Statement": []any{
		object{"Sid": "A", "Effect": "Deny", "Action": "iam:DeleteRole", "Resource": "*", "Principal": "*"},
		object{"Sid": "A", "Effect": "Block", "Action": "DeleteRole", "Resource": "*"},
		object{"Sid": "C", "Effect": "Deny", "Action": "s3:GetObject", "Condition": object{"StringLike": object{"a": "b"}}},
	}}
	errs := policyErrors(bad)
	for _, want := range []string{"Principal", "Sid must be unique", "Effect", "not service:Action", "exactly one", "StringLike"} {
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, want) }) {
			t.Errorf("no error about %q in %v", want, errs)
		}
	}
}
