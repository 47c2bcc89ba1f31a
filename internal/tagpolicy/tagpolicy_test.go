package tagpolicy

import (
	"reflect"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	p := Default()
	cases := []struct {
		name string
		tags map[string]string
		in   bool
		near []string
	}{
		{"exact", map[string]string{"macie": "true"}, true, nil},
		{"exact among others", map[string]string{"owner": "a", "macie": "true"}, true, nil},
		{"no tags", nil, false, nil},
		{"false", map[string]string{"macie": "false"}, false, nil},
		{"key case", map[string]string{"Macie": "true"}, false, []string{"Macie=true"}},
		{"value case", map[string]string{"macie": "True"}, false, []string{"macie=True"}},
		{"trailing space", map[string]string{"macie": "true "}, false, []string{"macie=true "}},
		{"leading space key", map[string]string{" macie": "TRUE"}, false, []string{" macie=TRUE"}},
		{"two near misses", map[string]string{"MACIE": "true", "Macie": "True"}, false, []string{"MACIE=true", "Macie=True"}},
		{"other key", map[string]string{"macie-scan": "true"}, false, nil},
		{"exact wins over near", map[string]string{"macie": "true", "Macie": "True"}, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := p.Evaluate(c.tags)
			if v.InScope != c.in || !reflect.DeepEqual(v.NearMisses, c.near) {
				t.Fatalf("Evaluate(%v) = %+v, want in=%v near=%v", c.tags, v, c.in, c.near)
			}
		})
	}
}

func TestCustomPolicy(t *testing.T) {
	p := Policy{Key: "data-class", Value: "Sensitive"}
	if !p.InScope(map[string]string{"data-class": "Sensitive"}) {
		t.Fatal("exact custom tag not in scope")
	}
	if p.InScope(map[string]string{"data-class": "sensitive"}) {
		t.Fatal("case-different value in scope")
	}
	if got := p.Evaluate(map[string]string{"data-class": "sensitive"}).NearMisses; len(got) != 1 {
		t.Fatalf("near misses = %v", got)
	}
}

func TestValidate(t *testing.T) {
	if err := (Policy{Value: "x"}).Validate(); err == nil {
		t.Fatal("empty key accepted")
	}
	if err := (Policy{Key: strings.Repeat("k", 129)}).Validate(); err == nil {
		t.Fatal("long key accepted")
	}
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestWarningNamesEverything(t *testing.T) {
	w := Default().Warning("333333333333", "b1", "Macie=True")
	for _, s := range []string{"333333333333", "b1", "Macie=True", "macie=true"} {
		if !strings.Contains(w, s) {
			t.Fatalf("warning %q lacks %q", w, s)
		}
	}
}
