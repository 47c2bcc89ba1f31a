package macie

import (
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func TestSearchResources(t *testing.T) {
	h := newHarness(t, 2)
	scopeWorld(h)
	h.designate(t, region)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	h.svc.SetMember(admin, region, wl2, RelationshipPaused)
	c := h.client(admin, region)
	jobID := createJob(t, c, "daily", "t", tagJob("macie", "true"))
	// Set up as a member, wl1's 6 buckets are known at once; the administrator, designated
	// through the API, waits for the next refresh.
	if got := len(searchAll(t, c)); got != 6 {
		t.Fatalf("the inventory knows %d buckets before its first refresh, want 6", got)
	}
	h.advance(day) // the inventory is refreshed, the job runs again

	search := func(in *macie2.SearchResourcesInput) []types.MatchingBucket {
		var out []types.MatchingBucket
		p := macie2.NewSearchResourcesPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			if len(page.MatchingResources) > 2 {
				t.Fatalf("page of %d, page size is 2", len(page.MatchingResources))
			}
			for _, r := range page.MatchingResources {
				out = append(out, *r.MatchingBucket)
			}
		}
		return out
	}
	all := search(&macie2.SearchResourcesInput{})
	if len(all) != 8 { // 2 of the administrator, 6 of the Enabled member; none of the Paused one
		t.Fatalf("%d buckets in the inventory, want 8", len(all))
	}
	first := all[0]
	if aws.ToString(first.AccountId) != admin || aws.ToString(first.BucketName) != "admin-data" ||
		aws.ToInt64(first.SizeInBytes) != 1000 || aws.ToInt64(first.ClassifiableSizeInBytes) != 1000 ||
		first.JobDetails.IsMonitoredByJob != types.IsMonitoredByJobTrue || aws.ToString(first.JobDetails.LastJobId) != jobID {
		t.Fatalf("first bucket: %+v %+v", first, first.JobDetails)
	}
	if all[1].JobDetails.IsDefinedInJob != types.IsDefinedInJobFalse {
		t.Fatalf("untagged bucket in a job: %+v", all[1].JobDetails)
	}

	tagged := search(&macie2.SearchResourcesInput{BucketCriteria: &types.SearchResourcesBucketCriteria{
		Includes: &types.SearchResourcesCriteriaBlock{And: []types.SearchResourcesCriteria{{
			TagCriterion: &types.SearchResourcesTagCriterion{Comparator: types.SearchResourcesComparatorEq,
				TagValues: []types.SearchResourcesTagCriterionPair{{Key: aws.String("macie"), Value: aws.String("true")}}}}}},
		Excludes: &types.SearchResourcesCriteriaBlock{And: []types.SearchResourcesCriteria{{
			SimpleCriterion: &types.SearchResourcesSimpleCriterion{Comparator: types.SearchResourcesComparatorEq,
				Key: types.SearchResourcesSimpleCriterionKeyS3BucketName, Values: []string{"logs-wl1"}}}}},
	}})
	var names []string
	for _, b := range tagged {
		names = append(names, aws.ToString(b.BucketName))
	}
	assertIDs(t, names, "admin-data", "wl1-a", "wl1-e")

	bySize := search(&macie2.SearchResourcesInput{SortCriteria: &types.SearchResourcesSortCriteria{
		AttributeName: types.SearchResourcesSortAttributeNameS3ClassifiableSizeInBytes, OrderBy: types.OrderByDesc}})
	if aws.ToInt64(bySize[0].SizeInBytes) != 2000 || aws.ToInt64(bySize[len(bySize)-1].SizeInBytes) != 1000 {
		t.Fatalf("not sorted by size descending")
	}

	own := h.client(wl1, region)
	out, err := own.SearchResources(ctx(t), &macie2.SearchResourcesInput{MaxResults: aws.Int32(25)})
	must(t, err)
	if len(out.MatchingResources) != 2 || out.NextToken == nil {
		t.Fatalf("member sees %d buckets on its first page, next %v", len(out.MatchingResources), out.NextToken)
	}
}

