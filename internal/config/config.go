// Package config holds the one configuration of the engine: the JSON document the central stack
// writes to an SSM parameter (Document, Read), which the function and every maciectl command read,
// with flags layered over it (Resolve); or, outside the stack, environment variables (FromEnv).
package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/macieselfservice/macie-selfservice/internal/awsid"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// Defaults.
const (
	DefaultReadRole = "MacieSelfServiceRead"
	// DefaultOrgReadRole is the role in the management account that lets the administrator
	// account read the organization's accounts.
	DefaultOrgReadRole = "MacieSelfServiceOrgRead"
	DefaultSampling    = 100
)

// Config is everything the engine needs to know.
type Config struct {
	// AdminAccount is the delegated Macie administrator account.
	AdminAccount string
	// Regions are the managed Regions.
	Regions []string
	Policy  tagpolicy.Policy
	// ProtectedAccounts are never paused; ExcludedAccounts are never touched.
	ProtectedAccounts, ExcludedAccounts []string
	// ReadRole is the name of the read-only role in every workload account.
	ReadRole string
	// OrgRoleARN, when set, is assumed to read the organization's accounts.
	OrgRoleARN string
	// SamplingPercentage of objects the classification job analyses.
	SamplingPercentage int32
	DryRun             bool
	// Concurrency bounds how many (account, Region) pairs of one Region are worked on at once;
	// the Regions proceed side by side, each with this bound.
	Concurrency int
	// Backfill turns on the one-time jobs over what buckets held before they were tagged.
	Backfill bool
	// AutomatedDiscovery is the automated sensitive data discovery policy: off or inherit.
	AutomatedDiscovery string
	// FindingsMinSeverity is the least severe finding published to the owning accounts: LOW
	// (every finding), MEDIUM or HIGH.
	FindingsMinSeverity string
	// SweepShardAccounts is how many accounts of a Region each step of a sharded sweep reconciles.
	SweepShardAccounts int
}

var (
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	roleARNRE  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,64}$`)
)

// ValidAccount reports whether id is a 12-digit account id.
func ValidAccount(id string) bool { return awsid.IsAccount(id) }

// Names say what each setting is called where it came from, for error messages.
type Names struct{ Admin, Regions, Tag, Protected, Excluded, Sampling string }

// EnvNames name the settings as the environment variables of FromEnv.
var EnvNames = Names{EnvAdminAccount, EnvRegions, EnvTagKey + "/" + EnvTagValue, EnvProtected, EnvExcluded, EnvSampling}

// Validate reports everything wrong, naming each setting as n calls it.
func (c Config) Validate(n Names) error {
	var errs []error
	if err := awsid.Account(c.AdminAccount); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", n.Admin, err))
	}
	if len(c.Regions) == 0 {
		errs = append(errs, fmt.Errorf("%s: no Region to manage", n.Regions))
	}
	for _, r := range c.Regions {
		if err := awsid.Region(r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n.Regions, err))
		}
	}
	if err := c.Policy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", n.Tag, err))
	}
	errs = append(errs, checkAccounts(n.Protected, c.ProtectedAccounts), checkAccounts(n.Excluded, c.ExcludedAccounts))
	if c.SamplingPercentage < 1 || c.SamplingPercentage > 100 {
		errs = append(errs, fmt.Errorf("%s: %d is not between 1 and 100", n.Sampling, c.SamplingPercentage))
	}
	return errors.Join(errs...)
}

func checkAccounts(name string, ids []string) error {
	for _, id := range ids {
		if err := awsid.Account(id); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// Rules returns the plan rules the configuration implies.
func (c Config) Rules() plan.Rules {
	return plan.Rules{
		Policy:    c.Policy,
		Admin:     c.AdminAccount,
		Protected: set(c.ProtectedAccounts),
		Excluded:  set(c.ExcludedAccounts),
		Job:       c.jobSpec(),
		Backfill:  c.Backfill,
		Discovery: c.AutomatedDiscovery,
	}
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// List splits a comma-separated list, dropping blanks and duplicates.
func List(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Environment variables read by FromEnv.
const (
	EnvAdminAccount = "MACIE_ADMIN_ACCOUNT_ID"
	EnvRegions      = "MANAGED_REGIONS"
	EnvTagKey       = "TAG_KEY"
	EnvTagValue     = "TAG_VALUE"
	EnvProtected    = "PROTECTED_ACCOUNTS"
	EnvExcluded     = "EXCLUDED_ACCOUNTS"
	EnvReadRole     = "READ_ROLE_NAME"
	EnvOrgRoleARN   = "ORG_READ_ROLE_ARN"
	EnvSampling     = "SAMPLING_PERCENTAGE"
	EnvDryRun       = "DRY_RUN"
	EnvConcurrency  = "CONCURRENCY"
	EnvBackfill     = "BACKFILL"
	EnvDiscovery    = "AUTOMATED_DISCOVERY"
	EnvShard        = "SWEEP_SHARD_ACCOUNTS"
)

// FromEnv reads the configuration from environment variables; errors name the variable.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		AdminAccount:      getenv(EnvAdminAccount),
		Regions:           List(getenv(EnvRegions)),
		Policy:            tagpolicy.Policy{Key: or(getenv(EnvTagKey), tagpolicy.DefaultKey), Value: or(getenv(EnvTagValue), tagpolicy.DefaultValue)},
		ProtectedAccounts: List(getenv(EnvProtected)),
		ExcludedAccounts:  List(getenv(EnvExcluded)),
		ReadRole:          or(getenv(EnvReadRole), DefaultReadRole),
		OrgRoleARN:        getenv(EnvOrgRoleARN),
	}
	var err error
	var errs []error
	sampling, err := intVar(getenv, EnvSampling, DefaultSampling)
	errs = append(errs, err)
	c.SamplingPercentage = int32(min(max(sampling, 0), 101)) // clamped so Validate sees out-of-range values
	c.Concurrency, err = intVar(getenv, EnvConcurrency, DefaultConcurrency)
	errs = append(errs, err)
	c.SweepShardAccounts, err = intVar(getenv, EnvShard, DefaultShardAccounts)
	if err == nil && (c.SweepShardAccounts < 1 || c.SweepShardAccounts > event.MaxShardAccounts) {
		err = fmt.Errorf("%s=%d: out of range: want 1 to %d", EnvShard, c.SweepShardAccounts, event.MaxShardAccounts)
	}
	errs = append(errs, err)
	if v := getenv(EnvDryRun); v != "" {
		c.DryRun, err = strconv.ParseBool(v)
		errs = append(errs, varErr(EnvDryRun, v, err))
	}
	c.Backfill, err = ParseBackfill(EnvBackfill, getenv(EnvBackfill))
	errs = append(errs, err)
	c.AutomatedDiscovery, err = ParseDiscovery(EnvDiscovery, getenv(EnvDiscovery))
	errs = append(errs, err)
	c.FindingsMinSeverity = strings.ToUpper(or(getenv(EnvFindingsMinSeverity), DefaultMinSeverity))
	errs = append(errs, varChoice(EnvFindingsMinSeverity, c.FindingsMinSeverity, Severities))
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate(EnvNames)
}

func intVar(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	return n, varErr(name, v, err)
}

func varErr(name, v string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s=%q: not a valid value", name, v)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
