package plan

import "testing"

// A warning that says the same of an account in several Regions is one warning naming them; the
// same warning twice is one; warnings of other buckets stay apart.
func TestMergeWarningsNamesTheRegionsOnce(t *testing.T) {
	got := MergeWarnings([]Warning{
		{Account: "111111111111", Region: "us-east-1", Message: "account 111111111111: no read role in us-east-1"},
		{Account: "111111111111", Region: "eu-west-1", Message: "account 111111111111: no read role in eu-west-1"},
		{Account: "111111111111", Region: "eu-west-1", Message: "account 111111111111: no read role in eu-west-1"},
		{Account: "333333333333", Region: "eu-west-1", Bucket: "a", Message: "near-miss"},
		{Account: "333333333333", Region: "eu-west-1", Bucket: "b", Message: "near-miss"},
	})
	want := []Warning{
		{Account: "111111111111", Message: "account 111111111111: no read role in eu-west-1, us-east-1"},
		{Account: "333333333333", Region: "eu-west-1", Bucket: "a", Message: "near-miss"},
		{Account: "333333333333", Region: "eu-west-1", Bucket: "b", Message: "near-miss"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("warning %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
