package deploy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/schema"
)

// The typed parse (parse_test.go) matches property names the way encoding/json does, that is
// ignoring case: "SqsManagedSSEEnabled" would pass although CloudFormation rejects it. So every
// resource is also checked against the CloudFormation resource specification that goformation
// ships as a JSON schema: property names exactly as CloudFormation spells them, at every depth,
// and every required property present.

type schemaNode struct {
	Ref                  string                `json:"$ref"`
	Type                 any                   `json:"type"`
	Properties           map[string]schemaNode `json:"properties"`
	AdditionalProperties *bool                 `json:"additionalProperties"`
	Required             []string              `json:"required"`
	Items                *schemaNode           `json:"items"`
}

type cfnSchema struct {
	Definitions map[string]schemaNode `json:"definitions"`
}

func loadSchema(t *testing.T) cfnSchema {
	t.Helper()
	var s cfnSchema
	if err := json.Unmarshal([]byte(schema.CloudformationSchema), &s); err != nil {
		t.Fatalf("goformation's CloudFormation schema: %v", err)
	}
	return s
}

// isIntrinsic reports whether v is an intrinsic function call, whose value only CloudFormation knows.
func isIntrinsic(v any) bool {
	m, ok := v.(object)
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// check walks a value along its schema and returns every misnamed or missing property.
func (s cfnSchema) check(n schemaNode, v any, path string) []string {
	if isIntrinsic(v) {
		return nil
	}
	if n.Ref != "" {
		def, ok := s.Definitions[strings.TrimPrefix(n.Ref, "#/definitions/")]
		if !ok {
			return []string{fmt.Sprintf("%s: schema has no %s", path, n.Ref)}
		}
		n = def
	}
	switch x := v.(type) {
	case []any:
		if n.Items == nil {
			return nil
		}
		var errs []string
		for i, e := range x {
			errs = append(errs, s.check(*n.Items, e, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	case object:
		return s.checkObject(n, x, path)
	}
	return nil
}

func (s cfnSchema) checkObject(n schemaNode, x object, path string) []string {
	if n.Properties == nil {
		return nil // free-form: a policy document, an event pattern
	}
	var errs []string
	for _, req := range n.Required {
		if _, ok := x[req]; !ok {
			errs = append(errs, fmt.Sprintf("%s: required property %s is missing", path, req))
		}
	}
	for k, v := range x {
		p, ok := n.Properties[k]
		if !ok {
			if n.AdditionalProperties != nil && !*n.AdditionalProperties {
				errs = append(errs, fmt.Sprintf("%s: unknown property %s", path, k))
			}
			continue
		}
		errs = append(errs, s.check(p, v, path+"."+k)...)
	}
	return errs
}

// checkTemplate returns every schema violation of a template's resources.
func (s cfnSchema) checkTemplate(tpl object, name string) []string {
	var errs []string
	for id, v := range obj(tpl["Resources"]) {
		r := obj(v)
		typ, _ := r["Type"].(string)
		def := typ
		if strings.HasPrefix(typ, "Custom::") {
			def = "AWS::CloudFormation::CustomResource"
		}
		n, ok := s.Definitions[def]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s %s: unknown resource type %s", name, id, typ))
			continue
		}
		if def != typ {
			// A custom resource takes any property; only ServiceToken is required.
			n = schemaNode{Properties: map[string]schemaNode{"Type": {}, "Properties": {Properties: map[string]schemaNode{}, Required: []string{"ServiceToken"}}, "Condition": {}, "DependsOn": {}}}
		}
		errs = append(errs, s.check(n, r, name+" "+id)...)
	}
	slices.Sort(errs)
	return errs
}

func TestTemplatesMatchTheCloudFormationSchema(t *testing.T) {
	s := loadSchema(t)
	for _, name := range append(slices.Clone(Names), Guardrails) {
		for _, e := range s.checkTemplate(raw(t, name), name) {
			t.Error(e)
		}
	}
}

func TestSchemaCheckCatchesMistakes(t *testing.T) {
	s := loadSchema(t)
	tpl := raw(t, Central)
	q := obj(obj(obj(tpl["Resources"])["Queue"])["Properties"])
	q["SqsManagedSSEEnabled"] = q["SqsManagedSseEnabled"]
	delete(q, "SqsManagedSseEnabled")
	rule := obj(obj(obj(tpl["Resources"])["S3EventsRule"])["Properties"])
	target := obj(list(rule["Targets"])[0])
	delete(target, "Id")
	target["Retries"] = 3
	got := strings.Join(s.checkTemplate(tpl, "t"), "\n")
	for _, want := range []string{"unknown property SqsManagedSSEEnabled", "Targets[0]: required property Id is missing", "Targets[0]: unknown property Retries"} {
		if !strings.Contains(got, want) {
			t.Errorf("schema check missed %q; it said:\n%s", want, got)
		}
	}
}
