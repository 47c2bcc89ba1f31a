package deploy

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/intrinsics"
)

// object is a JSON object of a template, as read without resolving intrinsic functions.
type object = map[string]any

// raw reads a template as plain data, intrinsic functions left as they are written.
func raw(t *testing.T, name string) object {
	t.Helper()
	data, err := Templates.ReadFile(name)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	js, err := intrinsics.ProcessYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var tpl object
	if err := json.Unmarshal(js, &tpl); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tpl
}

// resource is one resource of a template.
type resource struct {
	Template, ID, Type string
	Props              object
	Condition          string
}

// resources returns the template's resources of a type ("" for all), sorted by logical ID.
func resources(tpl object, name, typ string) []resource {
	var out []resource
	for id, v := range obj(tpl["Resources"]) {
		r := obj(v)
		rt, _ := r["Type"].(string)
		if typ != "" && rt != typ {
			continue
		}
		cond, _ := r["Condition"].(string)
		out = append(out, resource{Template: name, ID: id, Type: rt, Props: obj(r["Properties"]), Condition: cond})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// one returns the resource with a logical ID, failing the test when there is none.
func one(t *testing.T, tpl object, name, id string) resource {
	t.Helper()
	for _, r := range resources(tpl, name, "") {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s: no resource %s", name, id)
	return resource{}
}

func obj(v any) object {
	m, _ := v.(object)
	return m
}

// list returns v as a list: a list stays one, a single value becomes a list of one.
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// render writes a value symbolically, the way Fn::Sub writes it: {"Ref": "X"} is "${X}",
// {"Fn::GetAtt": ["R", "A"]} is "${R.A}", {"Fn::Sub": "s"} is s. So a test compares ARNs as
// they are built, whatever the parameter values. Lists and other functions render as JSON.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case object:
		if len(x) == 1 {
			if s, ok := renderFunc(x); ok {
				return s
			}
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func renderFunc(x object) (string, bool) {
	if ref, ok := x["Ref"].(string); ok {
		return "${" + ref + "}", true
	}
	if sub, ok := x["Fn::Sub"].(string); ok {
		return sub, true
	}
	if att, ok := x["Fn::GetAtt"].([]any); ok && len(att) == 2 {
		return fmt.Sprintf("${%v.%v}", att[0], att[1]), true
	}
	return "", false
}

// strs renders every element of a value that may be a single value or a list.
func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		out = append(out, render(e))
	}
	return out
}

// parameterDefault returns a parameter's default value as text, and whether it has one.
func parameterDefault(tpl object, name string) (string, bool) {
	p := obj(obj(tpl["Parameters"])[name])
	d, ok := p["Default"]
	if !ok {
		return "", false
	}
	return fmt.Sprint(d), true
}

func TestRender(t *testing.T) {
	cases := map[string]any{
		"plain":                 "plain",
		"${Bucket}":             object{"Ref": "Bucket"},
		"arn:${AWS::Partition}": object{"Fn::Sub": "arn:${AWS::Partition}"},
		"${Queue.Arn}":          object{"Fn::GetAtt": []any{"Queue", "Arn"}},
		`{"Fn::If":["C","a"]}`:  object{"Fn::If": []any{"C", "a"}},
	}
	for want, in := range cases {
		if got := render(in); got != want {
			t.Errorf("render(%v) = %q, want %q", in, got, want)
		}
	}
	if got := strs([]any{"a", object{"Ref": "B"}}); !slices.Equal(got, []string{"a", "${B}"}) {
		t.Errorf("strs = %q", got)
	}
	if !strings.Contains(render([]any{"x"}), "x") {
		t.Error("a list renders as JSON")
	}
}
