package findings

import (
	"fmt"
	"slices"
	"strings"
)

// Severity is a finding's severity.description: Low, Medium or High (API Reference,
// Severity.description; sensitive data findings use these three).
type Severity string

// The severities, lowest first.
const (
	Low    Severity = "Low"
	Medium Severity = "Medium"
	High   Severity = "High"
)

var severities = []Severity{Low, Medium, High}

// ParseSeverity reads a severity in any letter case ("LOW", "low", "Low").
func ParseSeverity(s string) (Severity, error) {
	for _, v := range severities {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("severity %q is not LOW, MEDIUM or HIGH", s)
}

// AtLeast reports whether s is min or above.
func (s Severity) AtLeast(min Severity) bool {
	return slices.Index(severities, s) >= slices.Index(severities, min)
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
