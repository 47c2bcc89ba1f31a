package macie

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

func TestJobPickTakesTheExpectedShareRoundedDown(t *testing.T) {
	for _, c := range []struct {
		count, analysed, pct int64
		want                 pick
	}{
		{1000, 0, 100, pick{1000, 1000}},
		{1000, 400, 100, pick{1000, 600}},
		{1000, 0, 30, pick{300, 300}},
		{1000, 500, 30, pick{300, 150}},
		{3, 0, 50, pick{1, 1}},
		{1, 0, 10, pick{0, 0}}, // an expected tenth of an object rounds down to none
		{1 << 40, 0, 100, pick{1 << 40, 1 << 40}},
	} {
		if got := jobPick(ObjectGroup{Count: c.count, Analysed: c.analysed}, c.pct); got != c.want {
			t.Errorf("jobPick(%d objects, %d analysed, %d%%) = %+v, want %+v", c.count, c.analysed, c.pct, got, c.want)
		}
	}
}

func TestDiscoveryPickTakesOnePercentRoundedUpNewFirst(t *testing.T) {
	for _, c := range []struct {
		count, analysed int64
		want            pick
	}{
		{1000, 0, pick{10, 10}},
		{1000, 995, pick{10, 5}},
		{1, 0, pick{1, 1}},
		{1, 1, pick{1, 0}},
		{150, 0, pick{2, 2}},
		{1 << 50, 0, pick{(1<<50)/100 + 1, (1<<50)/100 + 1}},
	} {
		if got := discoveryPick(ObjectGroup{Count: c.count, Analysed: c.analysed}); got != c.want {
			t.Errorf("discoveryPick(%d, %d analysed) = %+v, want %+v", c.count, c.analysed, got, c.want)
		}
	}
}

func TestSensitiveObjectsAreSpreadEvenly(t *testing.T) {
	g := ObjectGroup{Count: 10, Sensitive: 3}
	if got := sensitiveIn(g, 0, 10); !reflect.DeepEqual(got, []int64{3, 6, 9}) {
		t.Fatalf("sensitive objects %v", got)
	}
	if got := sensitiveIn(g, 4, 7); !reflect.DeepEqual(got, []int64{6}) {
		t.Fatalf("sensitive objects in [4,7) %v", got)
	}
	all := ObjectGroup{Count: 3, Sensitive: 3}
	if got := sensitiveIn(all, 0, 3); !reflect.DeepEqual(got, []int64{0, 1, 2}) {
		t.Fatalf("all sensitive %v", got)
	}
	huge := ObjectGroup{Count: 1 << 40, Sensitive: 2}
	if got := sensitiveIn(huge, 0, 1<<40); len(got) != 2 || got[1] != 1<<40-1 {
		t.Fatalf("two sensitive objects among 2^40: %v", got)
	}
}

func TestScheduledJobOverTheFakeWorld(t *testing.T) {
	h := newHarness(t, 0)
	h.world.addBucket(wl1, region, "tagged", 0, "macie", "true")
	h.world.putObjects("tagged", 200, 200<<20, 0, "")
	h.svc.SetAdmin(region, admin)
	h.svc.SetMember(admin, region, wl1, RelationshipEnabled)
	h.world.clock.Advance(time.Minute) // the objects predate the job
	c := h.client(admin, region)
	in := fullJob("fake") // samplingPercentage 50, initialRun true
	in.S3JobDefinition.BucketCriteria.Excludes = nil
	out, err := c.CreateClassificationJob(ctx(t), in)
	must(t, err)
	h.advance(time.Hour)
	if objects, fresh := h.world.analysed("tagged"); objects != 100 || fresh != 100 {
		t.Fatalf("first run: %d analyses, %d fresh; want half of 200", objects, fresh)
	}
	h.world.putObjects("tagged", 10, 10, 0, "")
	h.advance(day)
	if objects, fresh := h.world.analysed("tagged"); objects != 105 || fresh != 105 {
		t.Fatalf("second run: %d analyses, %d fresh; want 5 more", objects, fresh)
	}
	det, err := c.DescribeBuckets(ctx(t), &macie2.DescribeBucketsInput{})
	must(t, err)
	if len(det.Buckets) != 1 || aws.ToString(det.Buckets[0].JobDetails.LastJobId) != aws.ToString(out.JobId) ||
		det.Buckets[0].JobDetails.IsMonitoredByJob != types.IsMonitoredByJobTrue ||
		!aws.ToTime(det.Buckets[0].JobDetails.LastJobRunTime).Equal(start.Add(day+time.Minute)) {
		t.Fatalf("bucket metadata %+v", det.Buckets)
	}
}
