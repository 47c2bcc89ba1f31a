package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var tagged = map[string]string{"macie": "true"}

func TestScheduledRunsAfterTheFirstSkipUnchangedObjects(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "a-pii", tagged, 1000, 0)
	id := m.job(dailyTagJob("inc", true))
	m.advance(time.Hour) // the first run, at creation: every existing object
	m.wantCoverage("a-pii", 1000, 1000, 1000)

	m.advance(30 * time.Hour) // the second run: nothing changed since the first started
	m.wantCoverage("a-pii", 1000, 1000, 1000)

	m.objects(wlA, "a-pii", ObjectGroup{Count: 10, SizeBytes: 10 << 20})
	m.advance(24 * time.Hour) // the third run: only the ten new objects
	m.wantCoverage("a-pii", 1010, 1010, 1010)

	d := m.describe(id)
	if aws.ToFloat64(d.Statistics.NumberOfRuns) != 3 || !aws.ToTime(d.LastRunTime).Equal(modelStart.Add(48*time.Hour)) {
		t.Fatalf("statistics %+v, last run %v", d.Statistics, aws.ToTime(d.LastRunTime))
	}
	if u := m.sb.Macie().Metered(); u.GBInspected < 1010.0/1024-1e-9 || u.GBInspected > 1010.0/1024+1e-9 {
		t.Fatalf("GB inspected %v, want 1010 MiB", u.GBInspected)
	}
}

func TestInitialRunFalseSkipsObjectsFromBeforeTheJob(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "a-pii", tagged, 1000, 0)
	m.job(dailyTagJob("noinit", false))
	m.advance(2 * time.Hour)
	m.objects(wlA, "a-pii", ObjectGroup{Count: 5, SizeBytes: 5})
	m.advance(24 * time.Hour)
	m.wantCoverage("a-pii", 1005, 5, 5)
}

