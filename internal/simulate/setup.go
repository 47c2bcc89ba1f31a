package simulate

import (
	"fmt"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// Setup builds the organization and the initial state directly, producing no events, for a
// sandbox on the real clock: objects are as old as the scenario says they are now.
func Setup(sb *sandbox.Sandbox, s *scenario.Scenario) error {
	if err := setup(sb, s, time.Now().UTC()); err != nil {
		return err
	}
	sb.Macie().SetInventoryRefresh(s.Initial.InventoryRefresh())
	return nil
}

// setup builds the organization and the initial state, now being the sandbox's time, all but
// the inventory refresh period.
func setup(sb *sandbox.Sandbox, s *scenario.Scenario, now time.Time) error {
	org := s.Organization
	sb.SetOrganization("o-"+org.ManagementAccount[:10], org.ManagementAccount)
	sb.AddAccount(sandbox.Account{ID: org.ManagementAccount, Email: "management@example.com", Name: "management"})
	sb.AddAccount(sandbox.Account{ID: org.AdminAccount, Email: "security@example.com", Name: "macie-admin", OU: "Security"})
	sb.AddRole(org.ManagementAccount, OrgReadRole)
	for _, a := range org.Accounts {
		sb.AddAccount(sandbox.Account{ID: a.ID, Email: a.Email, Name: a.ID, OU: a.OU})
		if a.HasReadRole() {
			sb.AddRole(a.ID, config.DefaultReadRole)
		}
	}
	for _, region := range org.Regions {
		sb.Macie().SetAdmin(region, org.AdminAccount)
	}
	for _, b := range s.Initial.Buckets {
		if err := initialBucket(sb, b, now); err != nil {
			return err
		}
	}
	m := sb.Macie()
	for _, mem := range s.Initial.Members {
		m.SetMember(org.AdminAccount, mem.Region, mem.Account, mem.Status)
	}
	if ad := s.Initial.AutomatedDiscovery; ad != nil {
		for _, region := range org.Regions {
			m.SetAutomatedDiscovery(region, ad.StatusOrDefault(), ad.AutoEnableOrDefault())
		}
	}
	sb.SetCoveragePolicy(EngineConfig(s).Policy.InScope)
	setupTopics(sb, s)
	return nil
}

// initialBucket creates a bucket with its objects, last modified AgeDays before now, and at
// least a second before: the initial state exists before the scenario starts, so a job created
// at the start finds the objects already there.
func initialBucket(sb *sandbox.Sandbox, b scenario.Bucket, now time.Time) error {
	err := sb.PutBucket(sandbox.Bucket{Account: b.Account, Region: b.Region, Name: b.Name, Tags: b.Tags})
	if err != nil {
		return fmt.Errorf("initial bucket %s: %w", b.Name, err)
	}
	if g := b.Group(); g.N() > 0 {
		if err := sb.PutObjects(b.Account, b.Name, objectGroup(g, now.Add(-max(b.Age(), time.Second)))); err != nil {
			return fmt.Errorf("initial bucket %s: %w", b.Name, err)
		}
	}
	return nil
}

// objectGroup is the sandbox's form of a scenario's objects.
func objectGroup(g scenario.Objects, modified time.Time) sandbox.ObjectGroup {
	return sandbox.ObjectGroup{Count: g.N(), SizeBytes: g.SizeBytes(), Sensitive: g.Sensitive(),
		SensitiveType: g.Type(), LastModified: modified}
}
