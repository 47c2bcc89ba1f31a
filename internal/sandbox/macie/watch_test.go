package macie

import (
	"slices"
	"testing"
)

func TestWatchSeesEveryMemberChange(t *testing.T) {
	s := New(newWorld(), 0)
	var seen []MemberChange
	s.Watch(func(c MemberChange) { seen = append(seen, c) })
	s.SetMember(admin, region, wl1, RelationshipEnabled)
	s.SetMember(admin, region, wl1, RelationshipPaused)
	s.SetMember(admin, region, wl1, RelationshipPaused)
	s.Watch(nil)
	s.SetMember(admin, region, wl1, RelationshipEnabled)
	want := []MemberChange{
		{Admin: admin, Region: region, Account: wl1, From: "", To: "Enabled"},
		{Admin: admin, Region: region, Account: wl1, From: "Enabled", To: "Paused"},
		{Admin: admin, Region: region, Account: wl1, From: "Paused", To: "Paused"},
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("seen %v", seen)
	}
}
