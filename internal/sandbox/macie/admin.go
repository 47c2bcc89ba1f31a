package macie

// maxMembers is the quota of member accounts an administrator can have through Organizations.
const maxMembers = 10000

// enableOrganizationAdminAccount is EnableOrganizationAdminAccount (POST /admin): only the
// organization's management account may call it; it designates adminAccountId as the Macie
// administrator of the Region and enables Macie there. A repeated clientToken returns the same
// result. Designating again without the same token is a ConflictException, whether the account
// is already the administrator or another one is (AWS allows one administrator per Region; the
// answer to a fresh token for the same account is not documented, so the stricter one is modelled).
func (s *Service) enableOrganizationAdminAccount(c *call) (any, error) {
	var in struct {
		AdminAccountID string `json:"adminAccountId"`
		ClientToken    string `json:"clientToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if c.account != s.world.Management() {
		return nil, accessDenied("only the organization's management account can designate the Macie administrator")
	}
	if in.AdminAccountID == "" {
		return nil, validation("adminAccountId is required")
	}
	if _, ok := s.world.OrgAccount(in.AdminAccountID); !ok {
		return nil, validation("account %s is not in the organization", in.AdminAccountID)
	}
	tokenKey := c.region + "/" + in.ClientToken
	if prev, ok := s.adminTokens[tokenKey]; ok && in.ClientToken != "" {
		if prev == in.AdminAccountID {
			return nil, nil
		}
		return nil, conflict("clientToken %s was already used to designate account %s", in.ClientToken, prev)
	}
	if cur := s.admins[c.region]; cur != "" {
		return nil, conflict("account %s is already the delegated Macie administrator in %s", cur, c.region)
	}
	s.admins[c.region] = in.AdminAccountID
	s.ensureSession(in.AdminAccountID, c.region).status = StatusEnabled
	if in.ClientToken != "" {
		s.adminTokens[tokenKey] = in.AdminAccountID
	}
	return nil, nil
}

// listOrganizationAdminAccounts is ListOrganizationAdminAccounts (GET /admin), for the
// management account only.
func (s *Service) listOrganizationAdminAccounts(c *call) (any, error) {
	if c.account != s.world.Management() {
		return nil, accessDenied("only the organization's management account can list Macie administrators")
	}
	type adminAccount struct {
		AccountID string `json:"accountId"`
		Status    string `json:"status"`
	}
	var all []adminAccount
	if a := s.admins[c.region]; a != "" {
		all = append(all, adminAccount{AccountID: a, Status: StatusEnabled})
	}
	max, err := queryMaxResults(c)
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, c.r.URL.Query().Get("nextToken"), max, s.pageSize)
	if err != nil {
		return nil, err
	}
	return map[string]any{"adminAccounts": nonNil(items), "nextToken": optional(next)}, nil
}

// describeOrganizationConfiguration is DescribeOrganizationConfiguration (GET /admin/configuration),
// for the Region's administrator only.
func (s *Service) describeOrganizationConfiguration(c *call) (any, error) {
	if err := s.requireAdmin(c); err != nil {
		return nil, err
	}
	n := 0
	for _, m := range s.members[key{c.account, c.region}] {
		if associated(m.status) {
			n++
		}
	}
	return map[string]any{
		"autoEnable":             s.autoEnable[key{c.account, c.region}],
		"maxAccountLimitReached": n >= maxMembers,
	}, nil
}

// updateOrganizationConfiguration is UpdateOrganizationConfiguration (PATCH /admin/configuration),
// for the Region's administrator only; autoEnable is required.
func (s *Service) updateOrganizationConfiguration(c *call) (any, error) {
	var in struct {
		AutoEnable *bool `json:"autoEnable"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.requireAdmin(c); err != nil {
		return nil, err
	}
	if in.AutoEnable == nil {
		return nil, validation("autoEnable is required")
	}
	s.autoEnable[key{c.account, c.region}] = *in.AutoEnable
	return nil, nil
}
