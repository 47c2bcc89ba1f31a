package macie

import (
	"slices"
	"strings"
)

// describeBucketsInput is DescribeBucketsRequest.
type describeBucketsInput struct {
	Criteria     map[string]bucketCondition `json:"criteria"`
	SortCriteria struct {
		AttributeName string `json:"attributeName"`
		OrderBy       string `json:"orderBy"`
	} `json:"sortCriteria"`
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// bucketCondition is BucketCriteriaAdditionalProperties.
type bucketCondition struct {
	Eq     []string `json:"eq"`
	Neq    []string `json:"neq"`
	Prefix string   `json:"prefix"`
	Gt     *int64   `json:"gt"`
	Gte    *int64   `json:"gte"`
	Lt     *int64   `json:"lt"`
	Lte    *int64   `json:"lte"`
}

// describeKeys are the bucket properties DescribeBuckets criteria and sorting can name in the
// sandbox; the API has more (encryption, public access, ...), which the sandbox's buckets lack.
var (
	describeTextKeys   = []string{"accountId", "bucketName"}
	describeNumberKeys = []string{"objectCount", "sizeInBytes", "classifiableObjectCount", "classifiableSizeInBytes"}
)

// describeBuckets is DescribeBuckets (POST /datasources/s3): the caller's bucket inventory (the
// latest snapshot, like SearchResources) filtered by criteria, with each bucket's tags, sizes,
// jobDetails and automated discovery status. Pages of at most 50 (the API's maximum).
func (s *Service) describeBuckets(c *call) (any, error) {
	var in describeBucketsInput
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	for k := range in.Criteria {
		if !slices.Contains(describeTextKeys, k) && !slices.Contains(describeNumberKeys, k) {
			return nil, validation("criteria key %q is not one of %v", k, append(slices.Clone(describeTextKeys), describeNumberKeys...))
		}
	}
	if in.MaxResults < 0 || in.MaxResults > 50 {
		return nil, validation("maxResults must be from 1 to 50, not %d", in.MaxResults)
	}
	var found []bucketRef
	for _, b := range s.inventory(c.account, c.region) {
		if bucketMeets(b, in.Criteria) {
			found = append(found, b)
		}
	}
	if err := sortDescribed(found, in.SortCriteria.AttributeName, in.SortCriteria.OrderBy); err != nil {
		return nil, err
	}
	items, next, err := page(found, in.NextToken, in.MaxResults, s.limit(50))
	if err != nil {
		return nil, err
	}
	jobs := s.jobs[key{c.account, c.region}]
	out := make([]map[string]any, 0, len(items))
	for _, b := range items {
		out = append(out, s.bucketMetadata(b, c.region, jobs))
	}
	return map[string]any{"buckets": out, "nextToken": optional(next)}, nil
}

// bucketMeets reports whether b meets every condition.
func bucketMeets(b bucketRef, criteria map[string]bucketCondition) bool {
	for k, cond := range criteria {
		if slices.Contains(describeTextKeys, k) {
			v := map[string]string{"accountId": b.account, "bucketName": b.Name}[k]
			if len(cond.Eq) > 0 && !slices.Contains(cond.Eq, v) || slices.Contains(cond.Neq, v) || !strings.HasPrefix(v, cond.Prefix) {
				return false
			}
			continue
		}
		n := numberOf(b, k)
		if cond.Gt != nil && n <= *cond.Gt || cond.Gte != nil && n < *cond.Gte ||
			cond.Lt != nil && n >= *cond.Lt || cond.Lte != nil && n > *cond.Lte {
			return false
		}
	}
	return true
}

// numberOf returns a numeric bucket property (every object counts as classifiable).
func numberOf(b bucketRef, k string) int64 {
	if strings.HasSuffix(strings.ToLower(k), "objectcount") {
		return b.ObjectCount
	}
	return b.SizeBytes
}

// sortDescribed sorts by a DescribeBuckets sort attribute (default: account, then name).
func sortDescribed(bs []bucketRef, attribute, order string) error {
	if order != "" && order != "ASC" && order != "DESC" {
		return validation("sortCriteria.orderBy must be ASC or DESC, not %q", order)
	}
	var less func(a, b bucketRef) int
	switch {
	case attribute == "" || attribute == "accountId":
		less = func(a, b bucketRef) int { return compareStrings(a.account+"/"+a.Name, b.account+"/"+b.Name) }
	case attribute == "bucketName":
		less = func(a, b bucketRef) int { return compareStrings(a.Name, b.Name) }
	case slices.Contains(describeNumberKeys, attribute):
		less = func(a, b bucketRef) int { return compareInts(numberOf(a, attribute), numberOf(b, attribute)) }
	default:
		return validation("sortCriteria.attributeName %q is not one of accountId, bucketName, %v", attribute, describeNumberKeys)
	}
	slices.SortStableFunc(bs, func(a, b bucketRef) int {
		if order == "DESC" {
			return -less(a, b)
		}
		return less(a, b)
	})
	return nil
}

// bucketMetadata renders b as the API's BucketMetadata.
func (s *Service) bucketMetadata(b bucketRef, region string, jobs []*Job) map[string]any {
	tags := make([]map[string]string, 0, len(b.Tags))
	for _, k := range sortedKeys(b.Tags) {
		tags = append(tags, map[string]string{"key": k, "value": b.Tags[k]})
	}
	out := map[string]any{
		"accountId":                          b.account,
		"bucketArn":                          "arn:aws:s3:::" + b.Name,
		"bucketName":                         b.Name,
		"region":                             region,
		"tags":                               tags,
		"objectCount":                        b.ObjectCount,
		"classifiableObjectCount":            b.ObjectCount,
		"classifiableSizeInBytes":            b.SizeBytes,
		"sizeInBytes":                        b.SizeBytes,
		"sizeInBytesCompressed":              0,
		"sharedAccess":                       "NOT_SHARED",
		"versioning":                         false,
		"automatedDiscoveryMonitoringStatus": b.monitoring,
		"jobDetails":                         jobDetails(b, jobs),
	}
	if t, ok := s.snapshotAt[key{b.account, region}]; ok {
		out["lastUpdated"] = timestamp(t)
	}
	if t, ok := s.discovered[key{b.account, region}]; ok {
		out["lastAutomatedDiscoveryTime"] = timestamp(t)
	}
	return out
}

// monitoringStatus is AutomatedDiscoveryMonitoringStatus: MONITORED where automated discovery
// runs for the bucket's account.
func (s *Service) monitoringStatus(account, region string) string {
	if s.discoveryEnabled(account, region) {
		return "MONITORED"
	}
	return "NOT_MONITORED"
}
