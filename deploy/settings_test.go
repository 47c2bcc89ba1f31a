package deploy

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
)

// sample are parameter values of a real deployment, for the parameters without a default.
var sample = map[string]string{
	"AWS::AccountId": "222222222222", "AWS::Partition": "aws", "AWS::Region": "eu-west-1",
	"OrganizationId": "o-abcdefghij", "ManagementAccountId": "111111111111", "AdminAccountId": "222222222222",
	"ManagedRegions": "eu-west-1,us-east-1", "CodeBucket": "artifacts", "CodeKey": "lambda.zip",
	"FindingsQueue.Arn": "arn:aws:sqs:eu-west-1:222222222222:macie-selfservice-findings",
	"AdminRegion":       "eu-west-1", "HomeRegion": "eu-west-1",
	"ConfigParameter": config.DefaultParameter, // Ref of the parameter resource: its name
	"Queue":           eventsQueueURL,          // Ref of the events queue: its URL
}

const eventsQueueURL = "https://sqs.eu-west-1.amazonaws.com/222222222222/macie-selfservice-events"

var placeholder = regexp.MustCompile(`\$\{([^}]+)\}`)

// instantiate renders a value with the sample parameters, else the template's defaults.
func instantiate(t *testing.T, tpl object, v any) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(render(v), func(m string) string {
		name := m[2 : len(m)-1]
		if s, ok := sample[name]; ok {
			return s
		}
		if d, ok := parameterDefault(tpl, name); ok {
			return d
		}
		t.Errorf("%s has neither a sample value nor a default", name)
		return m
	})
}

// chooseIf resolves {"Fn::If": [condition, then, else]} with the sample parameters.
func chooseIf(t *testing.T, tpl object, v any) any {
	t.Helper()
	args, ok := obj(v)["Fn::If"].([]any)
	if !ok || len(args) != 3 {
		return v
	}
	name, _ := args[0].(string)
	if holds(t, tpl, obj(obj(tpl["Conditions"])[name])) {
		return args[1]
	}
	return args[2]
}

// holds evaluates a condition made of Fn::Not and Fn::Equals.
func holds(t *testing.T, tpl object, cond object) bool {
	t.Helper()
	if not, ok := cond["Fn::Not"].([]any); ok && len(not) == 1 {
		return !holds(t, tpl, obj(not[0]))
	}
	if eq, ok := cond["Fn::Equals"].([]any); ok && len(eq) == 2 {
		return instantiate(t, tpl, eq[0]) == instantiate(t, tpl, eq[1])
	}
	t.Fatalf("condition %v: only Fn::Not and Fn::Equals are evaluated", cond)
	return false
}

// environment returns a function's environment as the deployed function would see it.
func environment(t *testing.T, name, id string) func(string) string {
	tpl := raw(t, name)
	vars := obj(obj(one(t, tpl, name, id).Props["Environment"])["Variables"])
	env := map[string]string{}
	for k, v := range vars {
		env[k] = instantiate(t, tpl, chooseIf(t, tpl, v))
	}
	return func(k string) string { return env[k] }
}

