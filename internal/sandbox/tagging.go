package sandbox

import (
	"maps"
	"net/http"
	"slices"
)

// getResourcesInput is the request of tagging:GetResources.
type getResourcesInput struct {
	PaginationToken     string
	TagFilters          []tagFilter
	ResourcesPerPage    int
	ResourceTypeFilters []string
	ResourceARNList     []string
}

// tagFilter selects resources with the key and, when Values is not empty, one of the values.
type tagFilter struct {
	Key    string
	Values []string
}

// tagJSON is a tag in the JSON protocols.
type tagJSON struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// resourceTagMapping is one resource of GetResources.
type resourceTagMapping struct {
	ResourceARN string    `json:"ResourceARN"`
	Tags        []tagJSON `json:"Tags"`
}

func (s *Sandbox) serveTagging(c *call, op string) {
	if op != "GetResources" {
		c.fail(unknownOperation(c))
		return
	}
	if e := s.getResources(c); e != nil {
		c.fail(e)
	}
}

// getResources lists the caller's S3 buckets in the signing Region that are tagged or were
// once tagged (those with an empty tag list, and only when no TagFilters are given), as AWS
// documents, as tag reads see them (lagging behind writes when a tag read lag is set). Filters AND together; the values of one filter OR together.
func (s *Sandbox) getResources(c *call) *apiError {
	var in getResourcesInput
	if e := decodeJSON(c, &in); e != nil {
		return e
	}
	if e := checkGetResources(in); e != nil {
		return e
	}
	arns := map[string]bool{}
	for _, a := range in.ResourceARNList {
		arns[a] = true
	}
	bs := s.world.readBucketsWhere(c.who.Account, s.now(), func(b *bucketState) bool {
		if b.Region != c.region || !wantsBuckets(in.ResourceTypeFilters) {
			return false
		}
		if len(arns) > 0 && !arns["arn:aws:s3:::"+b.Name] {
			return false
		}
		if len(in.TagFilters) == 0 {
			return len(b.Tags) > 0 || b.everTagged
		}
		return matchesAll(b.Tags, in.TagFilters)
	})
	// AWS documents no default for ResourcesPerPage; the sandbox uses the maximum, 100.
	page, next, err := paginate(bs, func(b bucketState) string { return b.Name }, in.PaginationToken, s.pageSize(in.ResourcesPerPage, 100))
	if err != nil {
		return newAPIError("InvalidParameterException", http.StatusBadRequest, "The pagination token is not valid.")
	}
	out := make([]resourceTagMapping, 0, len(page))
	for _, b := range page {
		tags := make([]tagJSON, 0, len(b.Tags))
		for _, k := range slices.Sorted(maps.Keys(b.Tags)) {
			tags = append(tags, tagJSON{Key: k, Value: b.Tags[k]})
		}
		out = append(out, resourceTagMapping{ResourceARN: "arn:aws:s3:::" + b.Name, Tags: tags})
	}
	writeJSONOK(c, map[string]any{"PaginationToken": next, "ResourceTagMappingList": out})
	return nil
}

// checkGetResources applies the documented limits of GetResources.
func checkGetResources(in getResourcesInput) *apiError {
	bad := func(msg string) *apiError {
		return newAPIError("InvalidParameterException", http.StatusBadRequest, "%s", msg)
	}
	switch {
	case in.ResourcesPerPage < 0 || in.ResourcesPerPage > 100:
		return bad("ResourcesPerPage must be between 1 and 100.")
	case len(in.TagFilters) > 50:
		return bad("TagFilters can have at most 50 keys.")
	case len(in.TagFilters) > 0 && len(in.ResourceARNList) > 0:
		return bad("You can't specify both TagFilters and ResourceARNList.")
	}
	for _, f := range in.TagFilters {
		if f.Key == "" || len(f.Values) > 20 {
			return bad("Each TagFilter needs a Key and at most 20 Values.")
		}
	}
	return nil
}

// wantsBuckets reports whether the resource type filters select S3 buckets.
func wantsBuckets(types []string) bool {
	return len(types) == 0 || slices.Contains(types, "s3") || slices.Contains(types, "s3:bucket")
}

func matchesAll(tags map[string]string, filters []tagFilter) bool {
	for _, f := range filters {
		v, ok := tags[f.Key]
		if !ok || len(f.Values) > 0 && !slices.Contains(f.Values, v) {
			return false
		}
	}
	return true
}
