package bench

import (
	"context"
	"testing"
)

// TestSimulatedMonthCountsEveryObject runs a small version of the simulated-month benchmark and
// checks what it reports (never its times).
func TestSimulatedMonthCountsEveryObject(t *testing.T) {
	o := SimulateOptions{Accounts: 3, BucketsPerAccount: 2, ObjectsPerBucket: 1000, Days: 3}
	r, err := Simulate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	// 6 buckets of 1,000 objects, each gaining 10 a day for 3 days.
	if r.Buckets != 6 || r.Objects != 6*(1000+3*10) || r.Failed != 0 {
		t.Fatalf("row %+v", r)
	}
	// Each day: one account tags its second bucket, six putObjects, one advance.
	if r.Steps != 3+3*6+3 {
		t.Fatalf("%d steps", r.Steps)
	}
	if r.Analysed == 0 || r.Analyses < r.Analysed || r.Analysed > r.Objects || r.USD <= 0 {
		t.Fatalf("coverage %+v", r)
	}
	if r.Wall <= 0 || r.CPU <= 0 || r.PeakHeapBytes == 0 {
		t.Fatalf("measures %+v", r)
	}
}