// TestFunctionEnvironmentsAreValidConfigurations runs the function's own settings loader on each
// function's environment, and its configuration parser on the parameter the central stack writes.
func TestFunctionEnvironmentsAreValidConfigurations(t *testing.T) {
	s, err := lambdafn.LoadSettings(environment(t, Central, "Function"))
	if err != nil {
		t.Fatalf("central function: %v", err)
	}
	if s.Mode != lambdafn.ModeAdministrator || s.Admin != "222222222222" || s.Parameter != config.DefaultParameter {
		t.Errorf("central function settings %+v, want the administrator reading %s", s, config.DefaultParameter)
	}
	if s.QueueURL != eventsQueueURL {
		t.Errorf("central function queue %q, want its events queue: the sweep is sharded through it", s.QueueURL)
	}
	tpl := raw(t, Central)
	param := one(t, tpl, Central, "ConfigParameter").Props
	if render(param["Name"]) != "${ConfigParameterName}" || param["Type"] != "String" {
		t.Errorf("configuration parameter %v, want a String named by ConfigParameterName", param)
	}
	d, err := config.ParseDocument([]byte(instantiate(t, tpl, param["Value"])))
	if err != nil {
		t.Fatalf("the configuration the central stack writes: %v", err)
	}
	c, err := config.FromDocument(d, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{AdminAccount: "222222222222", Regions: []string{"eu-west-1", "us-east-1"},
		ReadRole: config.DefaultReadRole, OrgRoleARN: "arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead",
		SamplingPercentage: 100, Concurrency: config.DefaultConcurrency}
	if c.AdminAccount != want.AdminAccount || !slices.Equal(c.Regions, want.Regions) || c.Concurrency != want.Concurrency ||
		c.ReadRole != want.ReadRole || c.OrgRoleARN != want.OrgRoleARN || c.SamplingPercentage != want.SamplingPercentage ||
		c.Policy.Key != "macie" || c.Policy.Value != "true" || c.DryRun || len(c.ExcludedAccounts) != 0 ||
		!c.Backfill || c.AutomatedDiscovery != "off" || c.FindingsMinSeverity != "LOW" ||
		c.SweepShardAccounts != config.DefaultShardAccounts {
		t.Errorf("central function configuration %+v, want %+v", c, want)
	}
	if fc := s.Findings; !fc.Enabled() || fc.TopicRegion != "eu-west-1" {
		t.Errorf("central function findings settings %+v, want routed, to eu-west-1 (this stack's Region)", fc)
	}
	m, err := lambdafn.LoadSettings(environment(t, Management, "DelegatedAdminFunction"))
	if err != nil || m.Mode != lambdafn.ModeManagement {
		t.Errorf("management function: mode %q, %v", m.Mode, err)
	}
}

// TestConfigurationParameterCarriesEveryStackParameter writes the parameter from other values
// of the stack's parameters and reads them back.
func TestConfigurationParameterCarriesEveryStackParameter(t *testing.T) {
	tpl := raw(t, Central)
	values := map[string]string{"ProtectedAccounts": "333333333333", "ExcludedAccounts": "111111111111,444444444444",
		"TagKey": "Macie Scan", "TagValue": "", "SamplingPercentage": "25", "DryRun": "true", "ReadRoleName": "Reader",
		"Backfill": "off", "AutomatedDiscovery": "inherit", "FindingsMinSeverity": "HIGH", "SweepShardAccounts": "50"}
	for k, v := range values {
		sample[k] = v
	}
	t.Cleanup(func() {
		for k := range values {
			delete(sample, k)
		}
	})
	d, err := config.ParseDocument([]byte(instantiate(t, tpl, one(t, tpl, Central, "ConfigParameter").Props["Value"])))
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.FromDocument(d, "222222222222")
	if err != nil || !slices.Equal(c.ProtectedAccounts, []string{"333333333333"}) ||
		!slices.Equal(c.ExcludedAccounts, []string{"111111111111", "444444444444"}) || c.Policy.String() != "Macie Scan=" ||
		c.SamplingPercentage != 25 || !c.DryRun || c.ReadRole != "Reader" || c.Backfill || c.AutomatedDiscovery != "inherit" ||
		c.FindingsMinSeverity != "HIGH" || c.SweepShardAccounts != 50 {
		t.Errorf("configuration %+v, %v", c, err)
	}
}

// TestEnvironmentNamesAreKnown catches a misspelt variable, which the loader would ignore.
func TestEnvironmentNamesAreKnown(t *testing.T) {
	known := []string{lambdafn.EnvMode, lambdafn.EnvConfigParameter, lambdafn.EnvQueueURL, config.EnvAdminAccount, config.EnvRegions, config.EnvTagKey, config.EnvTagValue,
		config.EnvProtected, config.EnvExcluded, config.EnvReadRole, config.EnvOrgRoleARN, config.EnvSampling,
		config.EnvDryRun, config.EnvConcurrency, config.EnvShard,
		config.EnvFindingsQueueARN, config.EnvFindingsTopicRegion, config.EnvFindingsMinSeverity,
		"GOMEMLIMIT"} // read by the Go runtime
	for _, f := range []role{{Central, "Function"}, {Management, "DelegatedAdminFunction"}} {
		vars := obj(obj(one(t, raw(t, f.Template), f.Template, f.ID).Props["Environment"])["Variables"])
		for k := range vars {
			if !slices.Contains(known, k) {
				t.Errorf("%s %s: environment variable %s is read by no one", f.Template, f.ID, k)
			}
		}
	}
}

func TestCustomResourcesNameTheirRole(t *testing.T) {
	cases := []struct {
		name, id, role string
		props          []string
	}{
		{Management, "DelegatedAdmin", lambdafn.RoleDelegatedAdmin, []string{lambdafn.PropAdminAccount, lambdafn.PropRegions}},
		{Central, "AdminSetup", lambdafn.RoleAdminSetup, nil},
	}
	for _, c := range cases {
		p := one(t, raw(t, c.name), c.name, c.id).Props
		if p[lambdafn.PropRole] != c.role {
			t.Errorf("%s %s: %s is %v, want %s", c.name, c.id, lambdafn.PropRole, p[lambdafn.PropRole], c.role)
		}
		for _, k := range c.props {
			if p[k] == nil {
				t.Errorf("%s %s: property %s is missing", c.name, c.id, k)
			}
		}
	}
	regions := obj(one(t, raw(t, Management), Management, "DelegatedAdmin").Props[lambdafn.PropRegions])
	if got := fmt.Sprint(regions["Fn::Split"]); got != "[, map[Ref:ManagedRegions]]" {
		t.Errorf("DelegatedAdmin Regions is %v, want the managed Regions split on commas", regions)
	}
}

func number(t *testing.T, v any) int {
	t.Helper()
	n, err := strconv.Atoi(fmt.Sprint(v))
	if err != nil {
		t.Fatalf("%v is not a number", v)
	}
	return n
}

func TestFunctionQueueAndSchedule(t *testing.T) {
	tpl := raw(t, Central)
	fn := one(t, tpl, Central, "Function").Props
	want := map[string]string{"Runtime": "provided.al2023", "Architectures": `["arm64"]`, "Handler": "bootstrap",
		"MemorySize": "256", "Timeout": "900", "ReservedConcurrentExecutions": "1", "FunctionName": "${FunctionName}"}
	for k, v := range want {
		if got := render(fn[k]); got != v && fmt.Sprint(fn[k]) != v {
			t.Errorf("function %s is %s, want %s", k, got, v)
		}
	}
	code := obj(fn["Code"])
	if render(code["S3Bucket"]) != "${CodeBucket}" || render(code["S3Key"]) != "${CodeKey}" {
		t.Errorf("function code %v, want the CodeBucket/CodeKey parameters", code)
	}
	esm := one(t, tpl, Central, "QueueMapping").Props
	window := number(t, esm["MaximumBatchingWindowInSeconds"])
	if !slices.Contains(strs(esm["FunctionResponseTypes"]), "ReportBatchItemFailures") || window <= 0 || number(t, esm["BatchSize"]) < 10 {
		t.Errorf("event source mapping %v: want partial batch failures, a batching window and batches", esm)
	}
	q := one(t, tpl, Central, "Queue").Props
	if vt, min := number(t, q["VisibilityTimeout"]), 6*number(t, fn["Timeout"])+window; vt < min {
		t.Errorf("queue visibility timeout %d, want at least 6 x the function timeout + the batching window = %d", vt, min)
	}
	redrive := obj(q["RedrivePolicy"])
	if render(redrive["deadLetterTargetArn"]) != "${DeadLetterQueue.Arn}" || number(t, redrive["maxReceiveCount"]) < 3 {
		t.Errorf("queue redrive %v, want the dead-letter queue after a few receives", redrive)
	}
	for _, id := range []string{"Queue", "DeadLetterQueue"} {
		if one(t, tpl, Central, id).Props["SqsManagedSseEnabled"] != true {
			t.Errorf("%s is not encrypted at rest", id)
		}
	}
	alarm := one(t, tpl, Central, "DeadLetterAlarm").Props
	dim := obj(list(alarm["Dimensions"])[0])
	if alarm["MetricName"] != "ApproximateNumberOfMessagesVisible" || render(dim["Value"]) != "${DeadLetterQueue.QueueName}" {
		t.Errorf("alarm %v, want the depth of the dead-letter queue", alarm)
	}
	logs := one(t, tpl, Central, "LogGroup").Props
	if render(logs["LogGroupName"]) != "/aws/lambda/${FunctionName}" || render(logs["RetentionInDays"]) != "${LogRetentionDays}" {
		t.Errorf("log group %v, want the function's, with retention", logs)
	}
	if d, _ := parameterDefault(tpl, "ScheduleExpression"); d != "rate(6 hours)" {
		t.Errorf("schedule default %q, want rate(6 hours)", d)
	}
	if render(one(t, tpl, Central, "ScheduleRule").Props["ScheduleExpression"]) != "${ScheduleExpression}" {
		t.Error("the schedule rule does not use the ScheduleExpression parameter")
	}
}
