package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
)

// sdkFile lists, as Go interfaces, every AWS SDK method the code calls.
const sdkFile = "../internal/awsapi/sdk.go"

// A role of the templates, by template and logical ID.
type role struct{ Template, ID string }

var (
	functionRole  = role{Central, "FunctionRole"}                  // the central function
	readRole      = role{Workload, "ReadRole"}                     // assumed in workload accounts
	orgReadRole   = role{Management, "OrgReadRole"}                // assumed in the management account
	designateRole = role{Management, "DelegatedAdminFunctionRole"} // the DelegatedAdmin custom resource
	forwardRole   = role{Workload, "ForwardRole"}                  // EventBridge forwarding to the bus
	// EventBridge forwarding findings from the other managed Regions.
	findingsForwardRole = role{Central, "FindingsForwardRole"}
	allRoles            = []role{functionRole, readRole, orgReadRole, designateRole, forwardRole, findingsForwardRole}
)

// callers assigns every method of sdk.go ("Interface.Method") to the roles that call it.
var callers = map[string][]role{
	"MacieAPI.CreateMember":                          {functionRole},
	"MacieAPI.GetMember":                             {functionRole},
	"MacieAPI.ListMembers":                           {functionRole},
	"MacieAPI.UpdateMemberSession":                   {functionRole},
	"MacieAPI.CreateClassificationJob":               {functionRole},
	"MacieAPI.ListClassificationJobs":                {functionRole},
	"MacieAPI.UpdateClassificationJob":               {functionRole},
	"MacieAPI.GetFindingsPublicationConfiguration":   {functionRole},
	"MacieAPI.PutFindingsPublicationConfiguration":   {functionRole},
	"MacieAPI.DescribeClassificationJob":             {functionRole}, // the daily job's last run; a new backfill job's buckets
	"MacieAPI.SearchResources":                       {functionRole}, // which tagged buckets Macie's inventory shows
	"MacieAPI.GetAutomatedDiscoveryConfiguration":    {functionRole},
	"MacieAPI.ListAutomatedDiscoveryAccounts":        {functionRole},
	"MacieAPI.BatchUpdateAutomatedDiscoveryAccounts": {functionRole},
	"MacieAPI.EnableOrganizationAdminAccount":        {designateRole},
	"MacieAPI.ListOrganizationAdminAccounts":         {designateRole},
	"S3API.GetBucketTagging":                         {readRole},
	"TaggingAPI.GetResources":                        {readRole, functionRole}, // the administrator's own tagged buckets, for the backfill
	"OrganizationsAPI.ListAccounts":                  {orgReadRole},
	"OrganizationsAPI.DescribeAccount":               {orgReadRole},
	"STSAPI.AssumeRole":                              {functionRole},
	"STSAPI.GetCallerIdentity":                       {functionRole},
	"SNSAPI.Publish":                                 {functionRole},
	"SQSAPI.ChangeMessageVisibility":                 {functionRole},
	"SQSAPI.SendMessage":                             {functionRole}, // the sharded sweep, to its own events queue
	"SSMAPI.GetParameter":                            {functionRole}, // maciectl reads it too
}

// operatorOnly are the methods only maciectl calls: the function's roles are not granted them.
// maciectl makes them with the operator's own credentials, or, for those of OperatorCalls,
// through a role of the templates in an operator's session (operator_test.go).
var operatorOnly = []string{
	"MacieAPI.DescribeOrganizationConfiguration",
	"MacieAPI.GetMacieSession",
	"MacieAPI.GetUsageTotals",
	"MacieAPI.ListFindings", // maciectl status: findings per bucket
	"MacieAPI.GetFindings",
	"S3API.ListBuckets",
	"OrganizationsAPI.DescribeOrganization",
	"SQSAPI.GetQueueAttributes", // maciectl doctor: depth of the dead-letter queue
	"SQSAPI.ReceiveMessage",     // maciectl replay: read the dead-letter queue
	"SQSAPI.DeleteMessage",      // maciectl replay: drop what was reconciled
}

// servicePrefix is the IAM service prefix of each interface of sdk.go.
var servicePrefix = map[string]string{
	"MacieAPI": "macie2", "S3API": "s3", "TaggingAPI": "tag", "OrganizationsAPI": "organizations", "STSAPI": "sts",
	"SQSAPI": "sqs", "SNSAPI": "sns", "SSMAPI": "ssm",
}

