package config

import (
	"slices"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvDefaults(t *testing.T) {
	c, err := FromEnv(env(map[string]string{EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1, us-east-1,eu-west-1"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Regions, []string{"eu-west-1", "us-east-1"}) || c.Policy.String() != "macie=true" ||
		c.ReadRole != DefaultReadRole || c.SamplingPercentage != 100 || c.DryRun || c.Concurrency != 16 ||
		c.SweepShardAccounts != DefaultShardAccounts {
		t.Fatalf("config %+v", c)
	}
	r := c.Rules()
	if r.Admin != "222222222222" || r.Job.TagKey != "macie" || r.Job.SamplingPercentage != 100 {
		t.Fatalf("rules %+v", r)
	}
}

func TestFromEnvErrorsNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		EnvAdminAccount: {EnvAdminAccount: "2222", EnvRegions: "eu-west-1"},
		EnvRegions:      {EnvAdminAccount: "222222222222", EnvRegions: "Ireland"},
		EnvExcluded:     {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvExcluded: "12"},
		EnvProtected:    {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvProtected: "abc"},
		EnvDryRun:       {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvDryRun: "maybe"},
		EnvSampling:     {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvSampling: "0"},
		EnvConcurrency:  {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvConcurrency: "x"},
		EnvShard:        {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvShard: "0"},
		EnvTagKey:       {EnvAdminAccount: "222222222222", EnvRegions: "eu-west-1", EnvTagKey: strings.Repeat("k", 200)},
	}
	for name, vars := range cases {
		if _, err := FromEnv(env(vars)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name it", name, err)
		}
	}
	if _, err := FromEnv(env(nil)); err == nil || !strings.Contains(err.Error(), EnvRegions) {
		t.Errorf("empty env: %v", err)
	}
}

func TestList(t *testing.T) {
	if got := List(" a,,b , a,"); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("List = %q", got)
	}
	if List("") != nil {
		t.Fatal("empty list not nil")
	}
}
