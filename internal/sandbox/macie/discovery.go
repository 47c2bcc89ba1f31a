package macie

import (
	"slices"
	"time"
)

// Automated sensitive data discovery (Macie User Guide, "Performing automated sensitive data
// discovery"; API Reference, "Automated Discovery Configuration" and "Automated Discovery
// Accounts"). The administrator turns it on or off for the organization in a Region and says
// which members get it (autoEnableOrganizationMembers): ALL, the default, enables it for every
// existing member and every new one; NEW for new members only; NONE for none, while accounts that
// have it keep it. Each account then has it ENABLED or DISABLED. The sandbox starts with it
// DISABLED in every Region; SetAutomatedDiscovery or the API turn it on.

// discoveryConfig is the organization's automated discovery configuration in one Region.
type discoveryConfig struct {
	status, autoEnable                    string
	firstEnabledAt, disabledAt, updatedAt time.Time
}

var (
	discoveryStatuses = []string{StatusEnabled, "DISABLED"}
	autoEnableModes   = []string{"ALL", "NEW", "NONE"}
)

// SetAutomatedDiscovery configures automated discovery in region as its administrator would with
// UpdateAutomatedDiscoveryConfiguration (status ENABLED or DISABLED; autoEnableOrganizationMembers
// ALL, NEW or NONE, "" for ALL), for scenario setup. Invalid values change nothing.
func (s *Service) SetAutomatedDiscovery(region, status, autoEnableOrganizationMembers string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if autoEnableOrganizationMembers == "" {
		autoEnableOrganizationMembers = "ALL"
	}
	if !slices.Contains(discoveryStatuses, status) || !slices.Contains(autoEnableModes, autoEnableOrganizationMembers) {
		return
	}
	s.configureDiscovery(s.admins[region], region, status, autoEnableOrganizationMembers)
}

// configureDiscovery applies a configuration change made by admin (the administrator, or a
// standalone account) in region.
func (s *Service) configureDiscovery(admin, region, status, autoEnable string) {
	now := s.now()
	cfg := s.discoveryOf(region)
	if status == StatusEnabled && cfg.status != StatusEnabled && cfg.firstEnabledAt.IsZero() {
		cfg.firstEnabledAt = now
	}
	if status != StatusEnabled && cfg.status == StatusEnabled {
		cfg.disabledAt = now
	}
	cfg.status, cfg.autoEnable, cfg.updatedAt = status, autoEnable, now
	if status != StatusEnabled || admin == "" {
		return
	}
	s.asddStatus[key{admin, region}] = StatusEnabled
	if autoEnable == "ALL" {
		for _, m := range s.sortedMembers(admin, region) {
			if associated(m.status) {
				s.asddStatus[key{m.account, region}] = StatusEnabled
			}
		}
	}
}

// discoveryOf returns region's configuration, creating the default (DISABLED, ALL).
func (s *Service) discoveryOf(region string) *discoveryConfig {
	cfg := s.discovery[region]
	if cfg == nil {
		cfg = &discoveryConfig{status: "DISABLED", autoEnable: "ALL"}
		s.discovery[region] = cfg
	}
	return cfg
}

// memberJoined applies autoEnableOrganizationMembers to a new member: ALL and NEW enable
// automated discovery for it when the organization has it enabled; NONE leaves it disabled.
func (s *Service) memberJoined(account, region string) {
	cfg := s.discoveryOf(region)
	if cfg.status == StatusEnabled && cfg.autoEnable != "NONE" {
		s.asddStatus[key{account, region}] = StatusEnabled
	}
}

// discoveryEnabled reports whether automated discovery runs for account in region: enabled for
// the organization (the Region's configuration) and for the account, which is the administrator
// or an Enabled member (a paused member is suspended: nothing runs, nothing is billed).
func (s *Service) discoveryEnabled(account, region string) bool {
	if s.discoveryOf(region).status != StatusEnabled || s.asddStatus[key{account, region}] != StatusEnabled {
		return false
	}
	admin := s.admins[region]
	if account == admin {
		return true
	}
	m := s.memberOf(admin, region, account)
	return m != nil && m.status == RelationshipEnabled
}

// discover runs one daily cycle of automated discovery for k's account at t: every bucket of its
// inventory, every group of objects in it, sampled by discoveryPick (classification scope, which
// can only exclude buckets by name, is not modelled: every bucket is sampled). Objects monitored
// are metered for the day.
func (s *Service) discover(k key, t time.Time) {
	from := origin{admin: s.admins[k.region]}
	if from.admin != k.account && !s.isMember(k.account, k.region) {
		from.admin = k.account // a standalone account's findings are its own
	}
	s.discovered[k] = t
	for _, b := range s.snapshot[k] {
		ref := bucketRef{account: k.account, monitoring: "MONITORED", Bucket: b}
		for _, g := range s.world.Objects(k.account, b.Name) {
			if g.LastModified.After(t) {
				continue
			}
			s.meter(k, t).objectDays += g.Count
			s.analyse(from, k.region, ref, g, discoveryPick(g), t)
		}
	}
}
