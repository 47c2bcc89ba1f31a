package doctor

import (
	"context"
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// CheckDiscovery is the automated sensitive data discovery check.
const CheckDiscovery = "automated-discovery"

// Discovery reads the organization's automated sensitive data discovery configuration.
type Discovery interface {
	DiscoveryConfig(ctx context.Context, region string) (plan.DiscoveryState, error)
}

// discoveryCost says what automated discovery costs where it is on (published US East prices).
const discoveryCost = "it samples every general purpose bucket of each account it is on for, tagged or not, billed at 0.01 USD per 100,000 objects monitored a month plus 1.00 USD per GB it analyses"

// discoveryCheck reports the organization's automated discovery setting of a Region (status,
// autoEnableOrganizationMembers), what it costs under the engine's policy, and the fix.
func discoveryCheck(ctx context.Context, d Discovery, policy, region string) Check {
	c := Check{Check: CheckDiscovery, Region: region}
	if d == nil {
		return Check{Check: CheckDiscovery, Region: region, Result: Skipped, Detail: "automated discovery not read"}
	}
	ds, err := d.DiscoveryConfig(ctx, region)
	switch {
	case err != nil:
		return warn(c, "automated discovery configuration not read: "+Brief(err),
			fmt.Sprintf("grant macie2:GetAutomatedDiscoveryConfiguration and run again (aws macie2 get-automated-discovery-configuration --region %s)", region))
	case ds.Status != plan.DiscoveryEnabled:
		return pass(c, fmt.Sprintf("automated discovery is %s (new members: %s): only the daily and backfill jobs analyse tagged buckets", ds.Status, ds.AutoEnable))
	case policy == plan.DiscoveryOff:
		return pass(c, fmt.Sprintf("automated discovery is ENABLED (new members: %s), and the engine turns it off for every account it enables (automatedDiscovery: off); in accounts it does not manage, %s",
			ds.AutoEnable, discoveryCost))
	}
	return warn(c, fmt.Sprintf("automated discovery is ENABLED (new members: %s) and the engine leaves it (automatedDiscovery: inherit): %s", ds.AutoEnable, discoveryCost),
		fmt.Sprintf("set automatedDiscovery to off (maciectl --automated-discovery off; the central stack's AutomatedDiscovery parameter for the function), or turn it off for the organization: aws macie2 update-automated-discovery-configuration --status DISABLED --region %s", region))
}
