// Package tagpolicy decides which buckets are in scope for scanning.
//
// The match is exact and case-sensitive, because that is how the tag criterion of a Macie
// classification job matches: a bucket is in scope if and only if the job will scan it. Tags that
// differ from the wanted one only in case or surrounding spaces are near-misses: not in scope, but
// worth a warning, since the team that set them almost certainly meant to opt in.
package tagpolicy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Default tag key and value.
const (
	DefaultKey   = "macie"
	DefaultValue = "true"
)

// Policy is the tag that puts a bucket in scope.
type Policy struct {
	Key   string `json:"tagKey"`
	Value string `json:"tagValue"`
}

// Default returns the policy macie=true.
func Default() Policy { return Policy{Key: DefaultKey, Value: DefaultValue} }

// Validate rejects a policy that no bucket could match.
func (p Policy) Validate() error {
	if p.Key == "" {
		return errors.New("tag key must not be empty")
	}
	if len(p.Key) > 128 || len(p.Value) > 256 {
		return errors.New("tag key must be at most 128 characters and value at most 256")
	}
	return nil
}

// String renders the policy as key=value.
func (p Policy) String() string { return p.Key + "=" + p.Value }

// Verdict is what the policy says of one bucket's tag set.
type Verdict struct {
	InScope bool
	// NearMisses lists the tags, as key=value, that look like the wanted tag but do not match.
	NearMisses []string
}

// Evaluate applies the policy to a bucket's tags.
func (p Policy) Evaluate(tags map[string]string) Verdict {
	var v Verdict
	if value, ok := tags[p.Key]; ok && value == p.Value {
		v.InScope = true
		return v
	}
	for k, val := range tags {
		if p.near(k, val) {
			v.NearMisses = append(v.NearMisses, k+"="+val)
		}
	}
	sort.Strings(v.NearMisses)
	return v
}

// InScope reports whether tags put a bucket in scope.
func (p Policy) InScope(tags map[string]string) bool { return p.Evaluate(tags).InScope }

// near reports whether k=v equals the wanted tag once case and surrounding spaces are ignored.
func (p Policy) near(k, v string) bool {
	return norm(k) == norm(p.Key) && norm(v) == norm(p.Value)
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Warning explains a near-miss for one bucket.
func (p Policy) Warning(account, bucket, found string) string {
	return fmt.Sprintf("account %s bucket %s: tag %q is not %q (tags match exactly and are case-sensitive), so the bucket is not scanned",
		account, bucket, found, p.String())
}