func TestBucketTaggedAfterTheFirstRunKeepsItsOldObjectsUnanalysed(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "late", nil, 1000, 0)
	m.job(dailyTagJob("late", true))
	m.advance(time.Hour)
	s3c := s3Client(m.srv, wlA, modelRegion)
	_, err := s3c.PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{Bucket: aws.String("late"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
	if err != nil {
		t.Fatal(err)
	}
	m.advance(72 * time.Hour) // refreshes and runs: the bucket matches, its objects predate every run
	m.wantCoverage("late", 1000, 0, 0)
	m.objects(wlA, "late", ObjectGroup{Count: 7, SizeBytes: 7})
	m.advance(24 * time.Hour)
	m.wantCoverage("late", 1007, 7, 7)
}

func TestInventoryLagDelaysMatching(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "lagging", nil, 0, 0)
	m.advance(12 * time.Hour)
	m.job(dailyTagJob("lag", true)) // runs at +12h, +36h, +60h; the inventory refreshes at +24h, +48h
	m.advance(13 * time.Hour)       // +25h: just after a refresh
	_, err := s3Client(m.srv, wlA, modelRegion).PutBucketTagging(context.Background(), &s3.PutBucketTaggingInput{
		Bucket:  aws.String("lagging"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
	if err != nil {
		t.Fatal(err)
	}
	m.objects(wlA, "lagging", ObjectGroup{Count: 100, SizeBytes: 100})
	if got := m.sb.Macie().ScanScope(modelRegion); len(got) != 1 || got[0].Bucket != "lagging" {
		t.Fatalf("the configuration's scope %v does not include the tagged bucket", got)
	}
	if tags := searchTags(t, m, "lagging"); tags["macie"] == "true" {
		t.Fatalf("the inventory saw the new tag before its refresh: %v", tags)
	}
	m.advance(12 * time.Hour) // +37h: the run at +36h used the inventory of +24h
	m.wantCoverage("lagging", 100, 0, 0)
	m.advance(12 * time.Hour) // +49h: refreshed at +48h
	if tags := searchTags(t, m, "lagging"); tags["macie"] != "true" {
		t.Fatalf("the refreshed inventory has tags %v", tags)
	}
	m.objects(wlA, "lagging", ObjectGroup{Count: 3, SizeBytes: 3})
	m.advance(12 * time.Hour) // +61h: matched, but only what changed since the +36h run
	m.wantCoverage("lagging", 103, 3, 3)
}

// searchTags returns a bucket's tags as DescribeBuckets (the inventory) has them.
func searchTags(t *testing.T, m *model, bucket string) map[string]string {
	t.Helper()
	out, err := m.macie(admin).DescribeBuckets(context.Background(), &macie2.DescribeBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range out.Buckets {
		if aws.ToString(b.BucketName) == bucket {
			tags := map[string]string{}
			for _, kv := range b.Tags {
				tags[aws.ToString(kv.Key)] = aws.ToString(kv.Value)
			}
			return tags
		}
	}
	t.Fatalf("bucket %s is not in the inventory", bucket)
	return nil
}

func TestAutomatedDiscoverySamplesUntaggedBucketsWhereEnabled(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "untagged", nil, 1000, 0)
	m.sb.Macie().SetAutomatedDiscovery(modelRegion, "ENABLED", "ALL")
	m.advance(24 * time.Hour)
	c := m.coverage("untagged")
	if c.Analysed != 10 || c.Analyses != 10 || c.AnalysedWhileOutOfScope != 10 {
		t.Fatalf("after one cycle: %+v, want 1%% of 1000 analysed, out of scope", c)
	}
	out, err := m.macie(admin).DescribeBuckets(context.Background(), &macie2.DescribeBucketsInput{})
	if err != nil || len(out.Buckets) != 1 || out.Buckets[0].AutomatedDiscoveryMonitoringStatus != types.AutomatedDiscoveryMonitoringStatusMonitored ||
		!aws.ToTime(out.Buckets[0].LastAutomatedDiscoveryTime).Equal(modelStart.Add(24*time.Hour)) {
		t.Fatalf("bucket metadata %+v, %v", out, err)
	}
	m.advance(48 * time.Hour)
	if c := m.coverage("untagged"); c.Analysed != 30 {
		t.Fatalf("after three cycles %d distinct objects analysed, want 30 (new ones first)", c.Analysed)
	}
	u := m.sb.Macie().Metered()
	if u.DiscoveryGBAnalysed <= 0 || u.DiscoveryObjectDays != 3000 || u.USD <= 0 {
		t.Fatalf("metered %+v", u)
	}
}

func TestAutomatedDiscoveryNoneKeepsNewMembersOut(t *testing.T) {
	m := newModel(t)
	const wlC = "555555555555"
	c := m.macie(admin)
	ctx := context.Background()
	_, err := c.UpdateAutomatedDiscoveryConfiguration(ctx, &macie2.UpdateAutomatedDiscoveryConfigurationInput{
		Status: types.AutomatedDiscoveryStatusEnabled, AutoEnableOrganizationMembers: types.AutoEnableModeNone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateMember(ctx, &macie2.CreateMemberInput{Account: &types.AccountDetail{
		AccountId: aws.String(wlC), Email: aws.String("c@example.com")}}); err != nil {
		t.Fatal(err)
	}
	m.bucket(wlC, "c-untagged", nil, 500, 0)
	m.advance(72 * time.Hour)
	m.wantCoverage("c-untagged", 500, 0, 0)
	list, err := c.ListAutomatedDiscoveryAccounts(ctx, &macie2.ListAutomatedDiscoveryAccountsInput{AccountIds: []string{wlC}})
	if err != nil || len(list.Items) != 1 || list.Items[0].Status != types.AutomatedDiscoveryAccountStatusDisabled {
		t.Fatalf("automated discovery accounts %+v, %v", list, err)
	}
	// ALL reaches every existing member, the new one included.
	if _, err := c.UpdateAutomatedDiscoveryConfiguration(ctx, &macie2.UpdateAutomatedDiscoveryConfigurationInput{
		Status: types.AutomatedDiscoveryStatusEnabled, AutoEnableOrganizationMembers: types.AutoEnableModeAll}); err != nil {
		t.Fatal(err)
	}
	m.advance(24 * time.Hour)
	if got := m.coverage("c-untagged").Analysed; got != 5 {
		t.Fatalf("with ALL, %d objects analysed, want 5", got)
	}
}

func TestPausedMembersAreSkippedAndUnbilled(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "a-on", tagged, 100, 0)
	m.bucket(wlB, "b-paused", tagged, 100, 0)
	m.sb.Macie().SetAutomatedDiscovery(modelRegion, "ENABLED", "ALL")
	_, err := m.macie(admin).UpdateMemberSession(context.Background(), &macie2.UpdateMemberSessionInput{
		Id: aws.String(wlB), Status: types.MacieStatusPaused})
	if err != nil {
		t.Fatal(err)
	}
	m.job(dailyTagJob("paused", true))
	m.advance(48 * time.Hour)
	m.wantCoverage("b-paused", 100, 0, 0)
	if m.coverage("a-on").Analysed != 100 {
		t.Fatalf("the enabled member's bucket was not analysed: %+v", m.coverage("a-on"))
	}
	up, err := m.macie(admin).BatchUpdateAutomatedDiscoveryAccounts(context.Background(),
		&macie2.BatchUpdateAutomatedDiscoveryAccountsInput{Accounts: []types.AutomatedDiscoveryAccountUpdate{
			{AccountId: aws.String(wlB), Status: types.AutomatedDiscoveryAccountStatusEnabled}}})
	if err != nil || len(up.Errors) != 1 || up.Errors[0].ErrorCode != types.AutomatedDiscoveryAccountUpdateErrorCodeAccountPaused {
		t.Fatalf("updating a paused account: %+v, %v", up, err)
	}
	bill, err := m.macie(admin).GetUsageStatistics(context.Background(), &macie2.GetUsageStatisticsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range bill.Records {
		for _, u := range r.Usage {
			if aws.ToString(r.AccountId) == wlB && aws.ToString(u.EstimatedCost) != "0" {
				t.Fatalf("the paused member is billed %s for %s", aws.ToString(u.EstimatedCost), u.Type)
			}
		}
	}
}

func TestOneTimeJobAnalysesExistingObjectsOnce(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "backfill", nil, 400, 0)
	id := m.job(oneTimeJob("once", wlA, "backfill"))
	m.advance(time.Minute) // the run is due at creation
	m.wantCoverage("backfill", 400, 400, 400)
	m.advance(5 * 24 * time.Hour)
	m.wantCoverage("backfill", 400, 400, 400)
	if d := m.describe(id); d.JobStatus != types.JobStatusComplete || aws.ToFloat64(d.Statistics.NumberOfRuns) != 1 {
		t.Fatalf("job %s after its run, %v runs", d.JobStatus, aws.ToFloat64(d.Statistics.NumberOfRuns))
	}
}

func TestSamplingPercentageTakesThatShare(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "sampled", tagged, 1000, 0)
	in := dailyTagJob("sample", true)
	in.SamplingPercentage = aws.Int32(30)
	m.job(in)
	m.advance(time.Hour)
	m.wantCoverage("sampled", 1000, 300, 300)
}

func TestScopingSelectsObjectsByLastModifiedAndSize(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "scoped", tagged, 0, 0)
	m.objects(wlA, "scoped", ObjectGroup{Count: 10, SizeBytes: 10 << 20, LastModified: modelStart.AddDate(-2, 0, 0)})
	m.objects(wlA, "scoped", ObjectGroup{Count: 20, SizeBytes: 20 << 10, LastModified: modelStart.AddDate(0, -1, 0)})
	m.objects(wlA, "scoped", ObjectGroup{Count: 40, SizeBytes: 40 << 30, LastModified: modelStart.AddDate(0, -1, 0)})
	in := dailyTagJob("scoped", true)
	in.S3JobDefinition.Scoping = &types.Scoping{Includes: &types.JobScopingBlock{And: []types.JobScopeTerm{
		{SimpleScopeTerm: &types.SimpleScopeTerm{Comparator: types.JobComparatorGt, Key: types.ScopeFilterKeyObjectLastModifiedDate,
			Values: []string{modelStart.AddDate(-1, 0, 0).Format(time.RFC3339)}}},
		{SimpleScopeTerm: &types.SimpleScopeTerm{Comparator: types.JobComparatorLt, Key: types.ScopeFilterKeyObjectSize,
			Values: []string{"1048576"}}},
	}}}
	m.job(in)
	m.advance(time.Hour)
	m.wantCoverage("scoped", 70, 20, 20) // only the recent small objects: 1 KiB each
}

func TestPausedAndCancelledJobsDoNotRun(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "held", tagged, 100, 0)
	id := m.job(dailyTagJob("held", true))
	m.advance(time.Hour)
	m.wantCoverage("held", 100, 100, 100)
	set := func(status types.JobStatus) {
		t.Helper()
		if _, err := m.macie(admin).UpdateClassificationJob(context.Background(), &macie2.UpdateClassificationJobInput{
			JobId: aws.String(id), JobStatus: status}); err != nil {
			t.Fatal(err)
		}
	}
	set(types.JobStatusUserPaused)
	m.objects(wlA, "held", ObjectGroup{Count: 10, SizeBytes: 10})
	m.advance(72 * time.Hour)
	m.wantCoverage("held", 110, 100, 100)
	set(types.JobStatusRunning) // resumed at +73h: the next slot is +96h
	m.advance(22 * time.Hour)
	m.wantCoverage("held", 110, 100, 100)
	m.advance(2 * time.Hour)
	m.wantCoverage("held", 110, 110, 110)
	set(types.JobStatusCancelled)
	m.objects(wlA, "held", ObjectGroup{Count: 5, SizeBytes: 5})
	m.advance(72 * time.Hour)
	m.wantCoverage("held", 115, 110, 110)
	if d := m.describe(id); aws.ToFloat64(d.Statistics.NumberOfRuns) != 2 {
		t.Fatalf("%v runs, want 2", aws.ToFloat64(d.Statistics.NumberOfRuns))
	}
}

func TestObjectsPutAtARunsStartGoToTheNextRun(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "edge", tagged, 0, 0)
	m.job(dailyTagJob("edge", true))
	m.advance(24 * time.Hour) // the clock stands at the second run's start, which has run
	m.objects(wlA, "edge", ObjectGroup{Count: 4, SizeBytes: 4})
	m.sb.Macie().RunDue()
	m.wantCoverage("edge", 4, 0, 0)
	m.advance(24 * time.Hour)
	m.wantCoverage("edge", 4, 4, 4)
}

