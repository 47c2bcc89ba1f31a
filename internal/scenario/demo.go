package scenario

import _ "embed"

//go:embed demo.yaml
var demoYAML []byte

// Demo returns the built-in demo scenario.
func Demo() *Scenario {
	s, err := Parse("demo.yaml", demoYAML)
	if err != nil {
		panic("the built-in demo scenario is invalid: " + err.Error()) // a test keeps it valid
	}
	return s
}

// DemoYAML returns the text of the built-in demo scenario.
func DemoYAML() []byte { return demoYAML }
