package plan

import (
	"fmt"
	"testing"
)

func TestDiscoveryActions(t *testing.T) {
	r := Rules{Admin: "222222222222", Excluded: map[string]bool{"555555555555": true}, Discovery: DiscoveryOff}
	ds := DiscoveryState{Region: "eu-west-1", Status: DiscoveryEnabled, AutoEnable: "ALL", Accounts: map[string]string{
		"333333333333": DiscoveryEnabled, "444444444444": DiscoveryDisabled, "555555555555": DiscoveryEnabled, "222222222222": DiscoveryEnabled,
	}}
	enabled := []string{"333333333333", "444444444444", "555555555555", "222222222222"}
	acts := DiscoveryActions(r, ds, enabled, []string{"666666666666"})
	if len(acts) != 1 || acts[0].Kind != DisableDiscovery || fmt.Sprint(acts[0].Accounts) != "[333333333333 666666666666]" {
		t.Fatalf("%+v", acts)
	}
	single := DiscoveryActions(r, ds, []string{"333333333333"}, nil)
	if len(single) != 1 || single[0].Account != "333333333333" {
		t.Fatalf("a one-account action is that account's, ordered after its enrolment: %+v", single)
	}
	for name, c := range map[string]struct {
		r  Rules
		ds DiscoveryState
	}{
		"inherit":          {Rules{Discovery: DiscoveryInherit}, ds},
		"organization off": {r, DiscoveryState{Status: DiscoveryDisabled, Accounts: ds.Accounts}},
	} {
		if acts := DiscoveryActions(c.r, c.ds, enabled, []string{"666666666666"}); len(acts) != 0 {
			t.Errorf("%s: %v", name, acts)
		}
	}
	none := ds
	none.AutoEnable = AutoEnableNone
	if acts := DiscoveryActions(r, none, nil, []string{"666666666666"}); len(acts) != 0 {
		t.Errorf("new members do not get discovery with NONE: %v", acts)
	}
}

func TestDiscoveryActionsBatches(t *testing.T) {
	r := Rules{Discovery: DiscoveryOff}
	ds := DiscoveryState{Status: DiscoveryEnabled, AutoEnable: "NEW", Accounts: map[string]string{}}
	var enabled []string
	for i := range 120 {
		id := fmt.Sprintf("%012d", 300000000000+i)
		ds.Accounts[id] = DiscoveryEnabled
		enabled = append(enabled, id)
	}
	acts := DiscoveryActions(r, ds, enabled, nil)
	if len(acts) != 3 || len(acts[0].Accounts) != 50 || len(acts[2].Accounts) != 20 || acts[0].Account != "" {
		t.Fatalf("%d actions", len(acts))
	}
}
