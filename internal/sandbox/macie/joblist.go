package macie

import (
	"slices"
	"sort"

	"time"

	smithytime "github.com/aws/smithy-go/time"
)

// listJobsInput is ListClassificationJobsRequest.
type listJobsInput struct {
	FilterCriteria struct {
		Includes []filterTerm `json:"includes"`
		Excludes []filterTerm `json:"excludes"`
	} `json:"filterCriteria"`
	SortCriteria struct {
		AttributeName string `json:"attributeName"`
		OrderBy       string `json:"orderBy"`
	} `json:"sortCriteria"`
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// filterTerm is ListJobsFilterTerm.
type filterTerm struct {
	Comparator string   `json:"comparator"`
	Key        string   `json:"key"`
	Values     []string `json:"values"`
}

var (
	filterKeys = []string{"jobType", "jobStatus", "createdAt", "name"}
	sortKeys   = []string{"createdAt", "jobStatus", "name", "jobType"}
)

// listClassificationJobs is ListClassificationJobs (POST /jobs/list). A job is listed when every
// include term holds and no exclude term does. Sorted by sortCriteria (default createdAt ASC),
// then by creation order.
func (s *Service) listClassificationJobs(c *call) (any, error) {
	var in listJobsInput
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	max, err := bodyMaxResults(in.MaxResults)
	if err != nil {
		return nil, err
	}
	jobs, err := s.filterJobs(s.jobs[key{c.account, c.region}], in)
	if err != nil {
		return nil, err
	}
	if err := sortJobs(jobs, in.SortCriteria.AttributeName, in.SortCriteria.OrderBy); err != nil {
		return nil, err
	}
	items, next, err := page(jobs, in.NextToken, max, s.pageSize)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, j := range items {
		out = append(out, jobSummary(j))
	}
	return map[string]any{"items": nonNil(out), "nextToken": optional(next)}, nil
}

// filterJobs keeps the jobs that pass the filter criteria.
func (s *Service) filterJobs(all []*Job, in listJobsInput) ([]*Job, error) {
	for _, t := range append(slices.Clone(in.FilterCriteria.Includes), in.FilterCriteria.Excludes...) {
		if err := t.validate(); err != nil {
			return nil, err
		}
	}
	var out []*Job
	for _, j := range all {
		if allTerms(in.FilterCriteria.Includes, j) && !anyTerm(in.FilterCriteria.Excludes, j) {
			out = append(out, j)
		}
	}
	return out, nil
}

func allTerms(terms []filterTerm, j *Job) bool {
	for _, t := range terms {
		if !t.holds(j) {
			return false
		}
	}
	return true
}

func anyTerm(terms []filterTerm, j *Job) bool {
	for _, t := range terms {
		if t.holds(j) {
			return true
		}
	}
	return false
}

// validate checks a filter term's key, comparator and values.
func (t filterTerm) validate() error {
	if !slices.Contains(filterKeys, t.Key) {
		return validation("filter key %q is not one of %v", t.Key, filterKeys)
	}
	if len(t.Values) == 0 {
		return validation("filter values must not be empty")
	}
	if t.Key != "createdAt" {
		if !slices.Contains(jobComparators, t.Comparator) {
			return validation("comparator %q does not apply to %s", t.Comparator, t.Key)
		}
		return nil
	}
	for _, v := range t.Values {
		if _, err := smithytime.ParseDateTime(v); err != nil {
			return validation("createdAt value %q is not an ISO 8601 date-time", v)
		}
	}
	return nil
}

// holds evaluates a filter term for j.
func (t filterTerm) holds(j *Job) bool {
	switch t.Key {
	case "name":
		return compare(t.Comparator, j.Name, t.Values)
	case "jobStatus":
		return compare(t.Comparator, j.JobStatus, t.Values)
	case "jobType":
		return compare(t.Comparator, j.JobType, t.Values)
	case "createdAt":
		return compareTime(t.Comparator, j.CreatedAt, t.Values)
	}
	return false
}

// compareTime applies a comparator to a time; it holds when it holds for any value.
func compareTime(comparator string, at time.Time, values []string) bool {
	for _, v := range values {
		ref, err := smithytime.ParseDateTime(v)
		if err != nil {
			continue
		}
		d := at.Compare(ref)
		ok := map[string]bool{"EQ": d == 0, "NE": d != 0, "GT": d > 0, "GTE": d >= 0, "LT": d < 0, "LTE": d <= 0}[comparator]
		if ok {
			return true
		}
	}
	return false
}

// sortJobs sorts jobs in place by attribute and order, creation order breaking ties.
func sortJobs(jobs []*Job, attribute, order string) error {
	if attribute == "" {
		attribute = "createdAt"
	}
	if !slices.Contains(sortKeys, attribute) {
		return validation("sortCriteria.attributeName %q is not one of %v", attribute, sortKeys)
	}
	if order != "" && order != "ASC" && order != "DESC" {
		return validation("sortCriteria.orderBy must be ASC or DESC, not %q", order)
	}
	attr := func(j *Job) string {
		return map[string]string{"createdAt": timestamp(j.CreatedAt), "jobStatus": j.JobStatus,
			"name": j.Name, "jobType": j.JobType}[attribute]
	}
	sort.SliceStable(jobs, func(a, b int) bool {
		x, y := attr(jobs[a]), attr(jobs[b])
		if x == y {
			return jobs[a].seq < jobs[b].seq
		}
		return (x < y) != (order == "DESC")
	})
	return nil
}

// jobSummary renders j as the model's JobSummary, with the lastRunErrorStatus of its latest run
// (runFailed), as DescribeClassificationJob reports it.
func jobSummary(j *Job) map[string]any {
	def := j.clone().JobDefinition
	out := map[string]any{
		"jobId":              j.JobID,
		"jobStatus":          j.JobStatus,
		"jobType":            j.JobType,
		"name":               j.Name,
		"createdAt":          timestamp(j.CreatedAt),
		"lastRunErrorStatus": j.lastRunError(),
	}
	if d := def.S3JobDefinition; d != nil && d.BucketCriteria != nil {
		out["bucketCriteria"] = d.BucketCriteria
	}
	if d := def.S3JobDefinition; d != nil && len(d.BucketDefinitions) > 0 {
		out["bucketDefinitions"] = d.BucketDefinitions
	}
	if p := j.pausedDetails(); p != nil {
		out["userPausedDetails"] = p
	}
	return out
}