func TestObjectsPutJustBeforeAJobAtTheSameMomentAreExisting(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "same-moment", tagged, 0, 0)
	m.objects(wlA, "same-moment", ObjectGroup{Count: 6, SizeBytes: 6}) // last modified now
	m.job(dailyTagJob("same-moment", true))                            // created now, after them
	m.sb.Macie().RunDue()
	m.wantCoverage("same-moment", 6, 6, 6)
	m.advance(48 * time.Hour) // and no later run takes them again
	m.wantCoverage("same-moment", 6, 6, 6)

	m.bucket(wlA, "same-moment-2", tagged, 0, 0)
	m.objects(wlA, "same-moment-2", ObjectGroup{Count: 2, SizeBytes: 2})
	m.job(dailyTagJob("no-initial", false)) // they existed when the job was created: never analysed by it
	m.advance(48 * time.Hour)
	if c := m.coverage("same-moment-2"); c.Analysed != 2 || c.Analyses != 2 {
		t.Fatalf("same-moment-2 %+v: want only the first job's run at its next slot", c)
	}
}

func TestAJobPausedFor30DaysIsCancelled(t *testing.T) {
	m := newModel(t)
	m.bucket(wlA, "expiring", tagged, 1, 0)
	id := m.job(dailyTagJob("expiring", true))
	m.advance(time.Hour)
	if _, err := m.macie(admin).UpdateClassificationJob(context.Background(), &macie2.UpdateClassificationJobInput{
		JobId: aws.String(id), JobStatus: types.JobStatusUserPaused}); err != nil {
		t.Fatal(err)
	}
	m.advance(29 * 24 * time.Hour)
	if d := m.describe(id); d.JobStatus != types.JobStatusUserPaused ||
		!aws.ToTime(d.UserPausedDetails.JobExpiresAt).Equal(modelStart.Add(time.Hour+30*24*time.Hour)) {
		t.Fatalf("after 29 days: %s, expires %v", d.JobStatus, d.UserPausedDetails)
	}
	m.advance(24 * time.Hour)
	if d := m.describe(id); d.JobStatus != types.JobStatusCancelled {
		t.Fatalf("after 30 days paused the job is %s", d.JobStatus)
	}
}
