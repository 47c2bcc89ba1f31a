package deploy

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
)

// The principal every cross-account trust names: the administrator account, narrowed to the
// central function's role (or to the operators' roles) and to the organization by conditions.
const (
	adminRoot       = "arn:${AWS::Partition}:iam::${AdminAccountId}:root"
	centralRoleARN  = "arn:${AWS::Partition}:iam::${AdminAccountId}:role/${FunctionRoleName}"
	organizationRef = "${OrganizationId}"
	operatorsRef    = "${OperatorRoleArns}"
)

// trusted says who may assume each role: a service, or "" for the central function's role (and
// the operators' roles, when OperatorRoleArns names any).
var trusted = map[role]string{
	functionRole:        "lambda.amazonaws.com",
	designateRole:       "lambda.amazonaws.com",
	forwardRole:         "events.amazonaws.com",
	findingsForwardRole: "events.amazonaws.com",
	readRole:            "",
	orgReadRole:         "",
}

// trustStatements returns a role's trust statements as deployed with or without operator roles.
func trustStatements(t *testing.T, r role, operators bool) []object {
	t.Helper()
	doc := obj(resolveIf(t, one(t, raw(t, r.Template), r.Template, r.ID).Props["AssumeRolePolicyDocument"], policyConditions(operators)))
	var out []object
	for _, s := range list(doc["Statement"]) {
		out = append(out, obj(s))
	}
	if len(out) == 0 {
		t.Fatalf("%s: no trust statement", r.ID)
	}
	return out
}

func TestEveryRoleOfTheTemplatesIsChecked(t *testing.T) {
	for _, name := range Names {
		for _, r := range resources(raw(t, name), name, "AWS::IAM::Role") {
			if _, ok := trusted[role{name, r.ID}]; !ok {
				t.Errorf("%s %s: a role the least-privilege and trust tests do not know", name, r.ID)
			}
		}
		for _, p := range resources(raw(t, name), name, "AWS::IAM::ManagedPolicy") {
			if (role{name, p.ID}) != operatorPolicy {
				t.Errorf("%s %s: a managed policy the least-privilege tests do not know", name, p.ID)
			}
		}
	}
}

// TestTrustPolicies checks every trust, with and without operator roles: a service role trusts
// only its service; a cross-account role trusts exactly the central function's role, and, when
// OperatorRoleArns names roles, exactly those too, each only from inside the organization.
func TestTrustPolicies(t *testing.T) {
	for _, operators := range []bool{false, true} {
		for r, service := range trusted {
			sts := trustStatements(t, r, operators)
			for _, s := range sts {
				if s["Effect"] != "Allow" || !reflect.DeepEqual(strs(s["Action"]), []string{"sts:AssumeRole"}) {
					t.Errorf("%s: trust statement %v must only allow sts:AssumeRole", r.ID, s)
				}
				p := obj(s["Principal"])
				if service != "" && (!reflect.DeepEqual(strs(p["Service"]), []string{service}) || len(p) != 1) {
					t.Errorf("%s: principal %v, want only the service %s", r.ID, s["Principal"], service)
				}
			}
			if service != "" {
				continue
			}
			want := 1
			if operators {
				want = 2
				checkOperators(t, r, sts[1])
			}
			if len(sts) != want {
				t.Errorf("%s (operators %v): %d trust statements, want %d", r.ID, operators, len(sts), want)
			}
			checkCentralTrust(t, r, sts[0])
		}
	}
}

// checkCrossAccount checks what every cross-account trust statement has: the administrator
// account as principal, and a condition of exactly the operators given.
func checkCrossAccount(t *testing.T, r role, s object, operators ...string) object {
	t.Helper()
	p := obj(s["Principal"])
	if !reflect.DeepEqual(strs(p["AWS"]), []string{adminRoot}) || len(p) != 1 {
		t.Errorf("%s: principal %v, want the administrator account %s", r.ID, s["Principal"], adminRoot)
	}
	cond := obj(s["Condition"])
	if got := slices.Sorted(maps.Keys(cond)); !slices.Equal(got, operators) {
		t.Errorf("%s: condition operators %v, want %v", r.ID, got, operators)
	}
	return cond
}

// checkCentralOnly checks a cross-account resource policy statement: only the central
// function's role, from inside the organization.
func checkCentralOnly(t *testing.T, r role, s object) {
	t.Helper()
	checkKeys(t, r, obj(checkCrossAccount(t, r, s, "StringEquals")["StringEquals"]),
		map[string]string{"aws:PrincipalArn": centralRoleARN, "aws:PrincipalOrgID": organizationRef})
}

// checkCentralTrust checks the function's trust statement: only the central function's role,
// from inside the organization, in the function's sessions.
func checkCentralTrust(t *testing.T, r role, s object) {
	t.Helper()
	checkKeys(t, r, obj(checkCrossAccount(t, r, s, "StringEquals")["StringEquals"]), map[string]string{
		"aws:PrincipalArn": centralRoleARN, "aws:PrincipalOrgID": organizationRef, "sts:RoleSessionName": awsapi.SessionName})
}

// checkOperators checks the operators' trust statement: only the roles of OperatorRoleArns
// (ArnLike: aws:PrincipalArn is a session's role ARN), in maciectl's sessions, from inside the
// organization.
func checkOperators(t *testing.T, r role, s object) {
	t.Helper()
	cond := checkCrossAccount(t, r, s, "ArnLike", "StringEquals")
	checkKeys(t, r, obj(cond["ArnLike"]), map[string]string{"aws:PrincipalArn": operatorsRef})
	checkKeys(t, r, obj(cond["StringEquals"]), map[string]string{"aws:PrincipalOrgID": organizationRef,
		"sts:RoleSessionName": awsapi.OperatorSessionName})
}

