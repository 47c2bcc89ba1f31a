package macie

import (
	"slices"
	"sort"
	"time"
)

// findingCriteria is FindingCriteria: conditions on finding fields, all of which must hold.
type findingCriteria struct {
	Criterion map[string]findingCondition `json:"criterion"`
}

// findingCondition is CriterionAdditionalProperties.
type findingCondition struct {
	Eq           []string `json:"eq"`
	EqExactMatch []string `json:"eqExactMatch"`
	Neq          []string `json:"neq"`
	Gt           *int64   `json:"gt"`
	Gte          *int64   `json:"gte"`
	Lt           *int64   `json:"lt"`
	Lte          *int64   `json:"lte"`
}

type findingSort struct {
	AttributeName string `json:"attributeName"`
	OrderBy       string `json:"orderBy"`
}

// findingFields are the fields the sandbox can filter, sort and group findings by: text fields
// compare with eq, eqExactMatch and neq; numbers (and times, in milliseconds since the epoch)
// with gt, gte, lt and lte.
var (
	findingText = []string{"accountId", "region", "type", "category", "severity.description",
		"resourcesAffected.s3Bucket.name", "resourcesAffected.s3Object.key", "classificationDetails.jobId",
		"classificationDetails.originType", "archived", "sample"}
	findingNumbers = []string{"count", "severity.score", "createdAt", "updatedAt"}
)

// text returns a text field of f.
func (f *finding) text(field string) string {
	ft := findingTypes[f.category]
	return map[string]string{"accountId": f.account, "region": f.region, "type": ft.typ, "category": "CLASSIFICATION",
		"severity.description": ft.severity, "resourcesAffected.s3Bucket.name": f.bucket,
		"resourcesAffected.s3Object.key": f.key, "classificationDetails.jobId": f.jobID,
		"classificationDetails.originType": f.origin, "archived": "false", "sample": "false"}[field]
}

// number returns a numeric field of f.
func (f *finding) number(field string) int64 {
	switch field {
	case "count":
		return f.count
	case "severity.score":
		return int64(findingTypes[f.category].score)
	case "createdAt":
		return f.createdAt.UnixMilli()
	}
	return f.updatedAt.UnixMilli()
}

// validate checks the criteria's fields.
func (fc *findingCriteria) validate() error {
	for field := range fc.Criterion {
		if !slices.Contains(findingText, field) && !slices.Contains(findingNumbers, field) {
			return validation("findingCriteria field %q is not one the sandbox filters on: %v %v", field, findingText, findingNumbers)
		}
	}
	return nil
}

// holds reports whether f meets every condition.
func (fc *findingCriteria) holds(f *finding) bool {
	for field, c := range fc.Criterion {
		if slices.Contains(findingText, field) {
			v := f.text(field)
			eq := append(slices.Clone(c.Eq), c.EqExactMatch...)
			if len(eq) > 0 && !slices.Contains(eq, v) || slices.Contains(c.Neq, v) {
				return false
			}
			continue
		}
		n := f.number(field)
		if c.Gt != nil && n <= *c.Gt || c.Gte != nil && n < *c.Gte || c.Lt != nil && n >= *c.Lt || c.Lte != nil && n > *c.Lte {
			return false
		}
	}
	return true
}

// visibleFindings returns the findings account may read in region that meet the criteria, in
// creation order: those of its own buckets and, for the administrator, those it produced.
func (s *Service) visibleFindings(account, region string, fc *findingCriteria) []*finding {
	var out []*finding
	for _, f := range s.findings.order {
		if f.region == region && (f.account == account || f.admin == account) && fc.holds(f) {
			out = append(out, f)
		}
	}
	return out
}

