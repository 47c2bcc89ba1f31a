// Package doctor checks a Macie Self-Service deployment from the Macie administrator account
// and says what to fix. Each check passes, warns, fails or is skipped, with a one-line remedy.
//
// What the administrator account may call decides how a check is made: ListOrganizationAdminAccounts
// answers only to the organization's management account, so the delegated administrator is
// checked from the administrator itself: Macie is enabled there (GetMacieSession) and
// DescribeOrganizationConfiguration, which only the Region's delegated administrator may call,
// answers.
package doctor

import (
	"context"
	"fmt"
	"slices"

	"github.com/macieselfservice/macie-selfservice/internal/jobscope"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Result is the outcome of a check.
type Result string

// The outcomes.
const (
	Pass    Result = "pass"
	Warn    Result = "warn"
	Fail    Result = "fail"
	Skipped Result = "skipped"
)

// The checks, by name.
const (
	CheckAdmin       = "delegated-admin"
	CheckAutoEnable  = "auto-enable-off"
	CheckPublication = "findings-to-security-hub"
	CheckJob         = "managed-job"
	CheckReadRole    = "read-role"
	CheckDLQ         = "dead-letter-queue"
)

// Check is one check's outcome.
type Check struct {
	Check   string `json:"check"`
	Region  string `json:"region,omitempty"`
	Account string `json:"account,omitempty"`
	Result  Result `json:"result"`
	Detail  string `json:"detail"`
	// Remedy says what to do, for a check that did not pass.
	Remedy string `json:"remedy,omitempty"`
}

// Summary counts the outcomes.
type Summary struct {
	Pass    int `json:"pass"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Skipped int `json:"skipped"`
}

// Report is every check's outcome.
type Report struct {
	Checks  []Check `json:"checks"`
	Summary Summary `json:"summary"`
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.Summary.Fail > 0 }

// Macie reads the Macie settings of the administrator account.
type Macie interface {
	// Session returns the caller's Macie status in a Region (ENABLED or PAUSED).
	Session(ctx context.Context, region string) (string, error)
	// AutoEnable reads the organization configuration; only the delegated administrator may.
	AutoEnable(ctx context.Context, region string) (bool, error)
	Publishing(ctx context.Context, region string) (bool, error)
	ManagedJobs(ctx context.Context, region string) ([]plan.Job, error)
	DescribeJob(ctx context.Context, region, jobID string) (jobscope.Job, error)
}

// Roles lists an account's buckets through its read role.
type Roles interface {
	BucketNames(ctx context.Context, account string) (map[string][]string, error)
}

// Options say what the deployment should be.
type Options struct {
	Admin   string
	Regions []string
	// Job is the managed job the configuration wants.
	Job plan.JobSpec
	// ReadRole names the read-only role, for the remedies.
	ReadRole string
	// Caller is the caller's ARN (sts:GetCallerIdentity), for the remedies: the read roles trust
	// the roles of OperatorRoleArns.
	Caller string
	// Sample are the accounts whose read role is tried; SampleError, when set, says why no
	// sample could be drawn (the organization's accounts could not be listed).
	Sample      []string
	SampleError error
	// QueueDepth reads the dead-letter queue's depth; nil skips the check.
	QueueDepth func(ctx context.Context) (int, error)
	// Discovery reads automated discovery (nil skips the check); DiscoveryPolicy is the engine's
	// policy, off or inherit.
	Discovery       Discovery
	DiscoveryPolicy string
}

// Run makes every check.
func Run(ctx context.Context, m Macie, roles Roles, o Options) Report {
	var checks []Check
	for _, region := range o.Regions {
		admin := adminCheck(ctx, m, o, region)
		checks = append(checks, admin...)
		if admin[0].Result != Pass {
			continue // the other Region checks need the administrator's rights
		}
		checks = append(checks, publicationCheck(ctx, m, region), jobCheck(ctx, m, o.Job, region),
			discoveryCheck(ctx, o.Discovery, o.DiscoveryPolicy, region))
	}
	checks = append(checks, roleChecks(ctx, roles, o)...)
	checks = append(checks, queueCheck(ctx, o.QueueDepth))
	return newReport(checks)
}

// newReport counts the outcomes.
func newReport(checks []Check) Report {
	r := Report{Checks: slices.Clip(checks)}
	for _, c := range checks {
		switch c.Result {
		case Pass:
			r.Summary.Pass++
		case Warn:
			r.Summary.Warn++
		case Fail:
			r.Summary.Fail++
		case Skipped:
			r.Summary.Skipped++
		}
	}
	return r
}

// adminCheck checks that the caller is the Region's delegated administrator, then autoEnable.
// The first check returned is the administrator's.
func adminCheck(ctx context.Context, m Macie, o Options, region string) []Check {
	c := Check{Check: CheckAdmin, Region: region, Account: o.Admin}
	designate := fmt.Sprintf("from the management account, designate %s as the Macie administrator in %s (the management stack, or aws macie2 enable-organization-admin-account --admin-account-id %s --region %s)",
		o.Admin, region, o.Admin, region)
	st, err := m.Session(ctx, region)
	if err != nil {
		return []Check{fail(c, fmt.Sprintf("Macie is not enabled in %s: %s", region, Brief(err)), designate)}
	}
	if st != "ENABLED" {
		return []Check{fail(c, fmt.Sprintf("Macie is %s in the administrator account in %s", st, region),
			fmt.Sprintf("re-enable Macie in %s (aws macie2 update-macie-session --status ENABLED --region %s)", region, region))}
	}
	on, err := m.AutoEnable(ctx, region)
	if err != nil {
		return []Check{fail(c, fmt.Sprintf("%s is not the delegated Macie administrator in %s: %s", o.Admin, region, Brief(err)), designate)}
	}
	checks := []Check{pass(c, fmt.Sprintf("%s is the delegated Macie administrator in %s", o.Admin, region))}
	ae := Check{Check: CheckAutoEnable, Region: region}
	if on {
		return append(checks, fail(ae, "autoEnable is on: Macie is enabled in every new account of the organization, tagged or not",
			fmt.Sprintf("aws macie2 update-organization-configuration --no-auto-enable --region %s", region)))
	}
	return append(checks, pass(ae, "autoEnable is off: only accounts with tagged buckets are enrolled"))
}

// publicationCheck checks that classification findings go to Security Hub.
func publicationCheck(ctx context.Context, m Macie, region string) Check {
	c := Check{Check: CheckPublication, Region: region}
	on, err := m.Publishing(ctx, region)
	switch {
	case err != nil:
		return fail(c, err.Error(), "check the administrator's macie2:GetFindingsPublicationConfiguration permission")
	case !on:
		return fail(c, "classification findings are not published to Security Hub (Macie's default)",
			"run maciectl apply (EnablePublication), or wait for the next scheduled reconcile")
	}
	return pass(c, "classification findings are published to Security Hub")
}

func pass(c Check, detail string) Check {
	c.Result, c.Detail = Pass, detail
	return c
}

func fail(c Check, detail, remedy string) Check {
	c.Result, c.Detail, c.Remedy = Fail, detail, remedy
	return c
}

func warn(c Check, detail, remedy string) Check {
	c.Result, c.Detail, c.Remedy = Warn, detail, remedy
	return c
}