func TestGetUsageTotals(t *testing.T) {
	h := newHarness(t, 2)
	const gib = 1 << 30
	h.world.addBucket(admin, region, "big", 10*gib, "macie", "true")
	h.world.putObjects("big", 10, 10*gib, 0, "")
	h.world.addBucket(wl1, region, "big1", 4*gib, "macie", "true")
	h.world.putObjects("big1", 4, 4*gib, 0, "")
	h.world.addBucket(wl1, region, "plain", 100*gib)
	h.world.putObjects("plain", 100, 100*gib, 0, "")
	h.world.addBucket(wl2, region, "paused", 100*gib, "macie", "true")
	h.world.putObjects("paused", 100, 100*gib, 0, "")
	h.svc.SetAdmin(region, admin)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	h.svc.SetMember(admin, region, wl2, RelationshipPaused)
	h.svc.RefreshInventory()
	c := h.client(admin, region)
	in := fullJob("usage")
	in.S3JobDefinition.BucketCriteria.Excludes = nil
	must(t, firstErr(c.CreateClassificationJob(ctx(t), in))) // samplingPercentage 50, initialRun true
	h.advance(day)                                           // the first run, then one day of monitoring

	totals := func(tr types.TimeRange) map[types.UsageType]string {
		out, err := c.GetUsageTotals(ctx(t), &macie2.GetUsageTotalsInput{TimeRange: (*string)(&tr)})
		must(t, err)
		got := map[types.UsageType]string{}
		for _, u := range out.UsageTotals {
			if u.Currency != types.CurrencyUsd {
				t.Fatalf("currency %s", u.Currency)
			}
			got[u.Type] = aws.ToString(u.EstimatedCost)
		}
		return got
	}
	past := totals(types.TimeRangePast30Days)
	if past[types.UsageTypeDataInventoryEvaluation] != "0.01" { // 3 buckets x 1 day x $0.10/30; none of the paused member
		t.Fatalf("inventory %q, want 0.01", past[types.UsageTypeDataInventoryEvaluation])
	}
	if past[types.UsageTypeSensitiveDataDiscovery] != "7" { // (10+4) GiB x 50% x $1; the paused member's skipped
		t.Fatalf("discovery %q, want 7", past[types.UsageTypeSensitiveDataDiscovery])
	}
	if past[types.UsageTypeAutomatedObjectMonitoring] != "0" {
		t.Fatalf("automated monitoring %q", past[types.UsageTypeAutomatedObjectMonitoring])
	}
	h.world.clock.Set(time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)) // the first request runs the cycles due
	mtd := totals(types.TimeRangeMonthToDate)                      // April: the March usage is not in it, April 1 and 2 are
	if mtd[types.UsageTypeSensitiveDataDiscovery] != "0" || mtd[types.UsageTypeDataInventoryEvaluation] != "0.02" {
		t.Fatalf("month to date %v", mtd)
	}
	if u := h.svc.Metered(); u.GBInspected != 7 || u.BucketMonitorDays != 3*32 {
		t.Fatalf("metered %+v, want 7 GB inspected and 3 buckets x 32 days (March 2 to April 2)", u)
	}
	_, err := c.GetUsageTotals(ctx(t), &macie2.GetUsageTotalsInput{TimeRange: aws.String("FOREVER")})
	wantCode(t, err, "ValidationException")
}

// The metered record splits what ONE_TIME jobs inspected from the rest, and its cost by usage type
// adds up to the total, for measurement; GetUsageTotals bills both kinds of job alike.
func TestMeteredSplitsOneTimeJobs(t *testing.T) {
	h := newHarness(t, 2)
	const gib = 1 << 30
	h.world.addBucket(admin, region, "tagged", 2*gib, "macie", "true")
	h.world.putObjects("tagged", 20, 2*gib, 0, "")
	h.world.addBucket(admin, region, "old", 3*gib)
	h.world.putObjects("old", 30, 3*gib, 0, "")
	h.svc.SetAdmin(region, admin)
	h.svc.RefreshInventory()
	c := h.client(admin, region)
	must(t, firstErr(c.CreateClassificationJob(ctx(t), fullJob("daily")))) // 50%: 1 GiB of "tagged"
	must(t, firstErr(c.CreateClassificationJob(ctx(t), &macie2.CreateClassificationJobInput{
		ClientToken: aws.String("once"), Name: aws.String("once"), JobType: types.JobTypeOneTime,
		S3JobDefinition: &types.S3JobDefinition{BucketDefinitions: []types.S3BucketDefinitionForJob{
			{AccountId: aws.String(admin), Buckets: []string{"old"}}}}}))) // 100%: 3 GiB
	h.advance(day)
	u := h.svc.Metered()
	if u.GBInspected != 4 || u.OneTimeGBInspected != 3 {
		t.Fatalf("metered %+v, want 4 GB inspected, 3 of them by the ONE_TIME job", u)
	}
	sum := 0.0
	for _, c := range u.ByType {
		sum += c
	}
	if len(u.ByType) != 4 || u.ByType["SENSITIVE_DATA_DISCOVERY"] != 4 || math.Abs(sum-u.USD) > 1e-9 {
		t.Fatalf("by type %v, total %v", u.ByType, u.USD)
	}
}

func TestFindingsPublication(t *testing.T) {
	h := newHarness(t, 2)
	h.svc.SetAdmin(region, admin)
	c := h.client(admin, region)
	got, err := c.GetFindingsPublicationConfiguration(ctx(t), &macie2.GetFindingsPublicationConfigurationInput{})
	must(t, err)
	sh := got.SecurityHubConfiguration
	if aws.ToBool(sh.PublishClassificationFindings) || !aws.ToBool(sh.PublishPolicyFindings) {
		t.Fatalf("defaults: classification %v policy %v", aws.ToBool(sh.PublishClassificationFindings), aws.ToBool(sh.PublishPolicyFindings))
	}
	must(t, firstErr(c.PutFindingsPublicationConfiguration(ctx(t), &macie2.PutFindingsPublicationConfigurationInput{
		SecurityHubConfiguration: &types.SecurityHubConfiguration{
			PublishClassificationFindings: aws.Bool(true), PublishPolicyFindings: aws.Bool(false)}})))
	if cl, po := h.svc.Publication(admin, region); !cl || po {
		t.Fatalf("stored classification %v policy %v", cl, po)
	}
	if cl, po := h.svc.Publication(admin, region2); cl || !po {
		t.Fatalf("other Region changed: %v %v", cl, po)
	}
	_, err = h.client(wl1, region).GetFindingsPublicationConfiguration(ctx(t), &macie2.GetFindingsPublicationConfigurationInput{})
	wantCode(t, err, "AccessDeniedException")
}
