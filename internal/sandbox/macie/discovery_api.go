package macie

import (
	"slices"
	"strings"
	"time"
)

// getAutomatedDiscoveryConfiguration is GetAutomatedDiscoveryConfiguration
// (GET /automated-discovery/configuration), for the administrator or a standalone account.
func (s *Service) getAutomatedDiscoveryConfiguration(c *call) (any, error) {
	if err := s.requireDiscoveryManager(c); err != nil {
		return nil, err
	}
	cfg := s.discoveryOf(c.region)
	out := map[string]any{
		"status":                          cfg.status,
		"autoEnableOrganizationMembers":   cfg.autoEnable,
		"classificationScopeId":           "cs-" + c.account,
		"sensitivityInspectionTemplateId": "sit-" + c.account,
	}
	for name, t := range map[string]time.Time{"firstEnabledAt": cfg.firstEnabledAt, "disabledAt": cfg.disabledAt, "lastUpdatedAt": cfg.updatedAt} {
		if !t.IsZero() {
			out[name] = timestamp(t)
		}
	}
	return out, nil
}

// updateAutomatedDiscoveryConfiguration is UpdateAutomatedDiscoveryConfiguration
// (PUT /automated-discovery/configuration): status is required; autoEnableOrganizationMembers
// defaults to ALL.
func (s *Service) updateAutomatedDiscoveryConfiguration(c *call) (any, error) {
	var in struct {
		Status     string `json:"status"`
		AutoEnable string `json:"autoEnableOrganizationMembers"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.requireDiscoveryManager(c); err != nil {
		return nil, err
	}
	if in.AutoEnable == "" {
		in.AutoEnable = "ALL"
	}
	if !slices.Contains(discoveryStatuses, in.Status) {
		return nil, validation("status must be ENABLED or DISABLED, not %q", in.Status)
	}
	if !slices.Contains(autoEnableModes, in.AutoEnable) {
		return nil, validation("autoEnableOrganizationMembers must be ALL, NEW or NONE, not %q", in.AutoEnable)
	}
	s.configureDiscovery(c.account, c.region, in.Status, in.AutoEnable)
	return nil, nil
}

// listAutomatedDiscoveryAccounts is ListAutomatedDiscoveryAccounts
// (GET /automated-discovery/accounts?accountIds=&maxResults=&nextToken=): the status of the
// administrator and of each current member, or of the accounts named, sorted by account. An
// account named that is not a member is left out.
func (s *Service) listAutomatedDiscoveryAccounts(c *call) (any, error) {
	if err := s.requireDiscoveryManager(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	ids := q["accountIds"]
	if len(ids) == 1 && strings.Contains(ids[0], ",") {
		ids = strings.Split(ids[0], ",")
	}
	if len(ids) > 50 {
		return nil, validation("accountIds can name at most 50 accounts")
	}
	max, err := queryMaxResults(c)
	if err != nil {
		return nil, err
	}
	var items []map[string]string
	for _, a := range s.discoveryAccounts(c.account, c.region) {
		if len(ids) == 0 || slices.Contains(ids, a) {
			items = append(items, map[string]string{"accountId": a, "status": s.accountDiscoveryStatus(a, c.region)})
		}
	}
	page, next, err := page(items, q.Get("nextToken"), max, s.pageSize)
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": nonNil(page), "nextToken": optional(next)}, nil
}

// batchUpdateAutomatedDiscoveryAccounts is BatchUpdateAutomatedDiscoveryAccounts
// (PATCH /automated-discovery/accounts): sets each account's status; an account that is not a
// member is ACCOUNT_NOT_FOUND, a paused member ACCOUNT_PAUSED, and neither changes.
func (s *Service) batchUpdateAutomatedDiscoveryAccounts(c *call) (any, error) {
	var in struct {
		Accounts []struct {
			AccountID string `json:"accountId"`
			Status    string `json:"status"`
		} `json:"accounts"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.requireDiscoveryManager(c); err != nil {
		return nil, err
	}
	for _, a := range in.Accounts {
		if !slices.Contains(discoveryStatuses, a.Status) {
			return nil, validation("status must be ENABLED or DISABLED, not %q", a.Status)
		}
	}
	errs := []map[string]string{}
	for _, a := range in.Accounts {
		if code := s.discoveryUpdateError(c.account, c.region, a.AccountID); code != "" {
			errs = append(errs, map[string]string{"accountId": a.AccountID, "errorCode": code})
			continue
		}
		s.asddStatus[key{a.AccountID, c.region}] = a.Status
	}
	return map[string]any{"errors": errs}, nil
}

// discoveryUpdateError is the error code of a per-account update, "" when it can apply.
func (s *Service) discoveryUpdateError(admin, region, account string) string {
	if account == admin {
		return ""
	}
	m := s.memberOf(admin, region, account)
	switch {
	case m == nil || !associated(m.status):
		return "ACCOUNT_NOT_FOUND"
	case m.status == RelationshipPaused:
		return "ACCOUNT_PAUSED"
	}
	return ""
}

// discoveryAccounts is the administrator and its current members, sorted.
func (s *Service) discoveryAccounts(admin, region string) []string {
	out := []string{admin}
	for _, m := range s.sortedMembers(admin, region) {
		if associated(m.status) {
			out = append(out, m.account)
		}
	}
	slices.Sort(out)
	return out
}

// accountDiscoveryStatus is an account's AutomatedDiscoveryAccountStatus.
func (s *Service) accountDiscoveryStatus(account, region string) string {
	if s.asddStatus[key{account, region}] == StatusEnabled {
		return StatusEnabled
	}
	return "DISABLED"
}

// requireDiscoveryManager fails unless the caller may manage automated discovery in the Region:
// the administrator, or an account with Macie that is no one's member (standalone).
func (s *Service) requireDiscoveryManager(c *call) error {
	if _, err := s.requireEnabled(c); err != nil {
		return err
	}
	if s.isMember(c.account, c.region) {
		return accessDenied("account %s is a Macie member account: only its administrator manages automated discovery", c.account)
	}
	return nil
}
