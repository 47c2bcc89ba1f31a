package config

import (
	"strings"
	"testing"
)

func TestCoverageSettingsFromEnv(t *testing.T) {
	base := map[string]string{EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1"}
	env := func(extra map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base[k]
		}
	}
	c, err := FromEnv(env(nil))
	if err != nil || !c.Backfill || c.AutomatedDiscovery != "off" || !c.Rules().Backfill || c.Rules().Discovery != "off" || !c.Rules().Job.NoInitialRun {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = FromEnv(env(map[string]string{EnvBackfill: "off", EnvDiscovery: "inherit"}))
	if err != nil || c.Backfill || c.AutomatedDiscovery != "inherit" || c.Rules().Job.NoInitialRun {
		t.Fatalf("off/inherit: %+v, %v", c, err)
	}
	on := c
	on.Backfill = true
	if c.Rules().Job.Name != on.Rules().Job.Name {
		t.Fatal("the initial run is not part of the job's name")
	}
	_, err = FromEnv(env(map[string]string{EnvBackfill: "yes", EnvDiscovery: "Off"}))
	if err == nil || !strings.Contains(err.Error(), `BACKFILL="yes"`) || !strings.Contains(err.Error(), `AUTOMATED_DISCOVERY="Off"`) {
		t.Fatalf("bad values are named: %v", err)
	}
}
