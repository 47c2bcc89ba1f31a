package macie

import (
	"net/http/httptest"
	"testing"
)

func TestOperation(t *testing.T) {
	cases := []struct{ method, target, want string }{
		{"POST", "/macie", "EnableMacie"},
		{"GET", "/macie", "GetMacieSession"},
		{"PATCH", "/macie", "UpdateMacieSession"},
		{"POST", "/admin", "EnableOrganizationAdminAccount"},
		{"GET", "/admin?maxResults=2", "ListOrganizationAdminAccounts"},
		{"GET", "/admin/configuration", "DescribeOrganizationConfiguration"},
		{"PATCH", "/admin/configuration", "UpdateOrganizationConfiguration"},
		{"POST", "/members", "CreateMember"},
		{"GET", "/members?onlyAssociated=false", "ListMembers"},
		{"GET", "/members/333333333333", "GetMember"},
		{"PATCH", "/macie/members/333333333333", "UpdateMemberSession"},
		{"POST", "/jobs", "CreateClassificationJob"},
		{"POST", "/jobs/list", "ListClassificationJobs"},
		{"GET", "/jobs/abc", "DescribeClassificationJob"},
		{"PATCH", "/jobs/abc", "UpdateClassificationJob"},
		{"GET", "/findings-publication-configuration", "GetFindingsPublicationConfiguration"},
		{"PUT", "/findings-publication-configuration", "PutFindingsPublicationConfiguration"},
		{"POST", "/datasources/search-resources", "SearchResources"},
		{"GET", "/usage?timeRange=PAST_30_DAYS", "GetUsageTotals"},
		{"DELETE", "/macie", ""},
		{"GET", "/members/", ""},
		{"GET", "/jobs/a/b", ""},
		{"GET", "/", ""},
	}
	for _, c := range cases {
		if got := Operation(httptest.NewRequest(c.method, c.target, nil)); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.method, c.target, got, c.want)
		}
	}
}
