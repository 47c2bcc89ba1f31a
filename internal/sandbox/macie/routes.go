package macie

import (
	"net/http"
	"strings"
)

// route is one macie2 operation: its HTTP binding (from the service model) and its handler.
type route struct {
	method, path, name string
	handle             func(*Service, *call) (any, error)
}

// routes lists the operations the sandbox implements, with the method and request URI of the
// macie2 2020-01-01 service model. Path segments in braces are parameters.
var routes = []route{
	{http.MethodPost, "/macie", "EnableMacie", (*Service).enableMacie},
	{http.MethodGet, "/macie", "GetMacieSession", (*Service).getMacieSession},
	{http.MethodPatch, "/macie", "UpdateMacieSession", (*Service).updateMacieSession},
	{http.MethodPost, "/admin", "EnableOrganizationAdminAccount", (*Service).enableOrganizationAdminAccount},
	{http.MethodGet, "/admin", "ListOrganizationAdminAccounts", (*Service).listOrganizationAdminAccounts},
	{http.MethodGet, "/admin/configuration", "DescribeOrganizationConfiguration", (*Service).describeOrganizationConfiguration},
	{http.MethodPatch, "/admin/configuration", "UpdateOrganizationConfiguration", (*Service).updateOrganizationConfiguration},
	{http.MethodPost, "/members", "CreateMember", (*Service).createMember},
	{http.MethodGet, "/members", "ListMembers", (*Service).listMembers},
	{http.MethodGet, "/members/{id}", "GetMember", (*Service).getMember},
	{http.MethodPatch, "/macie/members/{id}", "UpdateMemberSession", (*Service).updateMemberSession},
	{http.MethodPost, "/jobs", "CreateClassificationJob", (*Service).createClassificationJob},
	{http.MethodPost, "/jobs/list", "ListClassificationJobs", (*Service).listClassificationJobs},
	{http.MethodGet, "/jobs/{jobId}", "DescribeClassificationJob", (*Service).describeClassificationJob},
	{http.MethodPatch, "/jobs/{jobId}", "UpdateClassificationJob", (*Service).updateClassificationJob},
	{http.MethodGet, "/findings-publication-configuration", "GetFindingsPublicationConfiguration", (*Service).getPublication},
	{http.MethodPut, "/findings-publication-configuration", "PutFindingsPublicationConfiguration", (*Service).putPublication},
	{http.MethodPost, "/datasources/search-resources", "SearchResources", (*Service).searchResources},
	{http.MethodGet, "/usage", "GetUsageTotals", (*Service).getUsageTotals},
	{http.MethodPost, "/usage/statistics", "GetUsageStatistics", (*Service).getUsageStatistics},
	{http.MethodPost, "/datasources/s3", "DescribeBuckets", (*Service).describeBuckets},
	{http.MethodPost, "/findings", "ListFindings", (*Service).listFindings},
	{http.MethodPost, "/findings/describe", "GetFindings", (*Service).getFindings},
	{http.MethodPost, "/findings/statistics", "GetFindingStatistics", (*Service).getFindingStatistics},
	{http.MethodGet, "/automated-discovery/configuration", "GetAutomatedDiscoveryConfiguration", (*Service).getAutomatedDiscoveryConfiguration},
	{http.MethodPut, "/automated-discovery/configuration", "UpdateAutomatedDiscoveryConfiguration", (*Service).updateAutomatedDiscoveryConfiguration},
	{http.MethodGet, "/automated-discovery/accounts", "ListAutomatedDiscoveryAccounts", (*Service).listAutomatedDiscoveryAccounts},
	{http.MethodPatch, "/automated-discovery/accounts", "BatchUpdateAutomatedDiscoveryAccounts", (*Service).batchUpdateAutomatedDiscoveryAccounts},
}

// match finds the route for method and path and returns its path parameters.
func match(method, path string) (*route, map[string]string) {
	got := splitPath(path)
	for i := range routes {
		rt := &routes[i]
		if rt.method != method {
			continue
		}
		if params, ok := matchSegments(splitPath(rt.path), got); ok {
			return rt, params
		}
	}
	return nil, nil
}

// matchSegments compares a route's segments with a request's, collecting parameters.
func matchSegments(want, got []string) (map[string]string, bool) {
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			if got[i] == "" {
				return nil, false
			}
			params[strings.Trim(w, "{}")] = got[i]
			continue
		}
		if w != got[i] {
			return nil, false
		}
	}
	return params, true
}

// splitPath splits a URL path into segments; a trailing slash leaves an empty last segment,
// which matches no route (the SDKs never send one).
func splitPath(p string) []string {
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}