// checkKeys checks that a condition operator compares exactly these keys, each with one value.
func checkKeys(t *testing.T, r role, got object, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: condition keys %v, want exactly %v", r.ID, got, want)
	}
	for k, v := range want {
		if g := strs(got[k]); !reflect.DeepEqual(g, []string{v}) {
			t.Errorf("%s: %s %q, want exactly %s", r.ID, k, g, v)
		}
	}
}

// TestTrustNamesTheRealCentralRole checks that the role the trusts name is the role the central
// stack creates: same name parameter, same default, everywhere.
func TestTrustNamesTheRealCentralRole(t *testing.T) {
	central := raw(t, Central)
	if got := render(one(t, central, Central, "FunctionRole").Props["RoleName"]); got != "${FunctionRoleName}" {
		t.Errorf("central FunctionRole is named %s, want ${FunctionRoleName}", got)
	}
	sameDefault(t, "FunctionRoleName", Management, Central, Workload)
	sameDefault(t, "ReadRoleName", Central, Workload)
	sameDefault(t, "OrgReadRoleName", Management, Central)
	sameDefault(t, "EventBusName", Central, Workload)
	if got := render(one(t, raw(t, Workload), Workload, "ReadRole").Props["RoleName"]); got != "${ReadRoleName}" {
		t.Errorf("workload ReadRole is named %s, want ${ReadRoleName}", got)
	}
	if got := render(one(t, raw(t, Management), Management, "OrgReadRole").Props["RoleName"]); got != "${OrgReadRoleName}" {
		t.Errorf("management OrgReadRole is named %s, want ${OrgReadRoleName}", got)
	}
}

func sameDefault(t *testing.T, param string, names ...string) {
	t.Helper()
	var first string
	for i, name := range names {
		d, ok := parameterDefault(raw(t, name), param)
		if !ok {
			t.Errorf("%s: parameter %s has no default", name, param)
		}
		if i == 0 {
			first = d
		} else if d != first {
			t.Errorf("parameter %s: default %q in %s, %q in %s", param, first, names[0], d, name)
		}
	}
}

func TestBusAcceptsOnlyTheOrganization(t *testing.T) {
	p := one(t, raw(t, Central), Central, "EventBusPolicy").Props
	if render(p["EventBusName"]) != "${EventBus}" {
		t.Errorf("bus policy is on %s, want the bus of this stack", render(p["EventBusName"]))
	}
	if p["Principal"] != nil || p["Action"] != nil || p["Condition"] != nil {
		t.Error("use Statement, not the legacy Principal/Action/Condition properties")
	}
	for _, s := range list(p["Statement"]) {
		st := obj(s)
		cond := obj(st["Condition"])
		checks := map[string]bool{
			"Allow":                       st["Effect"] == "Allow",
			"events:PutEvents only":       reflect.DeepEqual(strs(st["Action"]), []string{"events:PutEvents"}),
			"this bus only":               reflect.DeepEqual(strs(st["Resource"]), []string{"${EventBus.Arn}"}),
			"condition StringEquals only": len(cond) == 1,
			"aws:PrincipalOrgID":          reflect.DeepEqual(strs(obj(cond["StringEquals"])["aws:PrincipalOrgID"]), []string{organizationRef}),
		}
		for what, ok := range checks {
			if !ok {
				t.Errorf("bus policy statement %v: want %s", st, what)
			}
		}
	}
}

func TestQueueAndFunctionAcceptOnlyTheirRules(t *testing.T) {
	tpl := raw(t, Central)
	doc := obj(one(t, tpl, Central, "QueuePolicy").Props["PolicyDocument"])
	for _, s := range list(doc["Statement"]) {
		st := obj(s)
		ok := reflect.DeepEqual(strs(obj(st["Principal"])["Service"]), []string{"events.amazonaws.com"}) &&
			reflect.DeepEqual(strs(st["Action"]), []string{"sqs:SendMessage"}) &&
			reflect.DeepEqual(strs(obj(obj(st["Condition"])["ArnEquals"])["aws:SourceArn"]), []string{"${S3EventsRule.Arn}"})
		if !ok {
			t.Errorf("queue policy statement %v: want only the S3 events rule to send", st)
		}
	}
	perm := one(t, tpl, Central, "SchedulePermission").Props
	if perm["Principal"] != "events.amazonaws.com" || render(perm["SourceArn"]) != "${ScheduleRule.Arn}" {
		t.Errorf("schedule permission %v: want only the schedule rule to invoke", perm)
	}
}

func TestWorkloadRolesAreCreatedOncePerAccount(t *testing.T) {
	tpl := raw(t, Workload)
	cond := obj(obj(tpl["Conditions"])["IsHomeRegion"])
	if got := strs(cond["Fn::Equals"]); !reflect.DeepEqual(got, []string{"${AWS::Region}", "${HomeRegion}"}) {
		t.Errorf("IsHomeRegion is %v", cond)
	}
	for _, r := range resources(tpl, Workload, "AWS::IAM::Role") {
		if r.Condition != "IsHomeRegion" {
			t.Errorf("%s: an IAM role must be created only in the home Region (Condition: IsHomeRegion)", r.ID)
		}
	}
}
