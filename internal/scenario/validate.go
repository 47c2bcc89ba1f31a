package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
)

var (
	bucketRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	faultOpRE = regexp.MustCompile(`^(s3|sts|organizations|tagging|macie2):[A-Za-z]+$`)
)

// checker validates a scenario, tracking which buckets exist as the steps run.
type checker struct {
	s       *Scenario
	known   map[string]bool   // account ids
	buckets map[string]string // bucket name -> owner
}

func validate(s *Scenario) error {
	c := &checker{s: s, known: map[string]bool{}, buckets: map[string]string{}}
	for _, f := range []func() error{c.organization, c.config, c.initial, c.steps} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) organization() error {
	o := &c.s.Organization
	if err := account("$.organization.managementAccount", o.ManagementAccount); err != nil {
		return err
	}
	if err := account("$.organization.adminAccount", o.AdminAccount); err != nil {
		return err
	}
	if len(o.Regions) == 0 {
		return missing("$.organization.regions", "at least one managed Region")
	}
	for i, r := range o.Regions {
		if err := region(fmt.Sprintf("$.organization.regions[%d]", i), r); err != nil {
			return err
		}
	}
	c.known[o.ManagementAccount], c.known[o.AdminAccount] = true, true
	for i := range o.Accounts {
		a := &o.Accounts[i]
		path := fmt.Sprintf("$.organization.accounts[%d]", i)
		if err := account(path+".id", a.ID); err != nil {
			return err
		}
		if c.known[a.ID] && a.ID != o.ManagementAccount && a.ID != o.AdminAccount {
			return errAt(path+".id", "account %s is listed twice", a.ID)
		}
		c.known[a.ID] = true
		if a.Email == "" {
			a.Email = a.ID + "@example.com"
		}
	}
	return nil
}

func (c *checker) config() error {
	cfg := c.s.Config
	if cfg.TagKey != "" && strings.TrimSpace(cfg.TagKey) == "" {
		return errAt("$.config.tagKey", "tag key is blank")
	}
	if err := period("$.config.reconcileEveryHours", cfg.ReconcileEveryHours); err != nil {
		return err
	}
	if !slices.Contains([]string{"", "on", "off"}, cfg.Backfill) {
		return errAt("$.config.backfill", "backfill must be on or off, not %q", cfg.Backfill)
	}
	if !slices.Contains([]string{"", "off", "inherit"}, cfg.AutomatedDiscovery) {
		return errAt("$.config.automatedDiscovery", "automatedDiscovery must be off or inherit, not %q", cfg.AutomatedDiscovery)
	}
	for _, l := range []struct {
		path string
		ids  []string
	}{{"$.config.protectedAccounts", cfg.ProtectedAccounts}, {"$.config.excludedAccounts", cfg.ExcludedAccounts}} {
		for i, id := range l.ids {
			if err := account(fmt.Sprintf("%s[%d]", l.path, i), id); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) initial() error {
	for i, b := range c.s.Initial.Buckets {
		path := fmt.Sprintf("$.initial.buckets[%d]", i)
		if err := c.newBucket(path, "name", b.Account, b.Region, b.Name); err != nil {
			return err
		}
		if err := objects(path, b.Group()); err != nil {
			return err
		}
		if !within(b.AgeDays, maxAgeDays) {
			return errAt(path+".ageDays", "ageDays must be between 0 and %d", maxAgeDays)
		}
	}
	if err := automatedDiscovery("$.initial.automatedDiscovery", c.s.Initial.AutomatedDiscovery); err != nil {
		return err
	}
	if err := period("$.initial.inventoryRefreshHours", c.s.Initial.InventoryRefreshHours); err != nil {
		return err
	}
	for i, m := range c.s.Initial.Members {
		path := fmt.Sprintf("$.initial.members[%d]", i)
		if err := c.knownAccount(path+".account", m.Account); err != nil {
			return err
		}
		if !slices.Contains(c.s.Organization.Regions, m.Region) {
			return errAt(path+".region", "%q is not a managed Region", m.Region)
		}
		if m.Status != "Enabled" && m.Status != "Paused" {
			return errAt(path+".status", "status %q must be Enabled or Paused", m.Status)
		}
		if m.Account == c.s.Organization.AdminAccount {
			return errAt(path+".account", "the administrator cannot be a member of itself")
		}
	}
	return nil
}

// newBucket checks a bucket that comes into existence.
func (c *checker) newBucket(path, nameKey, acct, reg, name string) error {
	if err := c.knownAccount(path+".account", acct); err != nil {
		return err
	}
	if err := region(path+".region", reg); err != nil {
		return err
	}
	if name == "" {
		return missing(path+"."+nameKey, "a bucket name")
	}
	if !bucketRE.MatchString(name) {
		return errAt(path, "%q is not a valid S3 bucket name", name)
	}
	if _, ok := c.buckets[name]; ok {
		return errAt(path, "bucket %s already exists (bucket names are global)", name)
	}
	c.buckets[name] = acct
	return nil
}

// existing checks a reference to a bucket that must exist at this point.
func (c *checker) existing(path string, ref BucketRef) error {
	if err := c.knownAccount(path+".account", ref.Account); err != nil {
		return err
	}
	if ref.Bucket == "" {
		return missing(path+".bucket", "the name of a bucket")
	}
	owner, ok := c.buckets[ref.Bucket]
	if !ok {
		return errAt(path, "bucket %q does not exist at this step", ref.Bucket)
	}
	if owner != ref.Account {
		return errAt(path, "bucket %s belongs to %s, not %s", ref.Bucket, owner, ref.Account)
	}
	return nil
}

func (c *checker) knownAccount(path, id string) error {
	if err := account(path, id); err != nil {
		return err
	}
	if !c.known[id] {
		return errAt(path, "account %s is not in the organization", id)
	}
	return nil
}

func account(path, id string) error {
	if id == "" {
		return missing(path, "a 12-digit account id, quoted")
	}
	if !awsid.IsAccount(id) {
		return errAt(path, "%q is not a 12-digit account id (quote it, e.g. \"333333333333\")", id)
	}
	return nil
}

func region(path, r string) error {
	if r == "" {
		return missing(path, "a Region name like eu-west-1")
	}
	if !awsid.IsRegion(r) {
		return errAt(path, "%q is not a Region name like eu-west-1", r)
	}
	return nil
}

// missing is the error for a required field that is absent or empty: it names the field.
func missing(path, what string) error {
	return errAt(path, "%s is required (%s)", field(path), what)
}

// field is the name of the field at path, as the file spells it: organization.regions[0].
func field(path string) string { return strings.TrimPrefix(path, "$.") }
