package scenario

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxSize bounds a scenario file.
const maxSize = 4 << 20

// Load reads and validates a scenario file.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and validates a scenario. Errors name the file, the line and what is wrong.
func Parse(name string, data []byte) (*Scenario, error) {
	if len(data) > maxSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxSize)
	}
	if err := checkDepth(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("%s:%s", name, oneLine(err))
	}
	var s Scenario
	if err := decode(data, &s); err != nil {
		return nil, fmt.Errorf("%s:%s", name, oneLine(err))
	}
	setStepLines(file, s.Steps)
	if err := validate(&s); err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", name, lineOf(file, pe.path), pe.msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// decode unmarshals strictly. The YAML library panics on some malformed input (a tag where a
// sequence belongs, found by fuzzing); that is an error in the input, reported as such.
func decode(data []byte, s *Scenario) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed YAML the reader cannot decode (%v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, s, yaml.DisallowUnknownField(), yaml.Strict())
}

// pathError is a validation error at a YAML path such as $.steps[2].putTags.
type pathError struct{ path, msg string }

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func errAt(path, format string, args ...any) error {
	return &pathError{path: path, msg: fmt.Sprintf(format, args...)}
}

// lineOf returns the line of the node at path. When it is absent (a required field left out),
// it returns the line of the nearest parent that exists: the line of its key for a mapping, of
// its first character for a sequence item.
func lineOf(f *ast.File, path string) int {
	if n := nodeAt(f, path); n != nil {
		return n.GetToken().Position.Line
	}
	for p := parent(path); p != "$" && p != ""; p = parent(p) {
		if line := keyLine(f, p); line > 0 {
			return line
		}
		if n := nodeAt(f, p); n != nil {
			return n.GetToken().Position.Line
		}
	}
	return 1
}

// setStepLines sets where each step starts, reading the steps' sequence once (a path query
// per step would cost time quadratic in the number of steps).
func setStepLines(f *ast.File, steps []Step) {
	seq, ok := nodeAt(f, "$.steps").(*ast.SequenceNode)
	for i := range steps {
		if ok && i < len(seq.Values) && seq.Values[i] != nil && seq.Values[i].GetToken() != nil {
			steps[i].Line = seq.Values[i].GetToken().Position.Line
		} else {
			steps[i].Line = lineOf(f, fmt.Sprintf("$.steps[%d]", i))
		}
	}
}

// nodeAt returns the node at path, nil when there is none.
func nodeAt(f *ast.File, path string) ast.Node {
	yp, err := yaml.PathString(path)
	if err != nil {
		return nil
	}
	if n, err := yp.FilterFile(f); err == nil && n != nil && n.GetToken() != nil {
		return n
	}
	return nil
}

// keyLine returns the line of the mapping key that path ends in, 0 when path does not end in a
// key or the key is not there.
func keyLine(f *ast.File, path string) int {
	i := strings.LastIndex(path, ".")
	if i < 0 || strings.HasSuffix(path, "]") {
		return 0
	}
	var values []*ast.MappingValueNode
	switch m := mappingAt(f, path[:i]).(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	}
	for _, v := range values {
		if v.Key != nil && v.Key.GetToken() != nil && v.Key.GetToken().Value == path[i+1:] {
			return v.Key.GetToken().Position.Line
		}
	}
	return 0
}

// mappingAt returns the node at path, the document's body for the root.
func mappingAt(f *ast.File, path string) ast.Node {
	if path != "$" {
		return nodeAt(f, path)
	}
	if len(f.Docs) == 0 || f.Docs[0] == nil {
		return nil
	}
	return f.Docs[0].Body
}

func parent(p string) string {
	if i := strings.LastIndexAny(p, ".["); i > 0 {
		return p[:i]
	}
	return "$"
}

var posRE = regexp.MustCompile(`^\[(\d+):(\d+)\]\s*`)

// oneLine keeps the first line of a YAML library error and turns its "[line:col] " prefix into
// "line:col: ".
func oneLine(err error) string {
	msg, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	if m := posRE.FindStringSubmatch(msg); m != nil {
		return m[1] + ":" + m[2] + ": " + msg[len(m[0]):]
	}
	return " " + msg
}
