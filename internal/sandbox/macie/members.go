package macie

import (
	"strings"
)

// associated reports whether a relationship status counts as a current member, which is what
// ListMembers returns by default. Removed and Resigned accounts are former members.
func associated(status string) bool {
	return status != RelationshipRemoved && status != "Resigned"
}

// createMember is CreateMember (POST /members): the Region's administrator associates an
// organization account, given its id and the email Organizations has for it. The member's
// relationship becomes Enabled and Macie is enabled in the member account in that Region.
func (s *Service) createMember(c *call) (any, error) {
	var in struct {
		Account struct {
			AccountID string `json:"accountId"`
			Email     string `json:"email"`
		} `json:"account"`
		Tags map[string]string `json:"tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.requireAdmin(c); err != nil {
		return nil, err
	}
	id := in.Account.AccountID
	if err := s.checkNewMember(c, id, in.Account.Email); err != nil {
		return nil, err
	}
	m := s.memberOf(c.account, c.region, id)
	if m == nil {
		m = &member{account: id}
		s.membersOf(c.account, c.region)[id] = m
	}
	m.email, m.tags, m.invitedAt = in.Account.Email, in.Tags, s.now()
	s.setRelationship(c.account, m, c.region, RelationshipEnabled)
	s.memberJoined(id, c.region)
	return map[string]any{"arn": memberArn(c.region, c.account, id)}, nil
}

// checkNewMember validates a CreateMember request for account id with email.
func (s *Service) checkNewMember(c *call, id, email string) error {
	if id == "" || email == "" {
		return validation("account.accountId and account.email are required")
	}
	if id == c.account {
		return validation("account %s is the Macie administrator and cannot be its own member", id)
	}
	orgEmail, ok := s.world.OrgAccount(id)
	if !ok {
		return validation("account %s is not in the organization", id)
	}
	// Email addresses are compared case-insensitively, as mail domains are.
	if !strings.EqualFold(orgEmail, email) {
		return validation("the email address for account %s does not match the organization's record", id)
	}
	if m := s.memberOf(c.account, c.region, id); m != nil && associated(m.status) {
		return conflict("account %s is already a member (%s)", id, m.status)
	}
	n := 0
	for _, m := range s.members[key{c.account, c.region}] {
		if associated(m.status) {
			n++
		}
	}
	if n >= maxMembers {
		return quotaExceeded("the administrator already has %d member accounts", n)
	}
	return nil
}

// getMember is GetMember (GET /members/{id}); an account that is not a member is a
// ResourceNotFoundException.
func (s *Service) getMember(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	m := s.memberOf(c.account, c.region, c.params["id"])
	if m == nil {
		return nil, notFound("account %s is not a member of %s in %s", c.params["id"], c.account, c.region)
	}
	return memberJSON(m, c.account, c.region), nil
}

// listMembers is ListMembers (GET /members). onlyAssociated is a string: absent or "true" lists
// current members only, "false" lists every account the administrator has had.
func (s *Service) listMembers(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	all := false
	switch strings.ToLower(q.Get("onlyAssociated")) {
	case "", "true":
	case "false":
		all = true
	default:
		return nil, validation("onlyAssociated must be \"true\" or \"false\", not %q", q.Get("onlyAssociated"))
	}
	max, err := queryMaxResults(c)
	if err != nil {
		return nil, err
	}
	var list []map[string]any
	for _, m := range s.sortedMembers(c.account, c.region) {
		if all || associated(m.status) {
			list = append(list, memberJSON(m, c.account, c.region))
		}
	}
	items, next, err := page(list, q.Get("nextToken"), max, s.pageSize)
	if err != nil {
		return nil, err
	}
	return map[string]any{"members": nonNil(items), "nextToken": optional(next)}, nil
}

// updateMemberSession is UpdateMemberSession (PATCH /macie/members/{id}): ENABLED or PAUSED
// sets the member's relationship to Enabled or Paused. PAUSED suspends Macie in the member
// account: no charges, settings and findings kept, its own jobs cancelled.
func (s *Service) updateMemberSession(c *call) (any, error) {
	var in struct {
		Status string `json:"status"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	m := s.memberOf(c.account, c.region, c.params["id"])
	if m == nil {
		return nil, notFound("account %s is not a member of %s in %s", c.params["id"], c.account, c.region)
	}
	if !associated(m.status) {
		return nil, validation("account %s is not associated with %s (%s)", m.account, c.account, m.status)
	}
	switch in.Status {
	case StatusEnabled:
		s.setRelationship(c.account, m, c.region, RelationshipEnabled)
	case StatusPaused:
		s.setRelationship(c.account, m, c.region, RelationshipPaused)
	default:
		return nil, validation("status must be ENABLED or PAUSED, not %q", in.Status)
	}
	return nil, nil
}

// memberJSON renders a member as the model's Member / GetMemberResponse.
func memberJSON(m *member, admin, region string) map[string]any {
	out := map[string]any{
		"accountId":              m.account,
		"administratorAccountId": admin,
		"masterAccountId":        admin,
		"arn":                    memberArn(region, admin, m.account),
		"email":                  m.email,
		"relationshipStatus":     m.status,
		"invitedAt":              timestamp(m.invitedAt),
		"updatedAt":              timestamp(m.updatedAt),
	}
	if len(m.tags) > 0 {
		out["tags"] = m.tags
	}
	return out
}

// memberArn is the ARN of account's membership under admin in region.
func memberArn(region, admin, account string) string {
	return "arn:aws:macie2:" + region + ":" + admin + ":member/" + account
}
