package sandbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/macie2"

	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// scaleSandbox is a sandbox on a virtual clock with buckets per member account, each holding one
// group of objects of which one is sensitive, tagged buckets under a daily job, and automated
// discovery on (so that every bucket is analysed every day).
func scaleSandbox(tb testing.TB, accounts, bucketsPerAccount int, objects int64) (*Sandbox, *vclock.Clock) {
	tb.Helper()
	clock := vclock.New(modelStart)
	sb := New(Options{Now: clock.Now})
	sb.SetOrganization("o-abcdefghij", mgmt)
	sb.AddAccount(Account{ID: admin, Email: "admin@example.com"})
	sb.Macie().SetAdmin(modelRegion, admin)
	for a := range accounts {
		id := fmt.Sprintf("%012d", 100000000000+a)
		sb.AddAccount(Account{ID: id, Email: id + "@example.com"})
		sb.Macie().SetMember(admin, modelRegion, id, "Enabled")
		for b := range bucketsPerAccount {
			name := fmt.Sprintf("bucket-%d-%d", a, b)
			var tags map[string]string
			if b%2 == 0 {
				tags = tagged
			}
			if err := sb.PutBucket(Bucket{Account: id, Region: modelRegion, Name: name, Tags: tags}); err != nil {
				tb.Fatal(err)
			}
			if err := sb.PutObjects(id, name, ObjectGroup{Count: objects, SizeBytes: objects << 10, Sensitive: 1,
				LastModified: modelStart.AddDate(-1, 0, 0)}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	sb.Macie().SetAutomatedDiscovery(modelRegion, "ENABLED", "ALL")
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	c := macie2.NewFromConfig(cfg(srv, admin, modelRegion))
	if _, err := c.CreateClassificationJob(context.Background(), dailyTagJob("scale", true)); err != nil {
		tb.Fatal(err)
	}
	return sb, clock
}

// runDays advances the clock day by day, running what falls due.
func runDays(sb *Sandbox, clock *vclock.Clock, days int) {
	for range days {
		clock.Advance(24 * time.Hour)
		sb.Macie().RunDue()
	}
}

// TestMemoryIsFlatInObjectCount shows that what a day of job runs and automated discovery
// allocates does not depend on how many objects the buckets hold: ten objects a bucket or a
// hundred million cost the same.
func TestMemoryIsFlatInObjectCount(t *testing.T) {
	allocs := map[int64]float64{}
	for _, objects := range []int64{10, 100_000_000} {
		sb, clock := scaleSandbox(t, 5, 4, objects)
		runDays(sb, clock, 2) // the first runs and their findings
		allocs[objects] = testing.AllocsPerRun(3, func() { runDays(sb, clock, 1) })
		cov := sb.Coverage()
		if len(cov) != 20 || cov[0].Analyses == 0 {
			t.Fatalf("%d objects a bucket: coverage %+v", objects, cov[:1])
		}
	}
	small, large := allocs[10], allocs[100_000_000]
	if large > small*1.1+10 {
		t.Fatalf("a day allocates %.0f times with 10 objects a bucket, %.0f with 100 million", small, large)
	}
}

// BenchmarkDayOf10000BucketsOfAMillionObjects measures one virtual day (inventory refresh, job
// runs, automated discovery, metering) over 10,000 buckets of a million objects each.
func BenchmarkDayOf10000BucketsOfAMillionObjects(b *testing.B) {
	sb, clock := scaleSandbox(b, 100, 100, 1_000_000)
	runDays(sb, clock, 2)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		runDays(sb, clock, 1)
	}
}
