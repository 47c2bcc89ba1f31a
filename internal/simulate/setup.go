package simulate

import (
	"fmt"
	"math"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// Setup builds the organization and the initial state directly: no events.
func Setup(sb *sandbox.Sandbox, s *scenario.Scenario) error {
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
		size := int64(math.Round(b.SizeGB * (1 << 30)))
		err := sb.PutBucket(sandbox.Bucket{Account: b.Account, Region: b.Region, Name: b.Name, Tags: b.Tags,
			SizeBytes: size, Objects: max(1, size/(1<<20))})
		if err != nil {
			return fmt.Errorf("initial bucket %s: %w", b.Name, err)
		}
	}
	for _, m := range s.Initial.Members {
		sb.Macie().SetMember(org.AdminAccount, m.Region, m.Account, m.Status)
	}
	return nil
}
