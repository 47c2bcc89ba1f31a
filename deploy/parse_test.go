package deploy

import (
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
)

// parse reads a template into goformation's typed resources. goformation decodes every
// resource with encoding/json's DisallowUnknownFields, so a property CloudFormation does not
// know (at any depth of a typed property) and a resource type it does not know are errors;
// TestParseRejects shows both. encoding/json matches names ignoring case, so the exact spelling
// is checked against CloudFormation's schema (schema_test.go). Free-form properties (policy
// documents, event patterns, custom resource properties) are typed as any and checked by the
// other tests.
func parse(data []byte) (*cloudformation.Template, error) {
	return goformation.ParseYAML(data)
}

func TestTemplatesParseIntoTypedResources(t *testing.T) {
	want := map[string][]string{
		Management: {"AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Logs::LogGroup", "Custom::MacieDelegatedAdmin"},
		Central: {"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::Events::EventBus", "AWS::Events::EventBusPolicy", "AWS::Events::Rule",
			"AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Function", "AWS::Lambda::Permission",
			"AWS::Logs::LogGroup", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::SSM::Parameter", "Custom::MacieAdminSetup"},
		Workload:        {"AWS::Events::Rule", "AWS::IAM::Role", "AWS::KMS::Key", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy"},
		FindingsForward: {"AWS::Events::Rule"},
		Guardrails:      {"AWS::Organizations::Policy"},
	}
	for _, name := range append(slices.Clone(Names), Guardrails) {
		data, err := Templates.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		types := map[string]bool{}
		for id, r := range tpl.Resources {
			types[r.AWSCloudFormationType()] = true
			if strings.HasPrefix(r.AWSCloudFormationType(), "Custom::") {
				if _, ok := r.(*cloudformation.CustomResource); !ok {
					t.Errorf("%s: %s is not a custom resource", name, id)
				}
			}
		}
		for _, typ := range want[name] {
			if !types[typ] {
				t.Errorf("%s: no resource of type %s", name, typ)
			}
		}
		if len(types) != len(want[name]) {
			t.Errorf("%s: resource types %v, want exactly %v", name, types, want[name])
		}
	}
}

// TestParseRejects shows that the typed parse catches what the test above relies on it to catch.
func TestParseRejects(t *testing.T) {
	data, err := Templates.ReadFile(Central)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	cases := map[string][2]string{
		"unknown property":        {"      ReservedConcurrentExecutions: 1\n", "      ReservedConcurrentExecutions: 1\n      ReservedConcurrency: 1\n"},
		"unknown nested property": {"        - Id: queue\n", "        - Id: queue\n          Retries: 3\n"},
		"unknown resource type":   {"Type: AWS::SQS::QueuePolicy", "Type: AWS::SQS::QueuePolicies"},
	}
	for name, c := range cases {
		if !strings.Contains(src, c[0]) {
			t.Fatalf("%s: the template no longer contains %q", name, c[0])
		}
		if _, err := parse([]byte(strings.Replace(src, c[0], c[1], 1))); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}
