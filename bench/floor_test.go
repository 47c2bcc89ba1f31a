package bench

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"
)

func TestCredentialScopeReadsServiceAndRegion(t *testing.T) {
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/ap-southeast-2/macie2/aws4_request, SignedHeaders=host, Signature=00"
	if got := credentialScope(auth); got != (Key{Service: "macie2", Region: "ap-southeast-2"}) {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{"", "Bearer x", "AWS4-HMAC-SHA256 Credential=AKID/20261202/eu-west-1/sts", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e"} {
		if got := credentialScope(bad); got != (Key{}) {
			t.Errorf("%q gave %+v, want no key", bad, got)
		}
	}
}

func TestLimiterSharesBucketsAsTheQuotaScopeSays(t *testing.T) {
	l := NewLimiter(nil, Limits{"macie2": {Rate: 5, Scope: PerRegion}, "organizations": {Rate: 2, Scope: AccountWide}})
	eu, us := l.admit(Key{"macie2", "eu-west-1"}), l.admit(Key{"macie2", "us-east-1"})
	if eu == nil || us == nil || eu == us || l.admit(Key{"macie2", "eu-west-1"}) != eu {
		t.Error("macie2 does not get one bucket per Region")
	}
	if eu.Limit() != 5 || eu.Burst() != 1 {
		t.Errorf("macie2 bucket: %v a second, depth %d; want 5 and 1", eu.Limit(), eu.Burst())
	}
	if a, b := l.admit(Key{"organizations", "us-east-1"}), l.admit(Key{"organizations", "eu-west-1"}); a == nil || a != b {
		t.Error("organizations does not share one bucket across Regions")
	}
	if l.admit(Key{"tagging", "eu-west-1"}) != nil {
		t.Error("a service without a quota waits on a bucket")
	}
	calls := l.Calls()
	if calls[Key{"macie2", "eu-west-1"}] != 2 || calls[Key{"tagging", "eu-west-1"}] != 1 || calls[Key{"organizations", "eu-west-1"}] != 1 {
		t.Errorf("calls by key: %v", calls)
	}
}

func TestFloorIsTheLargestBoundOverRegionsAndAccountWideQuotas(t *testing.T) {
	r := SweepRow{
		Options: SweepOptions{Regions: []string{"eu-west-1", "us-east-1"}, Latency: 20 * time.Millisecond, Concurrency: 4,
			Limits: Limits{"macie2": {Rate: 100}, "sts": {Rate: 600}, "organizations": {Rate: 10, Scope: AccountWide}}},
		ByKey: map[Key]int{{"macie2", "eu-west-1"}: 400, {"tagging", "eu-west-1"}: 600, {"sts", "eu-west-1"}: 300,
			{"macie2", "us-east-1"}: 100, {"organizations", "us-east-1"}: 50},
	}
	// eu-west-1: 1,000 calls (sts's are made by both Regions' workers) × 20 ms / 4 = 5 s; macie2
	// 400 / 100 = 4 s; sts 0.5 s. us-east-1: 100 calls (organizations is account-wide) → 0.5 s;
	// macie2 1 s. All Regions: 1,450 calls × 20 ms / 8 = 3.625 s. organizations: 50 / 10 = 5 s,
	// the tie going to the first name.
	if got := r.Floor(); got.What != "latency eu-west-1" || got.Time != 5*time.Second || got.Calls != 1000 {
		t.Errorf("floor %+v, want latency eu-west-1, 1,000 calls, 5 s", got)
	}
	r.ByKey[Key{"sts", "eu-west-1"}] = 3000 // all Regions: 4,150 calls × 20 ms / 8 = 10.375 s
	if got := r.Floor(); got.What != "latency, all Regions" || got.Time != 10375*time.Millisecond {
		t.Errorf("floor %+v, want the latency of all Regions at 10.375 s", got)
	}
	r.ByKey[Key{"sts", "eu-west-1"}] = 300
	if got := r.RegionFloor("us-east-1"); got.What != "macie2 us-east-1" || got.Time != time.Second {
		t.Errorf("us-east-1 floor %+v, want macie2 at 1 s", got)
	}
	r.Options.Concurrency = 8 // eu-west-1's latency bound halves to 2.5 s
	if got := r.Floor(); got.What != "organizations" || got.Time != 5*time.Second {
		t.Errorf("floor %+v, want organizations at 5 s", got)
	}
}

func TestRegionSharesFallLikeOneOverKSquared(t *testing.T) {
	s := RegionShares(4)
	want := []float64{0.702, 0.176, 0.078, 0.044}
	sum := 0.0
	for i := range s {
		sum += s[i]
		if math.Abs(s[i]-want[i]) > 0.001 {
			t.Errorf("share %d = %.3f, want %.3f", i, s[i], want[i])
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares sum to %v", sum)
	}
	if one := RegionShares(1); len(one) != 1 || one[0] != 1 {
		t.Errorf("one Region: %v", one)
	}
}

func TestSpreadAndAgreement(t *testing.T) {
	runs := func(walls ...time.Duration) []SweepRow {
		var rows []SweepRow
		for _, w := range walls {
			rows = append(rows, SweepRow{Run: SweepRun{Wall: w}})
		}
		return rows
	}
	if got := Spread(runs(100*time.Second, 108*time.Second)); math.Abs(got-0.08) > 1e-9 {
		t.Errorf("spread %v, want 0.08", got)
	}
	if got := agree(runs(100*time.Second, 108*time.Second)); got != "yes (8 %)" {
		t.Errorf("8 %% apart: %q", got)
	}
	if got := agree(runs(100*time.Second, 111*time.Second)); got != "**no** (11 %)" {
		t.Errorf("11 %% apart: %q", got)
	}
	if got := agree(runs(time.Second)); got != "one run" {
		t.Errorf("one run: %q", got)
	}
	busy := runs(100*time.Second, 101*time.Second)
	busy[1].Run.CPU, busy[1].SandboxCPU = time.Duration(runtime.NumCPU())*60*time.Second, time.Duration(runtime.NumCPU())*25*time.Second
	if got := agree(busy); got != "**no**: CPU-bound (84 % busy)" {
		t.Errorf("a run that kept 84 %% of the CPUs busy: %q", got)
	}
}

func TestSweepOverRegionsReadsEveryPairAndEnrolsPerRegion(t *testing.T) {
	regions := []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	o := SweepOptions{Accounts: 60, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 3, Regions: regions, Concurrency: 8,
		Limits: Quotas(), Passes: 1}
	rows, err := Sweep(context.Background(), o, RunSweep)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	creates := 0
	for _, region := range regions {
		if got := r.ByKey[Key{"tagging", region}]; got != o.Accounts+1 {
			t.Errorf("%s: %d GetResources, want one per pair (%d)", region, got, o.Accounts+1)
		}
		if r.TaggedIn[region] == 0 || r.ByKey[Key{"macie2", region}] < r.TaggedIn[region] {
			t.Errorf("%s: %d accounts with a tagged bucket, %d Macie calls", region, r.TaggedIn[region], r.ByKey[Key{"macie2", region}])
		}
		creates += r.TaggedIn[region]
	}
	if r.TaggedIn[regions[0]] <= r.TaggedIn[regions[2]] {
		t.Errorf("the home Region has %d tagged accounts, the last %d", r.TaggedIn[regions[0]], r.TaggedIn[regions[2]])
	}
	if r.Run.Creates != creates || r.Calls["macie2:CreateMember"] != creates {
		t.Errorf("%d members created (%d CreateMember), want one per Region an account has a tagged bucket in (%d)",
			r.Run.Creates, r.Calls["macie2:CreateMember"], creates)
	}
	if r.Floor().Time <= 0 || r.Run.CPU <= 0 {
		t.Errorf("floor %v, engine CPU %v", r.Floor(), r.Run.CPU)
	}
}
