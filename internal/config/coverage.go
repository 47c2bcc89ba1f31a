package config

import (
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
)

// Coverage settings: their values and defaults.
const (
	BackfillOn       = "on"
	BackfillOff      = "off"
	DefaultBackfill  = BackfillOn
	DefaultDiscovery = plan.DiscoveryOff
)

// ParseBackfill reads the backfill setting, on (the default when empty) or off; name is the
// setting as the user wrote it, for the error.
func ParseBackfill(name, v string) (bool, error) {
	switch v {
	case "", BackfillOn:
		return true, nil
	case BackfillOff:
		return false, nil
	}
	return true, fmt.Errorf("%s=%q: not on or off", name, v)
}

// ParseDiscovery reads the automated discovery policy, off (the default when empty) or inherit.
func ParseDiscovery(name, v string) (string, error) {
	switch v {
	case "":
		return DefaultDiscovery, nil
	case plan.DiscoveryOff, plan.DiscoveryInherit:
		return v, nil
	}
	return DefaultDiscovery, fmt.Errorf("%s=%q: not off or inherit", name, v)
}

// jobSpec is the daily job the configuration wants. With backfill on, a new daily job is
// created without its initial run: the backfill jobs analyse what buckets hold, once.
func (c Config) jobSpec() plan.JobSpec {
	s := plan.NewJobSpec(c.Policy, c.ExcludedAccounts, c.SamplingPercentage)
	s.NoInitialRun = c.Backfill
	return s
}
