package macie

import (
	"testing"
	"time"
)

func TestInventoryRefreshFollowsItsInterval(t *testing.T) {
	h := newHarness(t, 0)
	h.svc.SetInventoryRefresh(6 * time.Hour) // before the first refresh: still due at the start
	if next, _ := h.svc.NextDue(); !next.Equal(start) {
		t.Fatalf("next due %v, want the start %v", next, start)
	}
	h.svc.RunDue()
	if next, _ := h.svc.NextDue(); !next.Equal(start.Add(6 * time.Hour)) {
		t.Fatalf("after the first refresh, next due %v, want 6 hours on", next)
	}
	h.svc.SetInventoryRefresh(12 * time.Hour)
	if next, _ := h.svc.NextDue(); !next.Equal(start.Add(12 * time.Hour)) {
		t.Fatalf("after a change to 12 hours, next due %v", next)
	}
	h.svc.SetAdmin(region, admin)
	h.world.addBucket(admin, region, "later", 0)
	h.advance(11 * time.Hour)
	if n := len(h.svc.inventory(admin, region)); n != 0 {
		t.Fatalf("the inventory has %d buckets before its refresh", n)
	}
	h.advance(time.Hour)
	if n := len(h.svc.inventory(admin, region)); n != 1 {
		t.Fatalf("the inventory has %d buckets after its refresh, want 1", n)
	}
}