// sortFindings sorts by a field (default: creation order).
func sortFindings(fs []*finding, by findingSort) error {
	if by.OrderBy != "" && by.OrderBy != "ASC" && by.OrderBy != "DESC" {
		return validation("sortCriteria.orderBy must be ASC or DESC, not %q", by.OrderBy)
	}
	if by.AttributeName == "" {
		return nil
	}
	var less func(a, b *finding) bool
	switch {
	case slices.Contains(findingNumbers, by.AttributeName):
		less = func(a, b *finding) bool { return a.number(by.AttributeName) < b.number(by.AttributeName) }
	case slices.Contains(findingText, by.AttributeName):
		less = func(a, b *finding) bool { return a.text(by.AttributeName) < b.text(by.AttributeName) }
	default:
		return validation("sortCriteria.attributeName %q is not one the sandbox sorts on", by.AttributeName)
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if by.OrderBy == "DESC" {
			return less(fs[j], fs[i])
		}
		return less(fs[i], fs[j])
	})
	return nil
}

// listFindings is ListFindings (POST /findings): the ids of the findings that meet the
// criteria, in pages of at most 50.
func (s *Service) listFindings(c *call) (any, error) {
	var in struct {
		FindingCriteria findingCriteria `json:"findingCriteria"`
		SortCriteria    findingSort     `json:"sortCriteria"`
		MaxResults      int             `json:"maxResults"`
		NextToken       string          `json:"nextToken"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	if err := in.FindingCriteria.validate(); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 50 {
		return nil, validation("maxResults must be from 1 to 50, not %d", in.MaxResults)
	}
	fs := s.visibleFindings(c.account, c.region, &in.FindingCriteria)
	if err := sortFindings(fs, in.SortCriteria); err != nil {
		return nil, err
	}
	items, next, err := page(fs, in.NextToken, in.MaxResults, s.limit(50))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(items))
	for _, f := range items {
		ids = append(ids, f.id)
	}
	return map[string]any{"findingIds": ids, "nextToken": optional(next)}, nil
}

// getFindings is GetFindings (POST /findings/describe): the findings with the given ids (1 to
// 50) that the caller may read; ids it cannot read are left out.
func (s *Service) getFindings(c *call) (any, error) {
	var in struct {
		FindingIDs   []string    `json:"findingIds"`
		SortCriteria findingSort `json:"sortCriteria"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	if len(in.FindingIDs) == 0 || len(in.FindingIDs) > 50 {
		return nil, validation("findingIds needs 1 to 50 ids, not %d", len(in.FindingIDs))
	}
	var fs []*finding
	for _, id := range in.FindingIDs {
		if f := s.findings.byID[id]; f != nil && f.region == c.region && (f.account == c.account || f.admin == c.account) {
			fs = append(fs, f)
		}
	}
	if err := sortFindings(fs, in.SortCriteria); err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.json())
	}
	return map[string]any{"findings": out}, nil
}

// groupKeys are the GroupBy values of GetFindingStatistics.
var groupKeys = []string{"resourcesAffected.s3Bucket.name", "type", "classificationDetails.jobId", "severity.description"}

