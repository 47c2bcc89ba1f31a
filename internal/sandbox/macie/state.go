package macie

import (
	"sort"
	"time"
)

// Macie session statuses (MacieStatus) and member relationship statuses (RelationshipStatus).
const (
	StatusEnabled = "ENABLED"
	StatusPaused  = "PAUSED"

	RelationshipEnabled = "Enabled"
	RelationshipPaused  = "Paused"
	RelationshipRemoved = "Removed"
)

// session is Macie in one account and Region; its presence means Macie is enabled there.
type session struct {
	status, frequency    string
	createdAt, updatedAt time.Time
	tokens               map[string]bool // EnableMacie clientTokens already served
}

// member is an account associated with an administrator in one Region.
type member struct {
	account, email, status string
	tags                   map[string]string
	invitedAt, updatedAt   time.Time
}

// Member is a member account as the administrator sees it.
type Member struct {
	Account string
	Status  string // RelationshipStatus: Enabled, Paused, Removed, ...
}

// ScopeEntry is one bucket a classification job would analyse on its next run.
type ScopeEntry struct {
	Account, Region, Bucket string
}

// SetAdmin designates admin as the organization's Macie administrator in region, enabling Macie
// there, as EnableOrganizationAdminAccount does. As setup, the inventory knows the account's
// buckets at once.
func (s *Service) SetAdmin(region, admin string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admins[region] = admin
	s.ensureSession(admin, region).status = StatusEnabled
	s.refreshAccountLocked(admin, region)
}

// SetMember makes account a member of admin in region with the given relationship status.
// Enabled and Paused also set the member's own Macie session to ENABLED or PAUSED. As setup, the
// inventory knows an Enabled member's buckets at once (a member created with CreateMember waits
// for the next refresh).
func (s *Service) SetMember(admin, region, account, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	email, _ := s.world.OrgAccount(account)
	m := s.memberOf(admin, region, account)
	if m == nil {
		now := s.now()
		m = &member{account: account, email: email, invitedAt: now}
		s.membersOf(admin, region)[account] = m
		s.memberJoined(account, region)
	}
	s.setRelationship(admin, m, region, status)
	s.refreshAccountLocked(account, region)
}

// Admin returns the designated Macie administrator of region, or "".
func (s *Service) Admin(region string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.admins[region]
}

// Session reports Macie's status (ENABLED or PAUSED) in account and region; ok is false when
// Macie is not enabled there.
func (s *Service) Session(account, region string) (status string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[key{account, region}]
	if ss == nil {
		return "", false
	}
	return ss.status, true
}

// Members lists admin's member accounts in region (any status), sorted by account.
func (s *Service) Members(admin, region string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Member
	for _, m := range s.sortedMembers(admin, region) {
		out = append(out, Member{Account: m.account, Status: m.status})
	}
	return out
}

// Jobs returns deep copies of the classification jobs of account in region, oldest first.
func (s *Service) Jobs(account, region string) []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Job
	for _, j := range s.jobs[key{account, region}] {
		out = append(out, j.clone())
	}
	return out
}

// Publication reports account's Security Hub publication settings in region.
func (s *Service) Publication(account, region string) (classification, policy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.publicationOf(account, region)
	return p.classification, p.policy
}

// ensureSession returns account's session in region, enabling Macie there if needed.
func (s *Service) ensureSession(account, region string) *session {
	k := key{account, region}
	if ss := s.sessions[k]; ss != nil {
		return ss
	}
	now := s.now()
	ss := &session{status: StatusEnabled, frequency: "FIFTEEN_MINUTES", createdAt: now, updatedAt: now,
		tokens: map[string]bool{}}
	s.sessions[k] = ss
	return ss
}

// membersOf returns admin's member map in region, creating it.
func (s *Service) membersOf(admin, region string) map[string]*member {
	k := key{admin, region}
	if s.members[k] == nil {
		s.members[k] = map[string]*member{}
	}
	return s.members[k]
}

// memberOf returns account's membership under admin in region, or nil.
func (s *Service) memberOf(admin, region, account string) *member {
	return s.members[key{admin, region}][account]
}

// sortedMembers returns admin's members in region sorted by account.
func (s *Service) sortedMembers(admin, region string) []*member {
	var out []*member
	for _, m := range s.members[key{admin, region}] {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].account < out[j].account })
	return out
}

// setRelationship changes the status of a member of admin and aligns the member's own session:
// Enabled resumes Macie there; Paused suspends it, which cancels the member's own jobs. The
// watcher, if any, is told.
func (s *Service) setRelationship(admin string, m *member, region, status string) {
	s.notify(MemberChange{Admin: admin, Region: region, Account: m.account, From: m.status, To: status})
	m.status = status
	m.updatedAt = s.now()
	switch status {
	case RelationshipEnabled:
		s.ensureSession(m.account, region).status = StatusEnabled
	case RelationshipPaused:
		s.suspend(m.account, region)
	}
}

// suspend pauses Macie in account and region and cancels its unfinished jobs, as AWS does when
// Macie is suspended.
func (s *Service) suspend(account, region string) {
	ss := s.ensureSession(account, region)
	ss.status = StatusPaused
	ss.updatedAt = s.now()
	for _, j := range s.jobs[key{account, region}] {
		if !terminal(j.JobStatus) {
			j.JobStatus = JobCancelled
		}
	}
}

// requireEnabled fails with AccessDeniedException unless Macie is enabled and not suspended for
// the caller in the call's Region.
func (s *Service) requireEnabled(c *call) (*session, error) {
	ss := s.sessions[key{c.account, c.region}]
	if ss == nil {
		return nil, accessDenied("Macie is not enabled.")
	}
	if ss.status != StatusEnabled {
		return nil, accessDenied("Macie is suspended for account %s in %s.", c.account, c.region)
	}
	return ss, nil
}

// decodeEnabled decodes the request body into in, then fails unless Macie is enabled for the
// caller (requireEnabled), as every operation on the caller's own data does.
func (s *Service) decodeEnabled(c *call, in any) error {
	if err := c.decode(in); err != nil {
		return err
	}
	_, err := s.requireEnabled(c)
	return err
}

// requireAdmin fails unless the caller is the designated Macie administrator in the call's Region.
func (s *Service) requireAdmin(c *call) error {
	if _, err := s.requireEnabled(c); err != nil {
		return err
	}
	if s.admins[c.region] != c.account {
		return accessDenied("account %s is not the delegated Macie administrator in %s", c.account, c.region)
	}
	return nil
}
