package macie

import (
	"strings"
)

// bucketRef is a bucket of the inventory with its owner and its automated discovery status
// (AutomatedDiscoveryMonitoringStatus).
type bucketRef struct {
	account    string
	monitoring string
	Bucket
}

// bucketID identifies a bucket across accounts.
type bucketID struct{ account, name string }

// id returns b's identity.
func (b bucketRef) id() bucketID { return bucketID{b.account, b.Name} }

// matches reports whether b meets the criteria: every include condition holds (no includes:
// every bucket) and not every exclude condition holds (excludes win; no excludes: none).
func (bc *BucketCriteria) matches(b bucketRef) bool {
	if bc == nil {
		return true
	}
	if bc.Includes != nil && !bc.Includes.all(b) {
		return false
	}
	return bc.Excludes == nil || len(bc.Excludes.And) == 0 || !bc.Excludes.all(b)
}

// all reports whether every condition of the block holds for b.
func (cb *CriteriaBlock) all(b bucketRef) bool {
	for _, cr := range cb.And {
		if !cr.holds(b) {
			return false
		}
	}
	return true
}

// holds evaluates one condition for b.
func (cr Criterion) holds(b bucketRef) bool {
	if sc := cr.SimpleCriterion; sc != nil {
		return compare(sc.Comparator, property(b, sc.Key), sc.Values)
	}
	if tc := cr.TagCriterion; tc != nil {
		return tc.holds(b.Tags)
	}
	return false
}

// holds evaluates a tag condition. Tags match exactly and case-sensitively: macie=true,
// Macie=true and macie=True are three different tags. EQ holds when the bucket has any of the
// pairs; NE when it has none of them.
func (tc *TagCriterion) holds(tags map[string]string) bool {
	found := false
	for _, p := range tc.TagValues {
		if p.matchesAny(tags) {
			found = true
			break
		}
	}
	switch tc.Comparator {
	case "EQ":
		return found
	case "NE":
		return !found
	default:
		return false
	}
}

// matchesAny reports whether one of tags has the pair's key and value; an empty key or value
// in the pair matches any.
func (p TagPair) matchesAny(tags map[string]string) bool {
	for k, v := range tags {
		if (p.Key == "" || p.Key == k) && (p.Value == "" || p.Value == v) {
			return true
		}
	}
	return false
}

// property returns a bucket property as simple criteria name it. The sandbox's buckets are
// never public nor shared.
func property(b bucketRef, k string) string {
	switch k {
	case "ACCOUNT_ID":
		return b.account
	case "S3_BUCKET_NAME":
		return b.Name
	case "S3_BUCKET_EFFECTIVE_PERMISSION":
		return "NOT_PUBLIC"
	case "S3_BUCKET_SHARED_ACCESS":
		return "NOT_SHARED"
	case "AUTOMATED_DISCOVERY_MONITORING_STATUS":
		return b.monitoring
	default:
		return ""
	}
}

// compare applies a comparator to a string: EQ, CONTAINS and STARTS_WITH hold when any value
// matches; NE when none equals.
func compare(comparator, actual string, values []string) bool {
	var test func(string) bool
	switch comparator {
	case "EQ", "NE":
		test = func(v string) bool { return actual == v }
	case "CONTAINS":
		test = func(v string) bool { return strings.Contains(actual, v) }
	case "STARTS_WITH":
		test = func(v string) bool { return strings.HasPrefix(actual, v) }
	default:
		return false
	}
	for _, v := range values {
		if test(v) {
			return comparator != "NE"
		}
	}
	return comparator == "NE"
}
