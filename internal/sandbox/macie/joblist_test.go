package macie

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// listJobNames lists job names through the SDK paginator, checking the page size.
func listJobNames(t *testing.T, c *macie2.Client, in *macie2.ListClassificationJobsInput) []string {
	t.Helper()
	var names []string
	p := macie2.NewListClassificationJobsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		must(t, err)
		if len(out.Items) > 2 {
			t.Fatalf("page of %d jobs, page size is 2", len(out.Items))
		}
		for _, j := range out.Items {
			if j.JobId == nil || j.CreatedAt == nil || j.LastRunErrorStatus == nil {
				t.Fatalf("summary lacks members: %+v", j)
			}
			names = append(names, aws.ToString(j.Name))
		}
	}
	return names
}

func TestListClassificationJobs(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	h.world.clock.Set(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	c := h.client(admin, region)
	ids := map[string]string{}
	for _, n := range []string{"charlie", "alpha", "echo", "bravo", "delta"} {
		h.world.clock.Advance(time.Hour)
		ids[n] = createJob(t, c, n, "tok-"+n, tagJob("macie", "true"))
	}
	cancel := func(n string) {
		must(t, firstErr(c.UpdateClassificationJob(ctx(t), &macie2.UpdateClassificationJobInput{
			JobId: aws.String(ids[n]), JobStatus: types.JobStatusCancelled})))
	}
	cancel("echo")
	cancel("bravo")

	assertIDs(t, listJobNames(t, c, &macie2.ListClassificationJobsInput{}),
		"charlie", "alpha", "echo", "bravo", "delta") // default: createdAt ascending

	byName := &macie2.ListClassificationJobsInput{SortCriteria: &types.ListJobsSortCriteria{
		AttributeName: types.ListJobsSortAttributeNameName, OrderBy: types.OrderByDesc}}
	assertIDs(t, listJobNames(t, c, byName), "echo", "delta", "charlie", "bravo", "alpha")

	notCancelled := &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Excludes: []types.ListJobsFilterTerm{{Key: types.ListJobsFilterKeyJobStatus,
			Comparator: types.JobComparatorEq, Values: []string{"CANCELLED"}}}}}
	assertIDs(t, listJobNames(t, c, notCancelled), "charlie", "alpha", "delta")

	includes := &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Includes: []types.ListJobsFilterTerm{
			{Key: types.ListJobsFilterKeyJobType, Comparator: types.JobComparatorEq, Values: []string{"SCHEDULED"}},
			{Key: types.ListJobsFilterKeyName, Comparator: types.JobComparatorEq, Values: []string{"alpha", "bravo", "zulu"}},
		}}}
	assertIDs(t, listJobNames(t, c, includes), "alpha", "bravo")

	after := &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Includes: []types.ListJobsFilterTerm{{Key: types.ListJobsFilterKeyCreatedAt,
			Comparator: types.JobComparatorGt, Values: []string{"2025-03-01T03:30:00Z"}}}}}
	assertIDs(t, listJobNames(t, c, after), "bravo", "delta")

	_, err := c.ListClassificationJobs(ctx(t), &macie2.ListClassificationJobsInput{FilterCriteria: &types.ListJobsFilterCriteria{
		Includes: []types.ListJobsFilterTerm{{Key: "color", Comparator: types.JobComparatorEq, Values: []string{"x"}}}}})
	wantCode(t, err, "ValidationException")
	_, err = c.ListClassificationJobs(ctx(t), &macie2.ListClassificationJobsInput{SortCriteria: &types.ListJobsSortCriteria{
		AttributeName: "size"}})
	wantCode(t, err, "ValidationException")

	_, err = h.client(admin, region2).ListClassificationJobs(ctx(t), &macie2.ListClassificationJobsInput{})
	wantCode(t, err, "AccessDeniedException")
	h.svc.SetAdmin(region2, admin)
	if other := listJobNames(t, h.client(admin, region2), &macie2.ListClassificationJobsInput{}); len(other) != 0 {
		t.Fatalf("jobs leaked to %s: %v", region2, other)
	}
}
