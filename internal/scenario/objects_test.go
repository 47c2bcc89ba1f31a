package scenario

import (
	"strings"
	"testing"
	"time"
)

func TestParseObjectsAndTime(t *testing.T) {
	s, err := Load("testdata/objects-and-time.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Initial.Buckets[0].Group()
	if a.N() != 1000 || a.SizeBytes() != 10<<30 || a.Sensitive() != 3 || a.Type() != "CREDENTIALS" || s.Initial.Buckets[0].Age() != 400*24*time.Hour {
		t.Fatalf("bucket %+v", a)
	}
	if b := s.Initial.Buckets[1].Group(); b.N() != 2048 || b.Sensitive() != 0 || b.Type() != DefaultSensitiveType {
		t.Fatalf("a size alone means one object per MiB: %+v (n %d)", b, b.N())
	}
	ad := s.Initial.AutomatedDiscovery
	if ad.StatusOrDefault() != "ENABLED" || ad.AutoEnableOrDefault() != "NONE" {
		t.Fatalf("automated discovery %+v", ad)
	}
	if s.Initial.InventoryRefresh() != 12*time.Hour || s.Config.ReconcileEvery() != 12*time.Hour {
		t.Fatalf("periods %v %v", s.Initial.InventoryRefresh(), s.Config.ReconcileEvery())
	}
	p := s.Steps[0].PutObjects.Group()
	if p.N() != 10 || p.SizeBytes() != 107374182 || p.Sensitive() != 1 || p.Type() != DefaultSensitiveType {
		t.Fatalf("putObjects %+v", p)
	}
	if s.Steps[1].Advance.Duration() != 36*time.Hour || s.Steps[2].Advance.Duration() != 90*time.Minute || s.Steps[2].Line != 18 {
		t.Fatalf("advance %+v %+v", s.Steps[1].Advance, s.Steps[2])
	}
}

func TestTimeDefaults(t *testing.T) {
	s, err := Parse("base.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if s.Initial.InventoryRefresh() != 24*time.Hour || s.Config.ReconcileEvery() != 6*time.Hour || s.Initial.AutomatedDiscovery != nil {
		t.Fatalf("defaults %v %v %v", s.Initial.InventoryRefresh(), s.Config.ReconcileEvery(), s.Initial.AutomatedDiscovery)
	}
	if n := s.Initial.Buckets[0].Group().N(); n != 0 {
		t.Fatalf("a bucket with neither objects nor size holds %d objects", n)
	}
	ad := AutomatedDiscovery{}
	if ad.StatusOrDefault() != "ENABLED" || ad.AutoEnableOrDefault() != "ALL" {
		t.Fatalf("automated discovery defaults %q %q", ad.StatusOrDefault(), ad.AutoEnableOrDefault())
	}
}

func TestBadObjectsAndTimeNameTheLineAndField(t *testing.T) {
	bucket := `{account: "333333333333", region: eu-west-1, name: pii-data, tags: {macie: "true"}}`
	withBucket := func(extra string) string {
		return strings.Replace(base, bucket, strings.TrimSuffix(bucket, "}")+", "+extra+"}", 1)
	}
	withInitial := func(line string) string { return strings.Replace(base, "steps:\n", line+"\nsteps:\n", 1) }
	put := func(body string) string { return base + "  - putObjects: {" + body + "}\n" }
	cases := []struct{ name, yaml, want string }{
		{"negative objects", withBucket("objects: -1"), "f.yaml:9: objects must be a whole number between 0"},
		{"negative size", withBucket("sizeGB: -2"), "f.yaml:9: sizeGB must be between 0"},
		{"huge size", withBucket("sizeGB: 1e12"), "f.yaml:9: sizeGB must be between 0"},
		{"too many sensitive", withBucket("objects: 2, sensitiveObjects: 3"), "f.yaml:9: sensitiveObjects must be a whole number between 0 and the number of objects (2)"},
		{"sensitive without objects", withBucket("sensitiveObjects: 1"), "sensitiveObjects must be a whole number between 0 and the number of objects (0)"},
		{"bad type", withBucket("objects: 2, sensitiveType: SECRETS"), `f.yaml:9: sensitiveType "SECRETS" must be`},
		{"negative age", withBucket("ageDays: -1"), "f.yaml:9: ageDays must be between 0"},
		{"fractional objects", withBucket("objects: 1.5"), "f.yaml:9: objects must be a whole number"},
		{"fractional sensitive", withBucket("objects: 3, sensitiveObjects: 0.5"), "f.yaml:9: sensitiveObjects must be a whole number"},
		{"age in words", withBucket("ageDays: old"), "f.yaml:9"},
		{"unknown bucket key", withBucket("object: 3"), "f.yaml:9"},
		{"bad discovery status", withInitial("  automatedDiscovery: {status: ON}"), `f.yaml:10: status "ON" must be ENABLED or DISABLED`},
		{"bad auto-enable", withInitial("  automatedDiscovery: {autoEnableOrganizationMembers: SOME}"), `f.yaml:10: autoEnableOrganizationMembers "SOME"`},
		{"unknown discovery key", withInitial("  automatedDiscovery: {enabled: true}"), "f.yaml:10"},
		{"negative refresh", withInitial("  inventoryRefreshHours: -1"), "f.yaml:10: initial.inventoryRefreshHours must be between 1 minute and 168 hours"},
		{"refresh too long", withInitial("  inventoryRefreshHours: 1000"), "f.yaml:10: initial.inventoryRefreshHours must be between 1 minute and 168 hours"},
		{"reconcile period", strings.Replace(base, "initial:\n", "config: {reconcileEveryHours: 200}\ninitial:\n", 1), "f.yaml:7: config.reconcileEveryHours must be between 1 minute and 168 hours"},
		{"put on a missing bucket", put(`account: "333333333333", bucket: nope-nope, objects: 1`), `f.yaml:11: bucket "nope-nope" does not exist`},
		{"put without bucket", put(`account: "333333333333", objects: 1`), "f.yaml:11: steps[0].putObjects.bucket is required"},
		{"put without account", put(`bucket: pii-data, objects: 1`), "f.yaml:11: steps[0].putObjects.account is required"},
		{"put nothing", put(`account: "333333333333", bucket: pii-data`), "f.yaml:11: put at least one object"},
		{"put too many sensitive", put(`account: "333333333333", bucket: pii-data, objects: 1, sensitiveObjects: 2`), "f.yaml:11: sensitiveObjects must be"},
		{"put bad type", put(`account: "333333333333", bucket: pii-data, objects: 1, sensitiveType: pii`), `f.yaml:11: sensitiveType "pii"`},
		{"advance nothing", base + "  - advance: {}\n", "f.yaml:11: advance by at least a second"},
		{"advance backwards", base + "  - advance: {hours: -3}\n", "f.yaml:11: hours and minutes must be between 0 and 8784 hours"},
		{"advance too far", base + "  - advance: {hours: 9000}\n", "f.yaml:11: hours and minutes must be between 0 and 8784 hours"},
		{"advance too far in sum", base + "  - advance: {hours: 8784, minutes: 60}\n", "f.yaml:11: advance by at least a second and at most 8784 hours"},
		{"advance days", base + "  - advance: {days: 3}\n", "f.yaml:11"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}
