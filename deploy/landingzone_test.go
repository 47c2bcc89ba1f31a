package deploy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// deployment is one stack or stack set of a landing zone configuration (CfCT or LZA), in one form.
type deployment struct {
	Name     string
	Template string // a template of Names
	Accounts []string
	OUs      []string
	Regions  []string
	Params   map[string]string
	// ExecRole is the role a stack set runs as in its target accounts; "" for a stack.
	ExecRole string
}

// cfctExecRole is the role CfCT's stack sets run as in every target account.
const cfctExecRole = "AWSControlTowerExecution"

// cfctManifest is deploy/cfct/manifest.yaml, as the CfCT manifest schema version 2021-03-15
// defines it (manifest-v2.schema.yaml of the CfCT solution): unknown keys are rejected.
type cfctManifest struct {
	Region                 string         `yaml:"region"`
	Version                string         `yaml:"version"`
	EnableStackSetDeletion bool           `yaml:"enable_stack_set_deletion"`
	Resources              []cfctResource `yaml:"resources"`
}

type cfctResource struct {
	Name              string `yaml:"name"`
	Description       string `yaml:"description"`
	ResourceFile      string `yaml:"resource_file"`
	DeployMethod      string `yaml:"deploy_method"`
	DeploymentTargets struct {
		Accounts []string `yaml:"accounts"`
		OUs      []string `yaml:"organizational_units"`
	} `yaml:"deployment_targets"`
	Regions    []string `yaml:"regions"`
	Parameters []struct {
		Key   string `yaml:"parameter_key"`
		Value string `yaml:"parameter_value"`
	} `yaml:"parameters"`
}

// lzaConfig is deploy/lza/customizations-config.yaml: LZA's customizations.cloudFormationStacks
// (ICloudFormationStack) and cloudFormationStackSets (ICloudFormationStackSet).
type lzaConfig struct {
	Customizations struct {
		Stacks    []lzaStack    `yaml:"cloudFormationStacks"`
		StackSets []lzaStackSet `yaml:"cloudFormationStackSets"`
	} `yaml:"customizations"`
}

type lzaTargets struct {
	Accounts []string `yaml:"accounts"`
	OUs      []string `yaml:"organizationalUnits"`
}

type lzaParam struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

type lzaStack struct {
	Name                  string     `yaml:"name"`
	Description           string     `yaml:"description"`
	Template              string     `yaml:"template"`
	DeploymentTargets     lzaTargets `yaml:"deploymentTargets"`
	Regions               []string   `yaml:"regions"`
	RunOrder              int        `yaml:"runOrder"`
	TerminationProtection bool       `yaml:"terminationProtection"`
	Parameters            []lzaParam `yaml:"parameters"`
}

type lzaStackSet struct {
	Name                 string     `yaml:"name"`
	Description          string     `yaml:"description"`
	Template             string     `yaml:"template"`
	Capabilities         []string   `yaml:"capabilities"`
	ExecutionRoleName    string     `yaml:"executionRoleName"`
	DeploymentTargets    lzaTargets `yaml:"deploymentTargets"`
	Regions              []string   `yaml:"regions"`
	DependsOn            []string   `yaml:"dependsOn"`
	OperationPreferences struct {
		FailureToleranceCount      int      `yaml:"failureToleranceCount"`
		FailureTolerancePercentage int      `yaml:"failureTolerancePercentage"`
		MaxConcurrentCount         int      `yaml:"maxConcurrentCount"`
		MaxConcurrentPercentage    int      `yaml:"maxConcurrentPercentage"`
		RegionConcurrencyType      string   `yaml:"regionConcurrencyType"`
		RegionOrder                []string `yaml:"regionOrder"`
	} `yaml:"operationPreferences"`
	Parameters []lzaParam `yaml:"parameters"`
}

