package simulate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// The engine's backfill and automated discovery policy, measured in the sandbox's model with the
// engine's defaults (backfill on, automated discovery off).

func TestTaggingAnExistingBucketAnalysesEveryObjectWithin48Hours(t *testing.T) {
	s := strings.Replace(one, "objects: 5000, sizeGB: 5", "objects: 1000, sizeGB: 1", 1) +
		"  - advance: {hours: 30}\n" +
		"  - putTags: {account: \"333333333333\", bucket: b-later, tags: {macie: \"true\"}}\n" +
		"  - putObjects: {account: \"333333333333\", bucket: b-later, objects: 20, sizeGB: 0.02}\n" +
		"  - advance: {hours: 48}\n"
	out := run(t, "tagged.yaml", s)
	b := bucketCoverage(t, out, "b-later")
	if !b.InScope || b.Objects != 1020 || b.Analysed != b.Objects {
		t.Fatalf("48 hours after the tag, not every object was analysed: %+v", b)
	}
	if twice := b.Analyses - b.Analysed; twice*20 > b.Objects {
		t.Fatalf("%d of %d objects analysed twice, more than 5 %%", twice, b.Objects)
	}
	t.Logf("b-later: %d objects, %d analyses", b.Objects, b.Analyses)
	if a := bucketCoverage(t, out, "a-tagged"); a.Analysed != a.Objects || a.Analyses != a.Analysed {
		t.Fatalf("the bucket tagged from the start: %+v", a)
	}
	if len(out.Failed) != 0 {
		t.Fatalf("failed %v", out.Failed)
	}
}

func TestAutomatedDiscoveryOffLeavesUntaggedBucketsOfEnrolledAccountsAlone(t *testing.T) {
	s := strings.Replace(one, "steps:\n", "  automatedDiscovery: {status: ENABLED, autoEnableOrganizationMembers: ALL}\nsteps:\n", 1)
	s = strings.Replace(s, "    - {account: \"333333333333\", region: eu-west-1, name: b-later",
		"    - {account: \"444444444444\", region: eu-west-1, name: d-new, tags: {macie: \"true\"}, objects: 50}\n"+
			"    - {account: \"444444444444\", region: eu-west-1, name: d-untagged, objects: 100}\n"+
			"    - {account: \"333333333333\", region: eu-west-1, name: b-later", 1)
	out := run(t, "asdd-off.yaml", s+"  - advance: {hours: 96}\n")
	if status(out)["444444444444/eu-west-1"] != "Enabled" {
		t.Fatalf("members %v", status(out))
	}
	for _, name := range []string{"b-later", "d-untagged"} {
		if c := bucketCoverage(t, out, name); c.InScope || c.AnalysedWhileOutOfScope != 0 {
			t.Fatalf("%s of an enrolled account was analysed out of scope: %+v", name, c)
		}
	}
	if d := bucketCoverage(t, out, "d-new"); d.Analysed != d.Objects {
		t.Fatalf("the new member's tagged bucket: %+v", d)
	}
	if out.APICalls["macie2:BatchUpdateAutomatedDiscoveryAccounts"] == 0 {
		t.Fatalf("calls %v", out.APICalls)
	}
}

// burst tags 5 buckets in each of 100 accounts, none of them a member yet.
func burst() string {
	var b strings.Builder
	b.WriteString("organization:\n  managementAccount: \"111111111111\"\n  adminAccount: \"222222222222\"\n  regions: [eu-west-1]\n  accounts:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "    - {id: \"%012d\"}\n", 300000000000+i)
	}
	b.WriteString("initial:\n  buckets:\n")
	for i := range 500 {
		fmt.Fprintf(&b, "    - {account: \"%012d\", region: eu-west-1, name: b-%03d, objects: 10, sizeGB: 0.01, ageDays: 100}\n", 300000000000+i%100, i)
	}
	b.WriteString("steps:\n  - reconcile: {}\n  - advance: {hours: 1}\n")
	for i := range 500 {
		fmt.Fprintf(&b, "  - putTags: {account: \"%012d\", bucket: b-%03d, tags: {macie: \"true\"}}\n", 300000000000+i%100, i)
	}
	b.WriteString("  - advance: {hours: 72}\n")
	return b.String()
}

func TestABurstOfTaggedBucketsStaysWithinTheJobCreationLimit(t *testing.T) {
	out := run(t, "burst.yaml", burst())
	perMinute := map[time.Time]int{}
	total := 0
	var count func(e Entry)
	count = func(e Entry) {
		for _, r := range e.Results {
			if k := r.Action.Kind; r.Outcome == execute.Done && (k == plan.CreateJob || k == plan.CreateBackfillJob) {
				perMinute[e.At.Truncate(time.Minute)]++
				total++
			}
		}
		for _, sub := range e.Runs {
			count(sub)
		}
	}
	for _, e := range out.Timeline {
		count(e)
	}
	for minute, n := range perMinute {
		if n > 6 { // 0.1 requests a second
			t.Errorf("%d CreateClassificationJob calls in the minute of %s", n, minute)
		}
		if n > 1 {
			t.Errorf("more than one job created in one Region in the minute of %s: %d", minute, n)
		}
	}
	if calls := out.APICalls["macie2:CreateClassificationJob"]; calls != total || total < 2 {
		t.Fatalf("%d CreateClassificationJob calls, %d jobs created in the timeline", calls, total)
	}
	for _, c := range out.Coverage {
		if c.Analysed != c.Objects {
			t.Fatalf("after 72 hours %s is not fully analysed: %+v", c.Bucket, c)
		}
	}
}
