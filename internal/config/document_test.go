package config

import (
	"slices"
	"strings"
	"testing"
)

func TestParseDocumentReadsEveryKey(t *testing.T) {
	d, err := ParseDocument([]byte(`{"regions":"eu-west-1, us-east-1","tagKey":"macie","tagValue":"true",
		"protectedAccounts":["333333333333"],"excludedAccounts":"","readRole":"MacieSelfServiceRead",
		"orgReadRoleArn":"arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead","samplingPercentage":50,
		"dryRun":true,"concurrency":4,"backfill":"off","automatedDiscovery":"inherit","findingsMinSeverity":"MEDIUM",
		"sweepShardAccounts":50}`))
	if err != nil {
		t.Fatal(err)
	}
	c := d.Config("222222222222")
	if !slices.Equal(c.Regions, []string{"eu-west-1", "us-east-1"}) || !slices.Equal(c.ProtectedAccounts, []string{"333333333333"}) ||
		len(c.ExcludedAccounts) != 0 || c.SamplingPercentage != 50 || !c.DryRun || c.Concurrency != 4 ||
		c.OrgRoleARN != "arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead" || c.Policy.String() != "macie=true" ||
		c.Backfill || c.AutomatedDiscovery != "inherit" || c.FindingsMinSeverity != "MEDIUM" || c.SweepShardAccounts != 50 {
		t.Fatalf("config %+v", c)
	}
}

func TestParseDocumentRefusesNamingTheKey(t *testing.T) {
	cases := map[string]string{
		`{"excludedAcounts":["111111111111"]}`:     `unknown key "excludedAcounts" (did you mean "excludedAccounts"?)`,
		`{"excludedAccounts":["11111111111"]}`:     `excludedAccounts: "11111111111" is not a 12-digit account id`,
		`{"protectedAccounts":"abc"}`:              `protectedAccounts: "abc" is not a 12-digit account id`,
		`{"regions":[]}`:                           `regions: no Region to manage`,
		`{"regions":["Ireland"]}`:                  `regions: "Ireland" is not a Region name`,
		`{"samplingPercentage":0}`:                 `samplingPercentage: 0 is out of range: want 1 to 100`,
		`{"samplingPercentage":"all"}`:             `samplingPercentage: want a int32, not a string`,
		`{"concurrency":0}`:                        `concurrency: 0 is out of range: want 1 to 256`,
		`{"tagKey":""}`:                            `tagKey: tag key must not be empty`,
		`{"readRole":"a b"}`:                       `readRole: "a b" is not an IAM role name`,
		`{"orgReadRoleArn":"MacieSelfServiceOrg"}`: `orgReadRoleArn: "MacieSelfServiceOrg" is not an IAM role ARN`,
		`{"regions":7}`:                            `regions: want a list of strings`,
		`[1]`:                                      `not a JSON object`,
		`{"backfill":"yes"}`:                       `backfill: "yes": want on or off`,
		`{"automatedDiscovery":"on"}`:              `automatedDiscovery: "on": want off or inherit`,
		`{"findingsMinSeverity":"low"}`:            `findingsMinSeverity: "low": want LOW, MEDIUM or HIGH`,
		`{"sweepShardAccounts":0}`:                 `sweepShardAccounts: 0 is out of range: want 1 to 10000`,
	}
	for doc, want := range cases {
		if _, err := ParseDocument([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", doc, err, want)
		}
	}
}

func flagName(k Key) string { return "--" + string(k) }

func TestResolveLayersAndNamesOverrides(t *testing.T) {
	deployed, err := ParseDocument([]byte(`{"regions":["eu-west-1","us-east-1"],"excludedAccounts":["111111111111","444444444444"],"samplingPercentage":100}`))
	if err != nil {
		t.Fatal(err)
	}
	same := ListValue{"444444444444", "111111111111"} // the same set, in another order
	flags := Document{ExcludedAccounts: &same, Concurrency: ptr(4), TagKey: ptr("Macie")}
	r := Resolve(Defaults("eu-west-1"), &deployed, flags, flagName)
	want := map[Key]Source{KeyRegions: SourceDeployed, KeyExcluded: SourceDeployed, KeySampling: SourceDeployed,
		KeyConcurrency: SourceFlag, KeyTagKey: SourceOverride, KeyTagValue: SourceDefault, KeyReadRole: SourceDefault}
	for k, s := range want {
		if r.Sources[k] != s {
			t.Errorf("%s: source %q, want %q", k, r.Sources[k], s)
		}
	}
	if len(r.Overrides) != 1 || r.Overrides[0].String() != "~ tagKey: deployed macie, --tagKey Macie" {
		t.Fatalf("overrides %v", r.Overrides)
	}
	c := r.Document.Config("222222222222")
	if c.Policy.Key != "Macie" || c.Concurrency != 4 || !slices.Equal(c.Regions, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("config %+v", c)
	}
}

func TestResolveWithoutADeployedDocument(t *testing.T) {
	r := Resolve(Defaults("eu-west-1"), nil, Document{ExcludedAccounts: &ListValue{"111111111111"}}, flagName)
	if r.Sources[KeyExcluded] != SourceFlag || r.Sources[KeyRegions] != SourceDefault || len(r.Overrides) != 0 {
		t.Fatalf("resolved %+v", r)
	}
	if r.Document.Value(KeyRegions) != "eu-west-1" || r.Document.Value(KeyDryRun) != "false" || r.Document.Value(KeySampling) != "100" {
		t.Fatalf("defaults %+v", r.Document)
	}
}
