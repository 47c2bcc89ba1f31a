package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scenarioFiles lists every scenario file of the repository.
func scenarioFiles(t testing.TB) []string {
	var files []string
	for _, pattern := range []string{"testdata/*.yaml", "*.yaml", "../simulate/testdata/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	return files
}

// FuzzParse feeds the scenario parser arbitrary bytes, starting from every scenario of the
// repository: it must never panic, and whatever it accepts must be a valid scenario.
func FuzzParse(f *testing.F) {
	for _, name := range scenarioFiles(f) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("organization: {managementAccount: '1', regions: [[[]]]}\n"))
	f.Add([]byte("steps: [&a {deliver: {}}, *a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseWithin(t, data, 5*time.Second)
		if err != nil {
			if s != nil || !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
				t.Fatalf("error %q with scenario %v", err, s != nil)
			}
			return
		}
		if err := validate(s); err != nil {
			t.Fatalf("accepted a scenario that does not validate: %v", err)
		}
		for i, st := range s.Steps {
			if st.Line < 1 {
				t.Fatalf("step %d has line %d", i, st.Line)
			}
		}
	})
}

// Hostile files are refused quickly: too large, nested too deeply, or expanding aliases.
func TestParseRefusesHostileInputWithinBounds(t *testing.T) {
	laughs := "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	for c := 'b'; c <= 'h'; c++ {
		prev := string(c - 1)
		laughs += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+",", 9) + "*" + prev + "]\n"
	}
	cases := map[string]string{
		"too large":        strings.Repeat("#", maxSize+1),
		"unclosed nesting": strings.Repeat("[", 100_000),
		"closed nesting":   "steps: " + strings.Repeat("{a: ", 20_000) + strings.Repeat("}", 20_000),
		"alias expansion":  laughs + "steps: [*h]\n",
		"deep blocks":      deepBlocks(5000),
	}
	for name, doc := range cases {
		start := time.Now()
		s, err := Parse("hostile.yaml", []byte(doc))
		if err == nil || s != nil {
			t.Errorf("%s: accepted", name)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: refused after %v", name, d)
		}
	}
}

func deepBlocks(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// parseWithin parses data, failing the test when the parser takes longer than limit.
func parseWithin(t *testing.T, data []byte, limit time.Duration) (*Scenario, error) {
	type result struct {
		s   *Scenario
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := Parse("fuzz.yaml", data)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(limit):
		t.Fatalf("parsing %d bytes took more than %v", len(data), limit)
		return nil, nil
	}
}
