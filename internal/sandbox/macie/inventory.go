package macie

import (
	"slices"
	"sort"
)

// searchKeys are the SearchResourcesSimpleCriterionKey values.
var searchKeys = append(slices.Clone(simpleKeys), "AUTOMATED_DISCOVERY_MONITORING_STATUS")

var searchSortKeys = []string{"ACCOUNT_ID", "RESOURCE_NAME", "S3_CLASSIFIABLE_OBJECT_COUNT", "S3_CLASSIFIABLE_SIZE_IN_BYTES"}

// searchInput is SearchResourcesRequest.
type searchInput struct {
	BucketCriteria *BucketCriteria `json:"bucketCriteria"`
	SortCriteria   struct {
		AttributeName string `json:"attributeName"`
		OrderBy       string `json:"orderBy"`
	} `json:"sortCriteria"`
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// searchResources is SearchResources (POST /datasources/search-resources): the caller's bucket
// inventory (its own buckets and, for the administrator, those of its Enabled members) as of the
// latest refresh (schedule.go), filtered by bucketCriteria (EQ/NE).
func (s *Service) searchResources(c *call) (any, error) {
	var in searchInput
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	if in.BucketCriteria != nil {
		if err := in.BucketCriteria.validate(searchKeys, searchComparators); err != nil {
			return nil, err
		}
	}
	max, err := bodyMaxResults(in.MaxResults)
	if err != nil {
		return nil, err
	}
	var found []bucketRef
	for _, b := range s.inventory(c.account, c.region) {
		if in.BucketCriteria.matches(b) {
			found = append(found, b)
		}
	}
	if err := sortBuckets(found, in.SortCriteria.AttributeName, in.SortCriteria.OrderBy); err != nil {
		return nil, err
	}
	items, next, err := page(found, in.NextToken, max, s.pageSize)
	if err != nil {
		return nil, err
	}
	jobs := s.jobs[key{c.account, c.region}]
	var out []map[string]any
	for _, b := range items {
		out = append(out, map[string]any{"matchingBucket": matchingBucket(b, jobs)})
	}
	return map[string]any{"matchingResources": nonNil(out), "nextToken": optional(next)}, nil
}

// sortBuckets sorts by the SearchResources sort attribute (default: account, then name).
func sortBuckets(bs []bucketRef, attribute, order string) error {
	if attribute != "" && !slices.Contains(searchSortKeys, attribute) {
		return validation("sortCriteria.attributeName %q is not one of %v", attribute, searchSortKeys)
	}
	if order != "" && order != "ASC" && order != "DESC" {
		return validation("sortCriteria.orderBy must be ASC or DESC, not %q", order)
	}
	less := func(a, b bucketRef) int {
		switch attribute {
		case "RESOURCE_NAME":
			return compareStrings(a.Name, b.Name)
		case "S3_CLASSIFIABLE_OBJECT_COUNT":
			return compareInts(a.ObjectCount, b.ObjectCount)
		case "S3_CLASSIFIABLE_SIZE_IN_BYTES":
			return compareInts(a.SizeBytes, b.SizeBytes)
		}
		return compareStrings(a.account, b.account)
	}
	sort.SliceStable(bs, func(i, j int) bool {
		d := less(bs[i], bs[j])
		if order == "DESC" {
			d = -d
		}
		return d < 0
	})
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// matchingBucket renders b as the model's MatchingBucket, with jobDetails.
func matchingBucket(b bucketRef, jobs []*Job) map[string]any {
	return map[string]any{
		"accountId":                          b.account,
		"bucketName":                         b.Name,
		"classifiableObjectCount":            b.ObjectCount,
		"classifiableSizeInBytes":            b.SizeBytes,
		"objectCount":                        b.ObjectCount,
		"sizeInBytes":                        b.SizeBytes,
		"sizeInBytesCompressed":              0,
		"automatedDiscoveryMonitoringStatus": b.monitoring,
		"jobDetails":                         jobDetails(b, jobs),
	}
}

// jobDetails is the API's JobDetails of a bucket (API Reference, JobDetails): isDefinedInJob when
// a job that is not cancelled names the bucket in its bucketDefinitions, or the bucket matched
// the bucketCriteria of a job that has run; isMonitoredByJob when a recurring job that is not
// cancelled names or matches it; lastJobId and lastJobRunTime from the job that ran most recently
// and covers the bucket (absent when none has run).
func jobDetails(b bucketRef, jobs []*Job) map[string]any {
	defined, monitored, last := "FALSE", "FALSE", (*Job)(nil)
	for _, j := range jobs {
		if len(j.covers([]bucketRef{b})) == 0 {
			continue
		}
		explicit := j.S3JobDefinition != nil && len(j.S3JobDefinition.BucketDefinitions) > 0
		if explicit && j.JobStatus != JobCancelled || !explicit && j.Runs > 0 {
			defined = "TRUE"
		}
		if j.JobType == JobTypeScheduled && j.JobStatus != JobCancelled {
			monitored = "TRUE"
		}
		if j.Runs > 0 && (last == nil || j.LastRunTime.After(last.LastRunTime)) {
			last = j
		}
	}
	details := map[string]any{"isDefinedInJob": defined, "isMonitoredByJob": monitored}
	if last != nil {
		details["lastJobId"] = last.JobID
		details["lastJobRunTime"] = timestamp(last.LastRunTime)
	}
	return details
}
