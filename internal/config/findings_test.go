package config

import (
	"strings"
	"testing"
)

func TestFindingsFromEnv(t *testing.T) {
	f, err := FindingsFromEnv(env(nil))
	if err != nil || f.Enabled() {
		t.Errorf("no variables: %+v, %v; want disabled", f, err)
	}
	f, err = FindingsFromEnv(env(map[string]string{EnvFindingsQueueARN: "arn:aws:sqs:eu-west-1:222222222222:findings",
		EnvFindingsTopicRegion: "eu-west-1"}))
	if err != nil || !f.Enabled() || f.TopicRegion != "eu-west-1" {
		t.Errorf("all set: %+v, %v", f, err)
	}
	for name, m := range map[string]map[string]string{
		EnvFindingsTopicRegion: {EnvFindingsQueueARN: "arn:aws:sqs:eu-west-1:222222222222:findings"},
		EnvFindingsQueueARN:    {EnvFindingsQueueARN: "findings", EnvFindingsTopicRegion: "eu-west-1"},
	} {
		if _, err := FindingsFromEnv(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", m, err, name)
		}
	}
}

// Without a configuration parameter, the minimum severity comes from its variable (LOW by
// default); a bad one is refused naming it.
func TestMinSeverityFromEnv(t *testing.T) {
	base := map[string]string{EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1"}
	c, err := FromEnv(env(base))
	if err != nil || c.FindingsMinSeverity != "LOW" {
		t.Errorf("unset: %q, %v; want LOW", c.FindingsMinSeverity, err)
	}
	base[EnvFindingsMinSeverity] = "medium"
	if c, err := FromEnv(env(base)); err != nil || c.FindingsMinSeverity != "MEDIUM" {
		t.Errorf("medium: %q, %v; want MEDIUM", c.FindingsMinSeverity, err)
	}
	base[EnvFindingsMinSeverity] = "severe"
	if _, err := FromEnv(env(base)); err == nil || !strings.Contains(err.Error(), EnvFindingsMinSeverity) {
		t.Errorf("severe: error %v, want one naming %s", err, EnvFindingsMinSeverity)
	}
}
