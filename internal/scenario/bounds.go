package scenario

import "fmt"

// maxDepth bounds how deeply brackets ([ and {, YAML's flow collections) nest in a scenario. A
// real scenario nests two or three levels; the YAML parser's time grows much faster than linearly
// with the depth (100,000 unclosed brackets took minutes), so deeper input is refused before it
// is parsed.
const maxDepth = 64

// checkDepth refuses data whose brackets nest deeper than maxDepth. It counts every bracket,
// quoted or not: a file can only be refused wrongly by more than maxDepth unbalanced brackets
// inside its strings.
func checkDepth(data []byte) error {
	depth := 0
	for i, b := range data {
		switch b {
		case '[', '{':
			if depth++; depth > maxDepth {
				return fmt.Errorf("brackets nest deeper than %d levels (at byte %d)", maxDepth, i)
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return nil
}