// iamOverrides are the methods whose IAM actions are not "<prefix>:<Method>".
var iamOverrides = map[string][]string{
	// ListBuckets is authorized as s3:ListAllMyBuckets.
	"S3API.ListBuckets": {"s3:ListAllMyBuckets"},
	// GetCallerIdentity needs no permission and cannot be denied.
	"STSAPI.GetCallerIdentity": {},
	// The findings topics are encrypted with a key of their account: SNS uses it with the
	// publisher's permissions.
	"SNSAPI.Publish": {"sns:Publish", "kms:GenerateDataKey", "kms:Decrypt"},
	// The job is created with tags (managed-by), which IAM also authorizes as macie2:TagResource.
	"MacieAPI.CreateClassificationJob": {"macie2:CreateClassificationJob", "macie2:TagResource"},
	// Designating the administrator enables Macie's trusted access in Organizations, registers
	// the delegated administrator and creates Macie's service-linked role, all with the
	// caller's permissions (the set AWS's reference solution for Macie grants).
	"MacieAPI.EnableOrganizationAdminAccount": {"macie2:EnableOrganizationAdminAccount",
		"organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization",
		"organizations:ListDelegatedAdministrators", "organizations:EnableAWSServiceAccess",
		"organizations:RegisterDelegatedAdministrator", "iam:CreateServiceLinkedRole"},
}

// platform are the actions AWS performs with a role on its behalf, not calls of the code.
var platform = map[role][]string{
	// Lambda writes the logs; the SQS event source mapping polls the queue with the function's role.
	functionRole:  {"logs:CreateLogStream", "logs:PutLogEvents", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
	designateRole: {"logs:CreateLogStream", "logs:PutLogEvents"},
	// EventBridge puts the forwarded events on the central bus.
	forwardRole: {"events:PutEvents"},
	// EventBridge puts the findings of the other managed Regions on the home Region's default bus.
	findingsForwardRole: {"events:PutEvents"},
}

// forbidden may be granted to no role: they lose data or enable Macie everywhere.
var forbidden = []string{"macie2:DisableMacie", "macie2:DeleteMember", "macie2:DisassociateMember",
	"macie2:DisableOrganizationAdminAccount", "macie2:UpdateOrganizationConfiguration"}

// sdkMethods parses sdk.go and returns "Interface.Method" for every method of its interfaces.
func sdkMethods(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), sdkFile, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", sdkFile, err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		if it, ok := ts.Type.(*ast.InterfaceType); ok {
			for _, m := range it.Methods.List {
				for _, name := range m.Names {
					out = append(out, ts.Name.Name+"."+name.Name)
				}
			}
		}
		return false
	})
	if len(out) == 0 {
		t.Fatalf("%s declares no interface method", sdkFile)
	}
	return out
}

// iamActions returns the IAM actions a method needs.
func iamActions(t *testing.T, method string) []string {
	if a, ok := iamOverrides[method]; ok {
		return a
	}
	iface, op, _ := strings.Cut(method, ".")
	prefix, ok := servicePrefix[iface]
	if !ok {
		t.Errorf("interface %s of %s: add its IAM service prefix to servicePrefix", iface, sdkFile)
	}
	return []string{prefix + ":" + op}
}

// needed returns, per role, the actions the code and the platform need it to have.
func needed(t *testing.T) map[role][]string {
	methods := sdkMethods(t)
	out := map[role][]string{}
	for r, a := range platform {
		out[r] = append(out[r], a...)
	}
	for _, m := range methods {
		roles, assigned := callers[m]
		operator := slices.Contains(operatorOnly, m)
		switch {
		case assigned && operator:
			t.Errorf("%s is both called by a role and operator only", m)
		case !assigned && !operator:
			t.Errorf("%s (in %s) is assigned to no role: add it to callers, or to operatorOnly", m, sdkFile)
		}
		for _, r := range roles {
			out[r] = append(out[r], iamActions(t, m)...)
		}
	}
	for m := range callers {
		if !slices.Contains(methods, m) {
			t.Errorf("callers lists %s, which %s no longer declares", m, sdkFile)
		}
	}
	for _, m := range operatorOnly {
		if !slices.Contains(methods, m) {
			t.Errorf("operatorOnly lists %s, which %s no longer declares", m, sdkFile)
		}
	}
	for r, a := range out {
		out[r] = sortedSet(a)
	}
	return out
}

// statement is one Allow statement of a role's policies, intrinsic functions rendered.
type statement struct {
	Actions, Resources []string
	// Session is the only role session name the statement grants (sessionCondition), or "" for
	// every session.
	Session string
}

// granted returns the Allow statements of a role's inline policies, deployed with operator roles
// (the most they grant); anything that would grant outside them (managed policies, NotAction,
// NotResource, a statement that is not Allow or Deny) is an error.
func granted(t *testing.T, r role) []statement {
	t.Helper()
	props := one(t, raw(t, r.Template), r.Template, r.ID).Props
	if props["ManagedPolicyArns"] != nil || props["PermissionsBoundary"] != nil {
		t.Errorf("%s: only inline policies are checked; use them", r.ID)
	}
	var out []statement
	for _, p := range list(resolveIf(t, props["Policies"], policyConditions(true))) {
		out = append(out, allows(t, r, obj(obj(p)["PolicyDocument"]))...)
	}
	return out
}

