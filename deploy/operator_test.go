package deploy

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
)

// operatorPolicy is the central stack's managed policy for the roles of OperatorRoleArns.
var operatorPolicy = role{Central, "OperatorPolicy"}

// sessionOf returns the role session name a statement's condition limits it to: aws:userid of a
// role session is ROLE-ID:SESSION-NAME, and the trusts let only the function open sessions named
// awsapi.SessionName and only the roles of OperatorRoleArns sessions named
// awsapi.OperatorSessionName (checkCentralTrust, checkOperators). "" is every session.
func sessionOf(t *testing.T, r role, cond object) string {
	t.Helper()
	for op, keys := range cond {
		userID, ok := obj(keys)["aws:userid"]
		if !ok {
			continue
		}
		session, found := strings.CutPrefix(render(userID), "*:")
		if op != "StringLike" || len(cond) != 1 || len(obj(keys)) != 1 || !found ||
			(session != awsapi.SessionName && session != awsapi.OperatorSessionName) {
			t.Errorf("%s: condition %v: limit a statement to sessions only as {StringLike: {aws:userid: \"*:NAME\"}} with NAME %s or %s",
				r.ID, cond, awsapi.SessionName, awsapi.OperatorSessionName)
		}
		return session
	}
	return ""
}

// policyConditions are the values of the templates' conditions a policy may depend on: every
// role is read as its home Region's instance creates it, with or without operator roles.
func policyConditions(operators bool) map[string]bool {
	return map[string]bool{"HasOperatorRoles": operators, "IsHomeRegion": true}
}

// resolveIf returns v with every {"Fn::If": [condition, then, else]} replaced by the branch the
// condition's value chooses, and every AWS::NoValue left out. A condition missing from conds is
// an error, so that no grant hides behind a condition the tests do not evaluate.
func resolveIf(t *testing.T, v any, conds map[string]bool) any {
	t.Helper()
	var unknown []string
	out := chooseBranches(v, conds, &unknown)
	for _, name := range unknown {
		t.Errorf("Fn::If on condition %q, which the policy tests do not evaluate", name)
	}
	return out
}

// chooseBranches is resolveIf, collecting the conditions it does not know (they choose else).
func chooseBranches(v any, conds map[string]bool, unknown *[]string) any {
	switch x := v.(type) {
	case []any:
		out := []any{}
		for _, e := range x {
			if r := chooseBranches(e, conds, unknown); render(r) != "${AWS::NoValue}" {
				out = append(out, r)
			}
		}
		return out
	case object:
		if args, ok := x["Fn::If"].([]any); ok && len(x) == 1 && len(args) == 3 {
			name, _ := args[0].(string)
			holds, known := conds[name]
			if !known {
				*unknown = append(*unknown, name)
			}
			if holds {
				return chooseBranches(args[1], conds, unknown)
			}
			return chooseBranches(args[2], conds, unknown)
		}
		out := object{}
		for k, e := range x {
			if r := chooseBranches(e, conds, unknown); render(r) != "${AWS::NoValue}" {
				out[k] = r
			}
		}
		return out
	}
	return v
}

func TestResolveIf(t *testing.T) {
	v := []any{"a", object{"Fn::If": []any{"HasOperatorRoles", "b", object{"Ref": "AWS::NoValue"}}}}
	if got := resolveIf(t, v, policyConditions(true)); !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Errorf("with operators: %v", got)
	}
	if got := resolveIf(t, v, policyConditions(false)); !reflect.DeepEqual(got, []any{"a"}) {
		t.Errorf("without operators: %v", got)
	}
	var unknown []string
	chooseBranches(object{"k": object{"Fn::If": []any{"Unknown", "x", "y"}}}, policyConditions(true), &unknown)
	if !slices.Equal(unknown, []string{"Unknown"}) {
		t.Errorf("unknown conditions %v, want the one met", unknown)
	}
}

// defaultName returns the default of a template's name parameter.
func defaultName(t *testing.T, template, param string) string {
	t.Helper()
	d, ok := parameterDefault(raw(t, template), param)
	if !ok {
		t.Fatalf("%s: parameter %s has no default", template, param)
	}
	return d
}

// operatorRoles are the roles operators assume, by the default name OperatorCalls keys them by.
func operatorRoles(t *testing.T) map[role]string {
	return map[role]string{
		readRole:    defaultName(t, Workload, "ReadRoleName"),
		orgReadRole: defaultName(t, Management, "OrgReadRoleName"),
	}
}

// TestOperatorSessionsMayCallExactlyWhatTheCommandsCall checks the operators' path both ways:
// the sessions of operators may make every call OperatorCalls lists for the role, and nothing
// else, as the function's sessions may make exactly the function's calls
// (TestEveryRoleMayCallExactlyWhatTheCodeCalls).
func TestOperatorSessionsMayCallExactlyWhatTheCommandsCall(t *testing.T) {
	methods := sdkMethods(t)
	roles := operatorRoles(t)
	for name := range OperatorCalls {
		if !slices.Contains(slices.Collect(maps.Values(roles)), name) {
			t.Errorf("OperatorCalls names %s, which is no role operators assume", name)
		}
	}
	for r, name := range roles {
		var want []string
		for _, m := range OperatorCalls[name] {
			if !slices.Contains(methods, m) {
				t.Errorf("OperatorCalls %s lists %s, which %s does not declare", name, m, sdkFile)
			}
			want = append(want, iamActions(t, m)...)
		}
		got := actionsOf(grantedTo(granted(t, r), awsapi.OperatorSessionName))
		for _, a := range sortedSet(want) {
			if !slices.Contains(got, a) {
				t.Errorf("%s: maciectl calls %s through it, which operators' sessions may not", r.ID, a)
			}
		}
		for _, a := range got {
			if !slices.Contains(want, a) {
				t.Errorf("%s: operators' sessions may call %s, which no command calls through it", r.ID, a)
			}
		}
	}
}

