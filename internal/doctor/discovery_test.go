package doctor

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

type fakeDiscovery struct {
	ds  plan.DiscoveryState
	err error
}

func (f fakeDiscovery) DiscoveryConfig(context.Context, string) (plan.DiscoveryState, error) {
	return f.ds, f.err
}

func TestDiscoveryCheck(t *testing.T) {
	on := plan.DiscoveryState{Status: plan.DiscoveryEnabled, AutoEnable: "ALL"}
	for name, c := range map[string]struct {
		d      Discovery
		policy string
		result Result
		detail string
		remedy string
	}{
		"org off":         {fakeDiscovery{ds: plan.DiscoveryState{Status: plan.DiscoveryDisabled, AutoEnable: "NONE"}}, plan.DiscoveryInherit, Pass, "is DISABLED", ""},
		"on, policy off":  {fakeDiscovery{ds: on}, plan.DiscoveryOff, Pass, "turns it off for every account it enables", ""},
		"on, inherit":     {fakeDiscovery{ds: on}, plan.DiscoveryInherit, Warn, "0.01 USD per 100,000 objects", "update-automated-discovery-configuration --status DISABLED --region eu-west-1"},
		"not read":        {fakeDiscovery{err: errors.New("AccessDenied")}, plan.DiscoveryOff, Warn, "not read", "macie2:GetAutomatedDiscoveryConfiguration"},
		"no reader given": {nil, plan.DiscoveryOff, Skipped, "not read", ""},
	} {
		got := discoveryCheck(context.Background(), c.d, c.policy, "eu-west-1")
		if got.Result != c.result || !strings.Contains(got.Detail, c.detail) || !strings.Contains(got.Remedy, c.remedy) || got.Check != CheckDiscovery {
			t.Errorf("%s: %+v", name, got)
		}
	}
}