// getFindingStatistics is GetFindingStatistics (POST /findings/statistics): the number of
// findings per value of groupBy, largest first unless sorted otherwise, at most size groups.
func (s *Service) getFindingStatistics(c *call) (any, error) {
	var in struct {
		FindingCriteria findingCriteria `json:"findingCriteria"`
		GroupBy         string          `json:"groupBy"`
		Size            int             `json:"size"`
		SortCriteria    findingSort     `json:"sortCriteria"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	if !slices.Contains(groupKeys, in.GroupBy) {
		return nil, validation("groupBy must be one of %v, not %q", groupKeys, in.GroupBy)
	}
	if err := in.FindingCriteria.validate(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, f := range s.visibleFindings(c.account, c.region, &in.FindingCriteria) {
		counts[f.text(in.GroupBy)]++
	}
	groups := make([]map[string]any, 0, len(counts))
	for k, n := range counts {
		groups = append(groups, map[string]any{"groupKey": k, "count": n})
	}
	if err := sortGroups(groups, in.SortCriteria); err != nil {
		return nil, err
	}
	if in.Size > 0 && in.Size < len(groups) {
		groups = groups[:in.Size]
	}
	return map[string]any{"countsByGroup": groups}, nil
}

// sortGroups sorts statistics by count (default, descending) or groupKey, ties by key.
func sortGroups(groups []map[string]any, by findingSort) error {
	if by.AttributeName != "" && by.AttributeName != "count" && by.AttributeName != "groupKey" {
		return validation("sortCriteria.attributeName must be count or groupKey, not %q", by.AttributeName)
	}
	desc := by.OrderBy == "DESC" || by.OrderBy == "" && by.AttributeName != "groupKey"
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if by.AttributeName != "groupKey" && a["count"] != b["count"] {
			return (a["count"].(int64) < b["count"].(int64)) != desc
		}
		return (a["groupKey"].(string) < b["groupKey"].(string)) != (desc && by.AttributeName == "groupKey")
	})
	return nil
}

// getUsageStatistics is GetUsageStatistics (POST /usage/statistics): per account the caller may
// see (itself and, for the administrator, every account that has been its member), the estimated
// cost per usage type over the time range, from the metering records. filterBy takes accountId
// (EQ or NE); sortBy accountId or total.
func (s *Service) getUsageStatistics(c *call) (any, error) {
	var in struct {
		FilterBy []struct {
			Comparator string   `json:"comparator"`
			Key        string   `json:"key"`
			Values     []string `json:"values"`
		} `json:"filterBy"`
		SortBy struct {
			Key     string `json:"key"`
			OrderBy string `json:"orderBy"`
		} `json:"sortBy"`
		TimeRange  string `json:"timeRange"`
		MaxResults int    `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	if in.TimeRange == "" {
		in.TimeRange = "PAST_30_DAYS"
	}
	since, err := rangeStart(in.TimeRange, s.now())
	if err != nil {
		return nil, err
	}
	accounts := s.billedAccounts(c.account, c.region)
	for _, f := range in.FilterBy {
		if f.Key != "accountId" || (f.Comparator != "EQ" && f.Comparator != "NE") {
			return nil, validation("filterBy supports key accountId with EQ or NE, not %s %s", f.Key, f.Comparator)
		}
		accounts = slices.DeleteFunc(accounts, func(a string) bool { return slices.Contains(f.Values, a) != (f.Comparator == "EQ") })
	}
	records, totals := s.usageRecords(accounts, c.region, since)
	if err := sortRecords(records, totals, in.SortBy.Key, in.SortBy.OrderBy); err != nil {
		return nil, err
	}
	items, next, err := page(records, in.NextToken, in.MaxResults, s.limit(maxPage))
	if err != nil {
		return nil, err
	}
	return map[string]any{"records": nonNil(items), "timeRange": in.TimeRange, "nextToken": optional(next)}, nil
}

// usageRecords renders one UsageRecord per account, and each account's total.
func (s *Service) usageRecords(accounts []string, region string, since time.Time) ([]map[string]any, map[string]float64) {
	records := make([]map[string]any, 0, len(accounts))
	totals := map[string]float64{}
	for _, a := range accounts {
		costs := s.usageSince([]string{a}, region, since)
		usage := make([]map[string]any, 0, len(usageTypes))
		for _, t := range usageTypes {
			u := map[string]any{"type": t, "currency": "USD", "estimatedCost": decimal(costs[t])}
			if t == "SENSITIVE_DATA_DISCOVERY" {
				u["serviceLimit"] = map[string]any{"isServiceLimited": false, "unit": "TERABYTES", "value": 5}
			}
			usage = append(usage, u)
			totals[a] += costs[t]
		}
		records = append(records, map[string]any{"accountId": a, "usage": usage})
	}
	return records, totals
}

// sortRecords sorts usage records by accountId (default) or total.
func sortRecords(records []map[string]any, totals map[string]float64, by, order string) error {
	if by != "" && by != "accountId" && by != "total" {
		return validation("sortBy.key supports accountId or total, not %q", by)
	}
	less := func(a, b string) bool {
		if by == "total" && totals[a] != totals[b] {
			return totals[a] < totals[b]
		}
		return a < b
	}
	sort.SliceStable(records, func(i, j int) bool {
		a, b := records[i]["accountId"].(string), records[j]["accountId"].(string)
		if order == "DESC" {
			return less(b, a)
		}
		return less(a, b)
	})
	return nil
}