// allows returns the Allow statements of a policy document.
func allows(t *testing.T, r role, doc object) []statement {
	t.Helper()
	var out []statement
	for _, s := range list(doc["Statement"]) {
		st := obj(s)
		if st["NotAction"] != nil || st["NotResource"] != nil {
			t.Errorf("%s: NotAction/NotResource grant more than they name", r.ID)
		}
		switch st["Effect"] {
		case "Deny":
			continue
		case "Allow":
		default:
			t.Errorf("%s: statement %v is neither Allow nor Deny", r.ID, st)
			continue
		}
		out = append(out, statement{Actions: strs(st["Action"]), Resources: strs(st["Resource"]),
			Session: sessionOf(t, r, obj(st["Condition"]))})
	}
	return out
}

// grantedTo keeps the statements that grant the sessions of a name.
func grantedTo(sts []statement, session string) []statement {
	return slices.DeleteFunc(slices.Clone(sts), func(s statement) bool { return s.Session != "" && s.Session != session })
}

func actionsOf(sts []statement) []string {
	var a []string
	for _, s := range sts {
		a = append(a, s.Actions...)
	}
	return sortedSet(a)
}

func TestEveryRoleMayCallExactlyWhatTheCodeCalls(t *testing.T) {
	need := needed(t)
	for _, r := range allRoles {
		got := actionsOf(grantedTo(granted(t, r), awsapi.SessionName))
		for _, a := range need[r] {
			if !slices.Contains(got, a) {
				t.Errorf("%s %s: the code needs %s, which is not granted", r.Template, r.ID, a)
			}
		}
		for _, a := range got {
			if !slices.Contains(need[r], a) {
				t.Errorf("%s %s: grants %s, which nothing in the code needs", r.Template, r.ID, a)
			}
		}
	}
}

func TestNoRoleGrantsWildcardsOrForbiddenActions(t *testing.T) {
	for _, r := range allRoles {
		for _, a := range actionsOf(granted(t, r)) {
			service, op, _ := strings.Cut(a, ":")
			switch {
			case strings.ContainsAny(a, "*?"):
				t.Errorf("%s: wildcard action %s", r.ID, a)
			case slices.Contains(forbidden, a):
				t.Errorf("%s: forbidden action %s", r.ID, a)
			case service == "s3" && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List"):
				t.Errorf("%s: S3 write %s", r.ID, a)
			}
		}
	}
}

// scoped are the actions whose Resource must be exactly these ARNs (as the template builds them).
var scoped = map[role]map[string][]string{
	functionRole: {
		"sts:AssumeRole": {"arn:${AWS::Partition}:iam::*:role/${ReadRoleName}",
			"arn:${AWS::Partition}:iam::${ManagementAccountId}:role/${OrgReadRoleName}"},
		"sqs:ReceiveMessage":     {"${Queue.Arn}", "${FindingsQueue.Arn}"},
		"sqs:DeleteMessage":      {"${Queue.Arn}", "${FindingsQueue.Arn}"},
		"sqs:GetQueueAttributes": {"${Queue.Arn}", "${FindingsQueue.Arn}"},
		"sqs:SendMessage":        {"${Queue.Arn}"},
		"sns:Publish":            {"arn:${AWS::Partition}:sns:*:*:MacieSelfServiceFindings"},
		"kms:GenerateDataKey":    {"arn:${AWS::Partition}:kms:*:*:key/*"},
		"kms:Decrypt":            {"arn:${AWS::Partition}:kms:*:*:key/*"},
		"logs:PutLogEvents":      {"arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${FunctionName}:*"},
		"macie2:TagResource":     {"arn:${AWS::Partition}:macie2:*:${AWS::AccountId}:classification-job/*"},
		"ssm:GetParameter":       {"arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ConfigParameterName}"},
	},
	designateRole: {
		"iam:CreateServiceLinkedRole": {"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"},
	},
	forwardRole: {
		"events:PutEvents": {"arn:${AWS::Partition}:events:${AdminRegion}:${AdminAccountId}:event-bus/${EventBusName}"},
	},
	readRole: {"s3:GetBucketTagging": {"arn:${AWS::Partition}:s3:::*"}},
	findingsForwardRole: {
		"events:PutEvents": {"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"},
	},
}

func TestScopedActionsNameTheirResources(t *testing.T) {
	for r, actions := range scoped {
		sts := granted(t, r)
		for action, want := range actions {
			var got []string
			for _, s := range sts {
				if slices.Contains(s.Actions, action) {
					got = append(got, s.Resources...)
				}
			}
			if !slices.Equal(sortedSet(got), sortedSet(want)) {
				t.Errorf("%s %s: resources %q, want %q", r.ID, action, got, want)
			}
		}
	}
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}
