package convergence

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// The fixed accounts of every generated organization.
const (
	managementAccount = "111111111111"
	adminAccount      = "222222222222"
	orgReadRole       = "MacieSelfServiceOrgRead"
)

// allRegions are the Regions buckets live in; the engine manages two or three of them.
var allRegions = []string{"eu-west-1", "us-east-1", "eu-central-1"}

// pair is one (account, Region).
type pair struct{ Account, Region string }

// org is a generated organization and its initial state.
type org struct {
	Workloads []string // workload accounts of the organization
	Outsiders []string // accounts outside the organization that still make S3 calls
	Protected map[string]bool
	Excluded  map[string]bool
	Managed   []string
	// Initial are the member statuses before the sequence (absent: not a member).
	Initial map[pair]string
	Buckets []sandbox.Bucket
}

// tagPalette are the tag sets teams put on buckets: in scope, near-misses and others.
var tagPalette = []map[string]string{
	{"macie": "true"},
	{"macie": "true", "owner": "team"},
	{"macie": "false"},
	{"Macie": "true"},
	{"macie": "True"},
	{"macie": " true"},
	{"owner": "team"},
	{"macie": "true", "env": "prod", "cost-centre": "42"},
}

// initialStatuses are the member statuses an account may start with; "" is no membership.
var initialStatuses = []string{"", "", "", "Enabled", "Enabled", "Paused", "Removed", "Invited"}

// generate draws an organization of at most maxAccounts workload accounts.
func generate(rng *rand.Rand, maxAccounts int) *org {
	n := 1 + rng.IntN(max(1, min(maxAccounts, 50)))
	o := &org{Protected: map[string]bool{}, Excluded: map[string]bool{}, Initial: map[pair]string{}}
	for i := range n {
		id := fmt.Sprintf("3000000000%02d", i)
		o.Workloads = append(o.Workloads, id)
		switch r := rng.Float64(); {
		case r < 0.15:
			o.Protected[id] = true
		case r < 0.25:
			o.Excluded[id] = true
		}
	}
	for i := range rng.IntN(3) {
		o.Outsiders = append(o.Outsiders, fmt.Sprintf("9000000000%02d", i))
	}
	o.Managed = slices.Clone(allRegions)
	if rng.IntN(2) == 0 {
		o.Managed = o.Managed[:2]
	}
	for _, a := range o.Workloads {
		for _, region := range o.Managed {
			if st := initialStatuses[rng.IntN(len(initialStatuses))]; st != "" {
				o.Initial[pair{a, region}] = st
			}
		}
	}
	owners := append(slices.Clone(o.Workloads), adminAccount)
	for i := range rng.IntN(2*n + 3) {
		b := sandbox.Bucket{Account: owners[rng.IntN(len(owners))], Region: allRegions[rng.IntN(3)],
			Name: fmt.Sprintf("initial-%03d", i)}
		if rng.IntN(3) > 0 {
			b.Tags = tagPalette[rng.IntN(len(tagPalette))]
		}
		o.Buckets = append(o.Buckets, b)
	}
	return o
}

// install builds the organization in the sandbox, directly: no events.
func (o *org) install(sb *sandbox.Sandbox) error {
	sb.SetOrganization("o-convergenc", managementAccount)
	sb.AddAccount(sandbox.Account{ID: managementAccount, Email: "management@example.com", Name: "management"})
	sb.AddAccount(sandbox.Account{ID: adminAccount, Email: "security@example.com", Name: "macie-admin"})
	sb.AddRole(managementAccount, orgReadRole)
	sb.AddRole(managementAccount, config.DefaultReadRole) // a full reconcile reads every account of the organization
	for _, a := range o.Workloads {
		sb.AddAccount(sandbox.Account{ID: a, Email: "team-" + a + "@example.com", Name: a})
		sb.AddRole(a, config.DefaultReadRole)
	}
	for _, region := range o.Managed {
		sb.Macie().SetAdmin(region, adminAccount)
	}
	for _, b := range o.Buckets {
		if err := sb.PutBucket(b); err != nil {
			return fmt.Errorf("initial bucket %s: %w", b.Name, err)
		}
	}
	for p, st := range o.Initial {
		sb.Macie().SetMember(adminAccount, p.Region, p.Account, st)
	}
	return nil
}

// config is the engine configuration of the organization.
func (o *org) config(concurrency int) config.Config {
	return config.Config{
		AdminAccount:       adminAccount,
		Regions:            o.Managed,
		Policy:             tagpolicy.Default(),
		ProtectedAccounts:  keys(o.Protected),
		ExcludedAccounts:   keys(o.Excluded),
		ReadRole:           config.DefaultReadRole,
		OrgRoleARN:         "arn:aws:iam::" + managementAccount + ":role/" + orgReadRole,
		SamplingPercentage: config.DefaultSampling,
		Concurrency:        concurrency,
		Backfill:           true,
		AutomatedDiscovery: config.DefaultDiscovery,
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
