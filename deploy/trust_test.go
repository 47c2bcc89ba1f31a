package deploy

import (
	"reflect"
	"testing"
)

// The principal every cross-account trust names: the administrator account, narrowed to the
// central function's role and to the organization by conditions.
const (
	adminRoot       = "arn:${AWS::Partition}:iam::${AdminAccountId}:root"
	centralRoleARN  = "arn:${AWS::Partition}:iam::${AdminAccountId}:role/${FunctionRoleName}"
	organizationRef = "${OrganizationId}"
)

// trusted says who may assume each role: a service, or "" for the central function's role.
var trusted = map[role]string{
	functionRole:        "lambda.amazonaws.com",
	designateRole:       "lambda.amazonaws.com",
	forwardRole:         "events.amazonaws.com",
	findingsForwardRole: "events.amazonaws.com",
	readRole:            "",
	orgReadRole:         "",
}

func trustStatements(t *testing.T, r role) []object {
	t.Helper()
	doc := obj(one(t, raw(t, r.Template), r.Template, r.ID).Props["AssumeRolePolicyDocument"])
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
	}
}

func TestTrustPolicies(t *testing.T) {
	for r, service := range trusted {
		for _, s := range trustStatements(t, r) {
			if s["Effect"] != "Allow" || !reflect.DeepEqual(strs(s["Action"]), []string{"sts:AssumeRole"}) {
				t.Errorf("%s: trust statement %v must only allow sts:AssumeRole", r.ID, s)
			}
			p := obj(s["Principal"])
			if service != "" {
				if !reflect.DeepEqual(strs(p["Service"]), []string{service}) || len(p) != 1 {
					t.Errorf("%s: principal %v, want only the service %s", r.ID, s["Principal"], service)
				}
				continue
			}
			checkCentralOnly(t, r, s)
		}
	}
}

// checkCentralOnly checks a cross-account trust: only the central function's role, from
// inside the organization.
func checkCentralOnly(t *testing.T, r role, s object) {
	t.Helper()
	p := obj(s["Principal"])
	if !reflect.DeepEqual(strs(p["AWS"]), []string{adminRoot}) || len(p) != 1 {
		t.Errorf("%s: principal %v, want the administrator account %s", r.ID, s["Principal"], adminRoot)
	}
	cond := obj(s["Condition"])
	eq := obj(cond["StringEquals"])
	if len(cond) != 1 || len(eq) != 2 {
		t.Errorf("%s: condition %v, want exactly StringEquals on aws:PrincipalArn and aws:PrincipalOrgID", r.ID, cond)
	}
	if got := strs(eq["aws:PrincipalArn"]); !reflect.DeepEqual(got, []string{centralRoleARN}) {
		t.Errorf("%s: aws:PrincipalArn %q, want exactly %s", r.ID, got, centralRoleARN)
	}
	if got := strs(eq["aws:PrincipalOrgID"]); !reflect.DeepEqual(got, []string{organizationRef}) {
		t.Errorf("%s: aws:PrincipalOrgID %q, want %s", r.ID, got, organizationRef)
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
