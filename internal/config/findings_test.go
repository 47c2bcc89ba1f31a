package config

import (
	"strings"
	"testing"
)

func TestFindingsFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	f, err := FindingsFromEnv(env(nil))
	if err != nil || f.Enabled() || f.MinSeverity != "LOW" {
		t.Errorf("no variables: %+v, %v; want disabled, LOW", f, err)
	}
	f, err = FindingsFromEnv(env(map[string]string{EnvFindingsQueueARN: "arn:aws:sqs:eu-west-1:222222222222:findings",
		EnvFindingsTopicRegion: "eu-west-1", EnvFindingsMinSeverity: "medium"}))
	if err != nil || !f.Enabled() || f.MinSeverity != "MEDIUM" || f.TopicRegion != "eu-west-1" {
		t.Errorf("all set: %+v, %v", f, err)
	}
	for name, m := range map[string]map[string]string{
		EnvFindingsMinSeverity: {EnvFindingsMinSeverity: "severe"},
		EnvFindingsTopicRegion: {EnvFindingsQueueARN: "arn:aws:sqs:eu-west-1:222222222222:findings"},
		EnvFindingsQueueARN:    {EnvFindingsQueueARN: "findings", EnvFindingsTopicRegion: "eu-west-1"},
	} {
		if _, err := FindingsFromEnv(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", m, err, name)
		}
	}
}
