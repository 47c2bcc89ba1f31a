package sandbox

import "fmt"

// The example organization of LoadExample.
const (
	ExampleOrganization = "o-sandbox0001"
	ExampleManagement   = "111111111111"
	ExampleAdmin        = "222222222222"
	ExampleWorkloadA    = "333333333333"
	ExampleWorkloadB    = "444444444444"
	// ExampleReadRole is the read-only role of each workload account.
	ExampleReadRole = "MacieSelfServiceRead"
	// ExampleOrgReadRole is the Organizations read role of the management account.
	ExampleOrgReadRole = "MacieSelfServiceOrgRead"
)

// ExampleRegions are the Regions of the example's buckets.
var ExampleRegions = []string{"eu-west-1", "us-east-1"}

// ExampleConfigParameter is the parameter holding the configuration the central stack would
// write, in the administrator account and the first example Region; ExampleConfig is its value.
const (
	ExampleConfigParameter = "/macie-selfservice/config"
	ExampleConfig          = `{"regions":["eu-west-1","us-east-1"],"tagKey":"macie","tagValue":"true",` +
		`"protectedAccounts":[],"excludedAccounts":[],"readRole":"MacieSelfServiceRead",` +
		`"orgReadRoleArn":"arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead","samplingPercentage":100,` +
		`"dryRun":false,"concurrency":16}`
)

// LoadExample sets up a small organization: a management account, a Macie administrator
// account (designated in every example Region, as the management stack does) and two workload
// accounts with buckets in eu-west-1 and us-east-1, some tagged macie=true, some with near-miss
// tags, some untagged, and the administrator's configuration parameter (ExampleConfig). Buckets holding objects cannot be
// deleted (BucketNotEmpty), as on AWS; the *-scratch buckets are empty.
func (s *Sandbox) LoadExample() error {
	s.SetOrganization(ExampleOrganization, ExampleManagement)
	for _, a := range []Account{
		{ID: ExampleManagement, Email: "management@example.com", Name: "Management"},
		{ID: ExampleAdmin, Email: "security@example.com", Name: "Security", OU: "Security"},
		{ID: ExampleWorkloadA, Email: "team-a@example.com", Name: "Team A", OU: "Workloads"},
		{ID: ExampleWorkloadB, Email: "team-b@example.com", Name: "Team B", OU: "Workloads"},
	} {
		s.AddAccount(a)
	}
	s.AddRole(ExampleManagement, ExampleOrgReadRole)
	for _, region := range ExampleRegions {
		s.Macie().SetAdmin(region, ExampleAdmin)
	}
	s.PutParameter(ExampleAdmin, ExampleRegions[0], ExampleConfigParameter, ExampleConfig)
	s.AddRole(ExampleWorkloadA, ExampleReadRole)
	s.AddRole(ExampleWorkloadB, ExampleReadRole)
	const gib = 1 << 30
	for _, b := range []Bucket{
		{Account: ExampleWorkloadA, Region: "eu-west-1", Name: "team-a-customer-exports", Tags: map[string]string{"macie": "true", "owner": "team-a"}, SizeBytes: 12 * gib, Objects: 48000},
		{Account: ExampleWorkloadA, Region: "eu-west-1", Name: "team-a-invoices", Tags: map[string]string{"owner": "team-a"}, SizeBytes: 3 * gib, Objects: 9100},
		{Account: ExampleWorkloadA, Region: "eu-west-1", Name: "team-a-scratch"},
		{Account: ExampleWorkloadA, Region: "us-east-1", Name: "team-a-us-archive", Tags: map[string]string{"macie": "True"}, SizeBytes: 40 * gib, Objects: 210000},
		{Account: ExampleWorkloadB, Region: "eu-west-1", Name: "team-b-raw-uploads", Tags: map[string]string{"Macie": "true"}, SizeBytes: 7 * gib, Objects: 15000},
		{Account: ExampleWorkloadB, Region: "eu-west-1", Name: "team-b-scratch"},
		{Account: ExampleWorkloadB, Region: "us-east-1", Name: "team-b-reports", Tags: map[string]string{"macie": "true"}, SizeBytes: gib / 2, Objects: 1200},
		{Account: ExampleAdmin, Region: "eu-west-1", Name: "security-macie-results", SizeBytes: gib / 4, Objects: 300},
	} {
		if err := s.PutBucket(b); err != nil {
			return fmt.Errorf("loading the example organization: %w", err)
		}
	}
	return nil
}
