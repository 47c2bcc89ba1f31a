package simulate

import (
	"bytes"
	"strings"
	"testing"
)

// two has a tagged sensitive bucket in each of three accounts: 444 has no workload stack (no read
// role, so no topic), 555's bucket holds credentials. The job's first run finds them (backfill
// off, so the daily job has its initial run); the
// findings are queued and delivered shuffled, each three times.
const two = `organization:
  managementAccount: "111111111111"
  adminAccount: "222222222222"
  regions: [eu-west-1]
  accounts: [{id: "333333333333"}, {id: "444444444444", readRole: false}, {id: "555555555555"}]
config: {backfill: off}
initial:
  buckets:
    - {account: "333333333333", region: eu-west-1, name: a-tagged, tags: {macie: "true"}, objects: 10, sizeGB: 1, sensitiveObjects: 2, ageDays: 1}
    - {account: "444444444444", region: eu-west-1, name: b-tagged, tags: {macie: "true"}, objects: 10, sizeGB: 1, sensitiveObjects: 1, ageDays: 1}
    - {account: "555555555555", region: eu-west-1, name: c-tagged, tags: {macie: "true"}, objects: 10, sizeGB: 1, sensitiveObjects: 1, sensitiveType: CREDENTIALS, ageDays: 1}
  members:
    - {account: "333333333333", region: eu-west-1, status: Enabled}
    - {account: "444444444444", region: eu-west-1, status: Enabled}
    - {account: "555555555555", region: eu-west-1, status: Enabled}
steps:
  - hold: true
  - reconcile: {}
  - deliver: {order: shuffle, duplicates: 2, seed: 3}
`

func TestFindingsReachOnlyTheirOwnersOnceEach(t *testing.T) {
	out := run(t, "notify.yaml", two)
	got := map[string]Notification{}
	for _, n := range out.Notifications {
		got[n.Account] = n
	}
	if len(got) != 2 || got["444444444444"].Messages != 0 {
		t.Fatalf("notifications %+v: want 333's and 555's topics only (444 has no topic)", out.Notifications)
	}
	a, c := got["333333333333"], got["555555555555"]
	if a.Messages != 2 || a.Bucket != "a-tagged" || a.Severity != "Low" || a.Topic != "arn:aws:sns:eu-west-1:333333333333:MacieSelfServiceFindings" {
		t.Errorf("333: %+v, want its two findings, each once despite two duplicates", a)
	}
	if c.Messages != 1 || c.Severity != "High" || c.FindingType != "SensitiveData:S3Object/Credentials" {
		t.Errorf("555: %+v, want one High credentials finding", c)
	}
	var text bytes.Buffer
	if err := out.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Findings published to the teams that own the buckets: 3 messages") ||
		!strings.Contains(text.String(), "3 findings published to the teams that own the buckets") {
		t.Errorf("text does not show the findings reaching their teams:\n%s", text.String())
	}
}