// readStrict decodes a YAML file into v, rejecting keys v does not know.
func readStrict(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(data, v, yaml.Strict()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var cfctName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// cfctDeployments reads the CfCT manifest; resource_file templates/X is deploy/cloudformation/X.
func cfctDeployments(t *testing.T) []deployment {
	t.Helper()
	var m cfctManifest
	readStrict(t, "cfct/manifest.yaml", &m)
	if m.Version != "2021-03-15" || m.Region == "" {
		t.Fatalf("cfct: version %q (want 2021-03-15), region %q", m.Version, m.Region)
	}
	var out []deployment
	for _, r := range m.Resources {
		if !cfctName.MatchString(r.Name) || !slices.Contains([]string{"stack_set", "scp", "rcp"}, r.DeployMethod) {
			t.Errorf("cfct %s: name must be letters, digits and _, deploy_method stack_set|scp|rcp (got %q)", r.Name, r.DeployMethod)
		}
		params := map[string]string{}
		for _, p := range r.Parameters {
			if _, dup := params[p.Key]; dup {
				t.Errorf("cfct %s: parameter %s given twice", r.Name, p.Key)
			}
			params[p.Key] = p.Value
		}
		file, _ := strings.CutPrefix(r.ResourceFile, "templates/")
		out = append(out, deployment{Name: r.Name, Template: "cloudformation/" + file, ExecRole: cfctExecRole,
			Accounts: r.DeploymentTargets.Accounts, OUs: r.DeploymentTargets.OUs, Regions: r.Regions, Params: params})
	}
	return out
}

// lzaDeployments reads the LZA customizations; cloudformation/macie-selfservice/X is
// deploy/cloudformation/X.
func lzaDeployments(t *testing.T) []deployment {
	t.Helper()
	var c lzaConfig
	readStrict(t, "lza/customizations-config.yaml", &c)
	var out []deployment
	add := func(name, tpl string, tg lzaTargets, regions []string, ps []lzaParam, exec string) {
		params := map[string]string{}
		for _, p := range ps {
			if _, dup := params[p.Name]; dup {
				t.Errorf("lza %s: parameter %s given twice", name, p.Name)
			}
			params[p.Name] = p.Value
		}
		file, _ := strings.CutPrefix(tpl, "cloudformation/macie-selfservice/")
		out = append(out, deployment{Name: name, Template: "cloudformation/" + file, Accounts: tg.Accounts, OUs: tg.OUs,
			Regions: regions, Params: params, ExecRole: exec})
	}
	for i, s := range c.Customizations.Stacks {
		if s.RunOrder != i+1 {
			t.Errorf("lza %s: runOrder %d, want %d (the order the stacks depend on each other)", s.Name, s.RunOrder, i+1)
		}
		add(s.Name, s.Template, s.DeploymentTargets, s.Regions, s.Parameters, "")
	}
	for _, s := range c.Customizations.StackSets {
		if !slices.Contains(s.Capabilities, "CAPABILITY_NAMED_IAM") {
			t.Errorf("lza %s: the template names its roles: CAPABILITY_NAMED_IAM is needed", s.Name)
		}
		if o := s.OperationPreferences; o.RegionConcurrencyType != "SEQUENTIAL" || !slices.Equal(o.RegionOrder, s.Regions) {
			t.Errorf("lza %s: Regions must be deployed in order, the home Region first: %+v", s.Name, o)
		}
		add(s.Name, s.Template, s.DeploymentTargets, s.Regions, s.Parameters, s.ExecutionRoleName)
	}
	return out
}

// TestLandingZoneConfigurationsNameRealTemplatesAndParameters checks that the CfCT manifest and
// the LZA customizations deploy the templates of Names in order (and, optionally, the guardrails),
// each where it belongs, with only parameters the template declares and every parameter without
// a default, and that the values agree with each other.
func TestLandingZoneConfigurationsNameRealTemplatesAndParameters(t *testing.T) {
	for name, read := range map[string]func(*testing.T) []deployment{"cfct": cfctDeployments, "lza": lzaDeployments} {
		t.Run(name, func(t *testing.T) {
			byTemplate := map[string]deployment{}
			var order []string
			for _, d := range read(t) {
				if _, dup := byTemplate[d.Template]; dup {
					t.Errorf("%s: %s deployed twice", d.Name, d.Template)
				}
				byTemplate[d.Template] = d
				if d.Template != Guardrails {
					order = append(order, d.Template)
				}
				checkParameters(t, d)
				if len(d.Regions) == 0 || len(d.Accounts)+len(d.OUs) == 0 {
					t.Errorf("%s: no Region or no target", d.Name)
				}
			}
			if !slices.Equal(order, Names) {
				t.Fatalf("templates deployed %v, want %v in that order", order, Names)
			}
			mgmt, workload := byTemplate[Management], byTemplate[Workload]
			checkAgreement(t, mgmt, byTemplate[Central], workload)
			if g, ok := byTemplate[Guardrails]; ok {
				checkGuardrails(t, g, mgmt, workload)
			}
		})
	}
}

// checkGuardrails checks that the guardrails go to the management account and exempt the role
// the workload stack set runs as.
func checkGuardrails(t *testing.T, g, mgmt, workload deployment) {
	t.Helper()
	if !slices.Equal(g.Accounts, mgmt.Accounts) || len(g.OUs) != 0 {
		t.Errorf("%s: deploy it where the management stack goes (%v), not %v %v", g.Name, mgmt.Accounts, g.Accounts, g.OUs)
	}
	if workload.ExecRole == "" {
		t.Fatalf("%s: the workload stack set names no execution role, so the guardrails cannot exempt it", workload.Name)
	}
	exec := "arn:aws:iam::" + workloadAccount + ":role/" + workload.ExecRole
	if !anyMatch(strings.Split(g.Params["ExemptRoleArns"], ","), exec, false) {
		t.Errorf("%s: ExemptRoleArns %q does not exempt %s, which deploys the workload stack", g.Name, g.Params["ExemptRoleArns"], exec)
	}
}

// checkParameters compares a deployment's parameters with its template's.
func checkParameters(t *testing.T, d deployment) {
	t.Helper()
	declared, ok := raw(t, d.Template)["Parameters"].(object)
	if !ok {
		t.Fatalf("%s: template %s has no parameters", d.Name, d.Template)
	}
	for k := range d.Params {
		if _, ok := declared[k]; !ok {
			t.Errorf("%s: parameter %s is not a parameter of %s", d.Name, k, d.Template)
		}
	}
	for k, v := range declared {
		if _, hasDefault := v.(object)["Default"]; !hasDefault && d.Params[k] == "" {
			t.Errorf("%s: required parameter %s of %s is not given", d.Name, k, d.Template)
		}
	}
}

// checkAgreement checks that the management, central and workload deployments describe one
// deployment: one organization, the central stack in the administrator account, the workload
// stack set in every managed Region with its home Region first and the central Region as target.
func checkAgreement(t *testing.T, mgmt, central, workload deployment) {
	t.Helper()
	for _, d := range []deployment{central, workload} {
		if d.Params["OrganizationId"] != mgmt.Params["OrganizationId"] {
			t.Errorf("%s: OrganizationId %q, the management stack has %q", d.Name, d.Params["OrganizationId"], mgmt.Params["OrganizationId"])
		}
	}
	if central.Params["ManagedRegions"] != mgmt.Params["ManagedRegions"] || central.Params["ManagedRegions"] != strings.Join(workload.Regions, ",") {
		t.Errorf("managed Regions differ: management %q, central %q, workload stack set %v",
			mgmt.Params["ManagedRegions"], central.Params["ManagedRegions"], workload.Regions)
	}
	if workload.Params["AdminAccountId"] != mgmt.Params["AdminAccountId"] {
		t.Errorf("workload AdminAccountId %q, management %q", workload.Params["AdminAccountId"], mgmt.Params["AdminAccountId"])
	}
	checkOperatorRoles(t, mgmt, central, workload)
	if len(central.Regions) != 1 || workload.Params["AdminRegion"] != central.Regions[0] {
		t.Errorf("central stack Regions %v: want one, the workload AdminRegion %q", central.Regions, workload.Params["AdminRegion"])
	}
	if workload.Params["HomeRegion"] != workload.Regions[0] {
		t.Errorf("workload HomeRegion %q must be the first Region deployed, %v", workload.Params["HomeRegion"], workload.Regions)
	}
	if len(workload.Accounts) != 0 || len(workload.OUs) == 0 {
		t.Errorf("workload stack set must target OUs only: %+v", workload)
	}
}

// checkOperatorRoles checks that the three stacks name the same operator roles, each a role of
// the administrator account (the trusts' principal: a role elsewhere would never match).
func checkOperatorRoles(t *testing.T, mgmt, central, workload deployment) {
	t.Helper()
	roles := workload.Params["OperatorRoleArns"]
	if mgmt.Params["OperatorRoleArns"] != roles || central.Params["OperatorRoleArns"] != roles {
		t.Errorf("OperatorRoleArns differ: management %q, central %q, workload %q",
			mgmt.Params["OperatorRoleArns"], central.Params["OperatorRoleArns"], roles)
	}
	for arn := range strings.SplitSeq(roles, ",") {
		if f := strings.SplitN(arn, ":", 6); arn != "" && (len(f) != 6 || f[4] != mgmt.Params["AdminAccountId"]) {
			t.Errorf("operator role %q is not a role of the administrator account %s", arn, mgmt.Params["AdminAccountId"])
		}
	}
}
