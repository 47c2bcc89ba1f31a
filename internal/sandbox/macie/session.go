package macie

import "slices"

// frequencies are the FindingPublishingFrequency values of the model.
var frequencies = []string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}

// sessionInput is the body of EnableMacie and UpdateMacieSession.
type sessionInput struct {
	ClientToken                string `json:"clientToken"`
	FindingPublishingFrequency string `json:"findingPublishingFrequency"`
	Status                     string `json:"status"`
}

// validate checks the enums of a session request.
func (in sessionInput) validate() error {
	if in.Status != "" && in.Status != StatusEnabled && in.Status != StatusPaused {
		return validation("status must be ENABLED or PAUSED, not %q", in.Status)
	}
	if in.FindingPublishingFrequency != "" && !slices.Contains(frequencies, in.FindingPublishingFrequency) {
		return validation("findingPublishingFrequency %q is not one of %v", in.FindingPublishingFrequency, frequencies)
	}
	return nil
}

// enableMacie is EnableMacie (POST /macie). Enabling twice is a ConflictException unless the
// clientToken repeats one already served.
func (s *Service) enableMacie(c *call) (any, error) {
	var in sessionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if ss := s.sessions[key{c.account, c.region}]; ss != nil {
		if in.ClientToken != "" && ss.tokens[in.ClientToken] {
			return nil, nil
		}
		return nil, conflict("Macie is already enabled for account %s in %s.", c.account, c.region)
	}
	ss := s.ensureSession(c.account, c.region)
	if in.ClientToken != "" {
		ss.tokens[in.ClientToken] = true
	}
	if in.FindingPublishingFrequency != "" {
		ss.frequency = in.FindingPublishingFrequency
	}
	if in.Status == StatusPaused {
		ss.status = StatusPaused
	}
	return nil, nil
}

// getMacieSession is GetMacieSession (GET /macie); it answers for a suspended account too.
func (s *Service) getMacieSession(c *call) (any, error) {
	ss := s.sessions[key{c.account, c.region}]
	if ss == nil {
		return nil, accessDenied("Macie is not enabled.")
	}
	return map[string]any{
		"createdAt":                  timestamp(ss.createdAt),
		"updatedAt":                  timestamp(ss.updatedAt),
		"findingPublishingFrequency": ss.frequency,
		"serviceRole":                "arn:aws:iam::" + c.account + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
		"status":                     ss.status,
	}, nil
}

// updateMacieSession is UpdateMacieSession (PATCH /macie). A member account cannot change its
// own status: only its administrator can (UpdateMemberSession). Pausing cancels the account's jobs.
func (s *Service) updateMacieSession(c *call) (any, error) {
	var in sessionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	ss := s.sessions[key{c.account, c.region}]
	if ss == nil {
		return nil, accessDenied("Macie is not enabled.")
	}
	if in.Status != "" && in.Status != ss.status && s.isMember(c.account, c.region) {
		return nil, accessDenied("account %s is a Macie member account: only its administrator can change its status", c.account)
	}
	if in.FindingPublishingFrequency != "" {
		ss.frequency = in.FindingPublishingFrequency
	}
	switch in.Status {
	case StatusPaused:
		s.suspend(c.account, c.region)
	case StatusEnabled:
		ss.status = StatusEnabled
	}
	ss.updatedAt = s.now()
	return nil, nil
}

// isMember reports whether account is an associated member of region's administrator.
func (s *Service) isMember(account, region string) bool {
	admin := s.admins[region]
	m := s.memberOf(admin, region, account)
	return m != nil && associated(m.status)
}
