// Package jobscope holds a classification job's stored definition as Macie reports it
// (DescribeClassificationJob) and evaluates its bucket criteria against a bucket, the way Macie
// does at each run: every include condition must hold, and a bucket that meets every exclude
// condition is left out (excludes win). Tag conditions are exact and case-sensitive.
package jobscope

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Job is a classification job's stored definition and last run.
type Job struct {
	ID     string `json:"jobId"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// Type is ONE_TIME or SCHEDULED; Schedule is DAILY, WEEKLY or MONTHLY for a scheduled job.
	Type     string `json:"jobType"`
	Schedule string `json:"schedule,omitempty"`
	// SamplingPercentage is 100 when Macie reports none.
	SamplingPercentage int32     `json:"samplingPercentage"`
	CreatedAt          time.Time `json:"createdAt"`
	// LastRunTime is zero when the job has not run; LastRunError is Macie's
	// lastRunErrorStatus code (NONE or ERROR).
	LastRunTime  time.Time `json:"lastRunTime"`
	LastRunError string    `json:"lastRunError,omitempty"`
	// ExplicitBuckets is true when the job names its buckets (bucketDefinitions) instead of
	// criteria; Explicit lists them as account/bucket.
	Explicit []string `json:"explicitBuckets,omitempty"`
	Includes []Cond   `json:"includes"`
	Excludes []Cond   `json:"excludes"`
}

// Cond is one condition of bucket criteria: a tag condition (Tags set) or a simple one on a
// property (Key set).
type Cond struct {
	Comparator string    `json:"comparator"`
	Tags       []TagPair `json:"tags,omitempty"`
	Key        string    `json:"key,omitempty"`
	Values     []string  `json:"values,omitempty"`
}

// TagPair is a tag key and value of a tag condition; an empty part matches anything.
type TagPair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Bucket is what the criteria are evaluated on.
type Bucket struct {
	Account string
	Name    string
	Tags    map[string]string
}

// Covers reports whether the job's criteria select the bucket, and if not which condition
// leaves it out.
func (j Job) Covers(b Bucket) (bool, string) {
	if len(j.Explicit) > 0 {
		if slices.Contains(j.Explicit, b.Account+"/"+b.Name) {
			return true, ""
		}
		return false, "not one of the buckets the job names"
	}
	for _, c := range j.Includes {
		if !c.holds(b) {
			return false, "does not meet " + c.String()
		}
	}
	if len(j.Excludes) > 0 && !slices.ContainsFunc(j.Excludes, func(c Cond) bool { return !c.holds(b) }) {
		return false, "excluded by " + j.Excludes[0].String()
	}
	return true, ""
}

// holds evaluates one condition.
func (c Cond) holds(b Bucket) bool {
	if len(c.Tags) > 0 {
		found := slices.ContainsFunc(c.Tags, func(p TagPair) bool { return p.in(b.Tags) })
		return (c.Comparator == "EQ" && found) || (c.Comparator == "NE" && !found)
	}
	return compare(c.Comparator, property(b, c.Key), c.Values)
}

// in reports whether tags hold the pair, exactly.
func (p TagPair) in(tags map[string]string) bool {
	for k, v := range tags {
		if (p.Key == "" || p.Key == k) && (p.Value == "" || p.Value == v) {
			return true
		}
	}
	return false
}

// property is the bucket property a simple condition names. Properties this package does not
// read (e.g. S3_BUCKET_EFFECTIVE_PERMISSION) are empty, so conditions on them do not hold.
func property(b Bucket, key string) string {
	switch key {
	case "ACCOUNT_ID":
		return b.Account
	case "S3_BUCKET_NAME":
		return b.Name
	}
	return ""
}

// compare applies a comparator: EQ, CONTAINS and STARTS_WITH hold when a value matches, NE
// when none equals.
func compare(comparator, actual string, values []string) bool {
	for _, v := range values {
		match := actual == v
		switch comparator {
		case "CONTAINS":
			match = strings.Contains(actual, v)
		case "STARTS_WITH":
			match = strings.HasPrefix(actual, v)
		}
		if match {
			return comparator != "NE"
		}
	}
	return comparator == "NE"
}

// String renders a condition as a person reads it, e.g. tag macie=true or ACCOUNT_ID EQ 1,2.
func (c Cond) String() string {
	if len(c.Tags) > 0 {
		var ts []string
		for _, p := range c.Tags {
			ts = append(ts, p.Key+"="+p.Value)
		}
		op := "tag"
		if c.Comparator == "NE" {
			op = "no tag"
		}
		return op + " " + strings.Join(ts, " or ")
	}
	return fmt.Sprintf("%s %s %s", c.Key, c.Comparator, strings.Join(c.Values, ","))
}

// Diff lists how the stored definition differs from the one the configuration wants; empty
// when it is the wanted job.
func (j Job) Diff(want plan.JobSpec) []string {
	var d []string
	if j.Name != want.Name {
		d = append(d, fmt.Sprintf("name %s, want %s", j.Name, want.Name))
	}
	if j.Type != "SCHEDULED" || j.Schedule != want.Schedule {
		d = append(d, fmt.Sprintf("schedule %s %s, want SCHEDULED %s", j.Type, j.Schedule, want.Schedule))
	}
	if j.SamplingPercentage != want.SamplingPercentage {
		d = append(d, fmt.Sprintf("sampling %d%%, want %d%%", j.SamplingPercentage, want.SamplingPercentage))
	}
	wantInc := []Cond{{Comparator: "EQ", Tags: []TagPair{{Key: want.TagKey, Value: want.TagValue}}}}
	if len(j.Explicit) > 0 || !slices.EqualFunc(j.Includes, wantInc, Cond.equal) {
		d = append(d, fmt.Sprintf("includes %s, want %s", describe(j.Includes, j.Explicit), describe(wantInc, nil)))
	}
	var wantExc []Cond
	if len(want.ExcludedAccounts) > 0 {
		wantExc = []Cond{{Comparator: "EQ", Key: "ACCOUNT_ID", Values: want.ExcludedAccounts}}
	}
	if !slices.EqualFunc(j.Excludes, wantExc, Cond.equal) {
		d = append(d, fmt.Sprintf("excludes %s, want %s", describe(j.Excludes, nil), describe(wantExc, nil)))
	}
	return d
}

// equal compares two conditions, values as sets.
func (c Cond) equal(o Cond) bool {
	a, b := slices.Clone(c.Values), slices.Clone(o.Values)
	slices.Sort(a)
	slices.Sort(b)
	return c.Comparator == o.Comparator && c.Key == o.Key && slices.Equal(c.Tags, o.Tags) && slices.Equal(a, b)
}

func describe(cs []Cond, explicit []string) string {
	if len(explicit) > 0 {
		return "buckets " + strings.Join(explicit, ",")
	}
	if len(cs) == 0 {
		return "nothing"
	}
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, " and ")
}
