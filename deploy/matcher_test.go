package deploy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// matches reports whether an EventBridge event pattern matches an event, with the rules of
// EventBridge content filtering this project's patterns may use:
//   - every field of the pattern must match; a nested object matches field by field;
//   - a field's list of conditions matches when any condition does; an array in the event
//     matches when any of its elements does;
//   - a condition is a literal (string, number, boolean, null: equal), or one of
//     {"prefix": s}, {"suffix": s}, {"equals-ignore-case": s}, {"anything-but": v | [v...] |
//     {"prefix": s}} and {"exists": bool};
//   - a missing field matches only {"exists": false}.
//
// Other operators (numeric, wildcard, cidr, $or) are reported as errors rather than guessed.
func matches(pattern, event object) (bool, error) {
	for key, want := range pattern {
		if key == "$or" {
			return false, fmt.Errorf("operator $or is not supported by this matcher")
		}
		got, present := event[key]
		ok, err := matchField(want, got, present)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func matchField(want, got any, present bool) (bool, error) {
	if nested, ok := want.(object); ok {
		sub, _ := got.(object)
		return matches(nested, sub)
	}
	conds, ok := want.([]any)
	if !ok {
		return false, fmt.Errorf("pattern value %v is neither an object nor a list", want)
	}
	for _, c := range conds {
		ok, err := matchCondition(c, got, present)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// matchCondition matches one condition against a field, any element of an array field.
func matchCondition(c, got any, present bool) (bool, error) {
	if op, ok := c.(object); ok {
		if v, ok := op["exists"]; ok {
			return v == present, nil
		}
	}
	if !present {
		return false, nil
	}
	values := []any{got}
	if arr, ok := got.([]any); ok {
		values = arr
	}
	for _, v := range values {
		ok, err := matchValue(c, v)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func matchValue(c, v any) (bool, error) {
	op, ok := c.(object)
	if !ok {
		return reflect.DeepEqual(c, v), nil
	}
	if len(op) != 1 {
		return false, fmt.Errorf("condition %v must have exactly one operator", op)
	}
	s, isString := v.(string)
	for name, arg := range op {
		switch name {
		case "prefix":
			return isString && strings.HasPrefix(s, fmt.Sprint(arg)), nil
		case "suffix":
			return isString && strings.HasSuffix(s, fmt.Sprint(arg)), nil
		case "equals-ignore-case":
			return isString && strings.EqualFold(s, fmt.Sprint(arg)), nil
		case "anything-but":
			return anythingBut(arg, v)
		}
		return false, fmt.Errorf("operator %q is not supported by this matcher", name)
	}
	return false, nil
}

func anythingBut(arg, v any) (bool, error) {
	if op, ok := arg.(object); ok {
		m, err := matchValue(op, v)
		return !m && err == nil, err
	}
	for _, x := range list(arg) {
		if reflect.DeepEqual(x, v) {
			return false, nil
		}
	}
	return true, nil
}

func TestMatcher(t *testing.T) {
	event := decodeObject(t, `{"source":"aws.s3","detail":{"eventName":"PutBucketTagging","n":5,
		"tags":["a","b"],"nothing":null,"errorCode":"AccessDenied"}}`)
	cases := []struct {
		pattern string
		want    bool
	}{
		{`{"source":["aws.s3"]}`, true},
		{`{"source":["aws.ec2","aws.s3"]}`, true},
		{`{"source":["aws.ec2"]}`, false},
		{`{"detail":{"eventName":["PutBucketTagging"]}}`, true},
		{`{"detail":{"eventName":[{"prefix":"PutBucket"}]}}`, true},
		{`{"detail":{"eventName":[{"suffix":"Policy"}]}}`, false},
		{`{"detail":{"eventName":[{"equals-ignore-case":"putbuckettagging"}]}}`, true},
		{`{"detail":{"eventName":[{"anything-but":["PutBucketTagging"]}]}}`, false},
		{`{"detail":{"eventName":[{"anything-but":{"prefix":"Get"}}]}}`, true},
		{`{"detail":{"n":[5]}}`, true},
		{`{"detail":{"tags":["b"]}}`, true},
		{`{"detail":{"tags":["c"]}}`, false},
		{`{"detail":{"nothing":[null]}}`, true},
		{`{"detail":{"errorCode":[{"exists":false}]}}`, false},
		{`{"detail":{"errorCode":[{"exists":true}]}}`, true},
		{`{"detail":{"missing":[{"exists":false}]}}`, true},
		{`{"detail":{"missing":["x"]}}`, false},
		{`{"detail":{"missing":[{"anything-but":"x"}]}}`, false},
		{`{"absent":{"eventName":["x"]}}`, false},
	}
	for _, c := range cases {
		got, err := matches(decodeObject(t, c.pattern), event)
		if err != nil || got != c.want {
			t.Errorf("pattern %s: matched %v (%v), want %v", c.pattern, got, err, c.want)
		}
	}
	if _, err := matches(decodeObject(t, `{"detail":{"n":[{"numeric":[">",1]}]}}`), event); err == nil {
		t.Error("an unsupported operator must be an error, not a guess")
	}
}

func decodeObject(t *testing.T, s string) object {
	t.Helper()
	var o object
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return o
}