// TestWithoutOperatorRolesOnlyTheFunctionIsGranted: with OperatorRoleArns empty, no statement
// grants operators' sessions and the operators' policy is not created.
func TestWithoutOperatorRolesOnlyTheFunctionIsGranted(t *testing.T) {
	for _, r := range allRoles {
		props := one(t, raw(t, r.Template), r.Template, r.ID).Props
		for _, p := range list(resolveIf(t, props["Policies"], policyConditions(false))) {
			for _, s := range allows(t, r, obj(obj(p)["PolicyDocument"])) {
				if s.Session == awsapi.OperatorSessionName {
					t.Errorf("%s grants %v to operators' sessions without operator roles", r.ID, s.Actions)
				}
			}
		}
	}
	if c := one(t, raw(t, Central), Central, operatorPolicy.ID).Condition; c != "HasOperatorRoles" {
		t.Errorf("%s has condition %q, want HasOperatorRoles", operatorPolicy.ID, c)
	}
}

// TestOperatorPolicyGrantsWhatMaciectlNeedsOfTheStack: the configuration parameter and the
// roles the function assumes, exactly as the function's role names them, and only to the roles
// of OperatorRoleArns.
func TestOperatorPolicyGrantsWhatMaciectlNeedsOfTheStack(t *testing.T) {
	p := one(t, raw(t, Central), Central, operatorPolicy.ID).Props
	if p["ManagedPolicyName"] != "MacieSelfServiceOperator" || p["Roles"] != nil || p["Users"] != nil || p["Groups"] != nil {
		t.Errorf("operator policy %v: want MacieSelfServiceOperator, attached by the operators", p)
	}
	doc := obj(p["PolicyDocument"])
	sts := allows(t, operatorPolicy, doc)
	if got := actionsOf(sts); !slices.Equal(got, []string{"ssm:GetParameter", "sts:AssumeRole"}) {
		t.Errorf("operator policy grants %v, want exactly ssm:GetParameter and sts:AssumeRole", got)
	}
	for _, s := range sts {
		for _, a := range s.Actions {
			if want := scoped[functionRole][a]; !slices.Equal(sortedSet(s.Resources), sortedSet(want)) {
				t.Errorf("operator policy %s on %v, want the function's %v", a, s.Resources, want)
			}
		}
	}
	for _, s := range list(doc["Statement"]) {
		cond := obj(obj(s)["Condition"])
		if len(cond) != 1 || !reflect.DeepEqual(strs(obj(cond["ArnLike"])["aws:PrincipalArn"]), []string{operatorsRef}) {
			t.Errorf("operator policy statement %v: want it only for the roles of OperatorRoleArns", s)
		}
	}
}

// TestOperatorRoleArnsIsOneParameter: the three stacks declare OperatorRoleArns alike, empty by
// default, and HasOperatorRoles holds exactly when it names a role.
func TestOperatorRoleArnsIsOneParameter(t *testing.T) {
	var first object
	wantCond := object{"Fn::Not": []any{object{"Fn::Equals": []any{
		object{"Fn::Join": []any{"", object{"Ref": "OperatorRoleArns"}}}, ""}}}}
	for _, name := range []string{Central, Management, Workload} {
		tpl := raw(t, name)
		p := obj(obj(tpl["Parameters"])["OperatorRoleArns"])
		delete(p, "Description")
		if p["Type"] != "CommaDelimitedList" || p["Default"] != "" {
			t.Errorf("%s OperatorRoleArns %v: want a CommaDelimitedList, empty by default", name, p)
		}
		if first == nil {
			first = p
		} else if !reflect.DeepEqual(p, first) {
			t.Errorf("%s OperatorRoleArns %v, %s has %v", name, p, Central, first)
		}
		if c := obj(tpl["Conditions"])["HasOperatorRoles"]; !reflect.DeepEqual(c, wantCond) {
			t.Errorf("%s HasOperatorRoles is %v, want %v", name, c, wantCond)
		}
	}
	pattern := regexp.MustCompile(first["AllowedPattern"].(string))
	for arn, ok := range map[string]bool{
		"": true, "arn:aws:iam::222222222222:role/MacieOperator": true,
		"arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_MacieOperator_*": true,
		"arn:aws-us-gov:iam::222222222222:role/ops/MacieOperator":                                        true,
		"arn:aws:iam::222222222222:user/alice":                                                           false,
		"arn:aws:sts::222222222222:assumed-role/MacieOperator/maciectl":                                  false,
		"arn:aws:iam::222222222222:root":                                                                 false,
		"MacieOperator":                                                                                  false,
	} {
		if pattern.MatchString(arn) != ok {
			t.Errorf("AllowedPattern %s on %q: match %v, want %v", pattern, arn, !ok, ok)
		}
	}
}
