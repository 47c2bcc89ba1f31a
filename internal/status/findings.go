package status

import (
	"fmt"
	"strings"
	"time"
)

// Findings counts the sensitive data findings of one bucket, as Macie holds them in the
// administrator account.
type Findings struct {
	Low      int       `json:"low"`
	Medium   int       `json:"medium"`
	High     int       `json:"high"`
	LastSeen time.Time `json:"lastSeen"`
}

// BucketFindings are the findings of a bucket of an account in a Region.
type BucketFindings struct {
	Account, Region, Bucket string
	Findings
}

// findingsOf indexes the findings by account, Region and bucket.
func findingsOf(in []BucketFindings) map[[3]string]Findings {
	out := make(map[[3]string]Findings, len(in))
	for _, b := range in {
		out[[3]string{b.Account, b.Region, b.Bucket}] = b.Findings
	}
	return out
}

// note renders "findings: 2 high, 1 low, last 2026-11-30T10:00:00Z".
func (f Findings) note() string {
	var parts []string
	for _, c := range []struct {
		n    int
		name string
	}{{f.High, "high"}, {f.Medium, "medium"}, {f.Low, "low"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	return "findings: " + strings.Join(parts, ", ") + ", last " + f.LastSeen.UTC().Format(time.RFC3339)
}
