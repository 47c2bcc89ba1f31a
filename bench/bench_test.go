package bench

import (
	"context"
	"maps"
	"testing"
)

// The tests in this file are the regression guard on call counts that `make test` and
// `make bench-quick` run: small sizes, counts only, never times.

// engineBound is the most calls each case may cost the engine, whatever the account's size.
var engineBound = map[Case]int{TagOn: 6, TagOffOthersLeft: 4, DeleteLast: 5}

// naiveExtra is the baseline's calls beside one GetBucketTagging per bucket.
var naiveExtra = map[Case]int{TagOn: 4, TagOffOthersLeft: 2, DeleteLast: 2, TagOffAllTagged: 2}

func TestEventCallsStayFlat(t *testing.T) {
	sizes := []int{1, 10, 250}
	rows, err := EventCalls(context.Background(), sizes)
	if err != nil {
		t.Fatal(err)
	}
	atTen := map[Case]int{}
	for _, r := range rows {
		if r.Buckets == 10 {
			atTen[r.Case] = r.Ours.Total()
		}
	}
	for _, r := range rows {
		ours, naive := r.Ours.Total(), r.Naive.Total()
		if bound, ok := engineBound[r.Case]; ok && ours > bound {
			t.Errorf("%s, %d buckets: engine made %d calls (%s), want at most %d", r.Case, r.Buckets, ours, r.Ours, bound)
		}
		if r.Case == TagOffAllTagged {
			// One GetResources page per 100 tagged buckets, on top of three calls.
			if want := 3 + (r.Buckets+99)/100; ours > want {
				t.Errorf("%s, %d buckets: engine made %d calls (%s), want at most %d", r.Case, r.Buckets, ours, r.Ours, want)
			}
		} else if r.Buckets > 10 && ours != atTen[r.Case] {
			t.Errorf("%s: engine made %d calls at %d buckets and %d at 10: not flat", r.Case, ours, r.Buckets, atTen[r.Case])
		}
		if want := r.Buckets + naiveExtra[r.Case]; naive != want {
			t.Errorf("%s, %d buckets: baseline made %d calls (%s), want %d", r.Case, r.Buckets, naive, r.Naive, want)
		}
	}
}

func TestBurstReconcilesEachPairOncePerBatch(t *testing.T) {
	o := BurstOptions{Accounts: 20, BucketsPerAccount: 5, BatchSizes: []int{10, 50},
		Orders: []Order{Clustered, Interleaved}, Concurrency: 8}
	rows, err := Burst(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	for _, r := range rows {
		if r.Events != 100 || r.Failures != 0 {
			t.Errorf("%s/%d: %d events, %d failures; want 100 and 0", r.Order, r.Batch, r.Events, r.Failures)
		}
		if r.Units != r.Pairs {
			t.Errorf("%s/%d: %d reconciles for %d distinct pairs", r.Order, r.Batch, r.Units, r.Pairs)
		}
		// Per event: its bucket read. Per reconcile: account lookup and member read. Per account:
		// its role and its enrolment. Per batch: the Region check.
		bound := r.Events + 2*r.Units + 2*o.Accounts + 2*r.Batches + 1
		if got := r.Calls.Total(); got > bound {
			t.Errorf("%s/%d: %d calls (%s), want at most %d", r.Order, r.Batch, got, r.Calls, bound)
		}
		if got := r.Calls["macie2:CreateMember"]; got != o.Accounts {
			t.Errorf("%s/%d: %d CreateMember calls, want one per account (%d)", r.Order, r.Batch, got, o.Accounts)
		}
	}
	if r := rows[0]; r.Units != 20 {
		t.Errorf("by account, batches of 10: %d reconciles, want 20 (10 batches, each spanning two accounts)", r.Units)
	}
}

func TestSweepCallsPerAccount(t *testing.T) {
	o := SweepOptions{Accounts: 40, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 1, Concurrency: 8, Passes: 2}
	rows, err := Sweep(context.Background(), o, RunSweep)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d passes, want 2", len(rows))
	}
	first, second := rows[0], rows[1]
	if first.Run.Creates != first.Tagged || first.Tagged == 0 || first.Tagged == o.Accounts {
		t.Errorf("first pass created %d members; %d of %d accounts have a tagged bucket", first.Run.Creates, first.Tagged, o.Accounts)
	}
	if second.Run.Actions != 0 {
		t.Errorf("second pass took %d actions, want none", second.Run.Actions)
	}
	pairs := o.Accounts + 1 // the workload accounts and the management account
	if got := second.Calls["tagging:GetResources"]; got != pairs {
		t.Errorf("second pass: %d GetResources, want one per pair (%d)", got, pairs)
	}
	listPages := (o.Accounts + 2 + 19) / 20
	// Per pair: its role and its tagged buckets. Once: the Organizations role, the account and
	// member lists, the Region's job and publication.
	bound := 2*pairs + 1 + listPages + 4
	if got := second.Calls.Total(); got > bound {
		t.Errorf("second pass: %d calls (%s), want at most %d", got, second.Calls, bound)
	}
	if got := first.Calls.Total() - second.Calls.Total(); got > first.Tagged+4 {
		t.Errorf("first pass made %d calls more than the second, want at most one per enrolment and the Region's set-up", got)
	}
}

func TestSweepCallsDoNotDependOnUntaggedBuckets(t *testing.T) {
	o := SweepOptions{Accounts: 30, BucketsPerAccount: 20, TaggedFraction: 0.1, Seed: 2, Concurrency: 8, Passes: 1}
	all, err := Sweep(context.Background(), o, RunSweep)
	if err != nil {
		t.Fatal(err)
	}
	o.SkipUntagged = true
	tagged, err := Sweep(context.Background(), o, RunSweep)
	if err != nil {
		t.Fatal(err)
	}
	if all[0].Held != 30*20 || tagged[0].Held >= all[0].Held/2 {
		t.Errorf("the sandbox held %d and %d buckets", all[0].Held, tagged[0].Held)
	}
	if !maps.Equal(all[0].Calls, tagged[0].Calls) {
		t.Errorf("calls with every bucket: %s; with the tagged ones only: %s", all[0].Calls, tagged[0].Calls)
	}
}

func TestSpliceReplacesOnlyTheBlock(t *testing.T) {
	doc := "intro\n<!-- begin:x -->\nold\n<!-- end:x -->\nafter\n"
	got, err := Splice(doc, "x", "new table\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n<!-- begin:x -->\nnew table\n<!-- end:x -->\nafter\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := Splice(doc, "y", "z"); err == nil {
		t.Error("a missing block gave no error")
	}
}

func TestNumAndDelta(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4000: "-4,000"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
	d := Delta{"s3:GetBucketTagging": 3, "macie2:GetMember": 1, "a:B": 1}
	if got, want := d.String(), "s3:GetBucketTagging 3, a:B 1, macie2:GetMember 1"; got != want {
		t.Errorf("Delta.String() = %q, want %q", got, want)
	}
	if d.Total() != 5 {
		t.Errorf("Total() = %d, want 5", d.Total())
	}
}
