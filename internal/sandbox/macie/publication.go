package macie

// publication is an account's Security Hub publication settings in one Region.
type publication struct {
	classification, policy bool
}

// publicationOf returns the settings of account in region. Until changed, AWS publishes policy
// findings to Security Hub and does not publish classification (sensitive data) findings.
func (s *Service) publicationOf(account, region string) publication {
	if p, ok := s.publication[key{account, region}]; ok {
		return p
	}
	return publication{classification: false, policy: true}
}

// securityHubConfiguration is the model's SecurityHubConfiguration; both members are required.
type securityHubConfiguration struct {
	PublishClassificationFindings *bool `json:"publishClassificationFindings"`
	PublishPolicyFindings         *bool `json:"publishPolicyFindings"`
}

// getPublication is GetFindingsPublicationConfiguration (GET /findings-publication-configuration).
func (s *Service) getPublication(c *call) (any, error) {
	if _, err := s.requireEnabled(c); err != nil {
		return nil, err
	}
	p := s.publicationOf(c.account, c.region)
	return map[string]any{"securityHubConfiguration": map[string]bool{
		"publishClassificationFindings": p.classification,
		"publishPolicyFindings":         p.policy,
	}}, nil
}

// putPublication is PutFindingsPublicationConfiguration (PUT /findings-publication-configuration).
// Without securityHubConfiguration nothing changes.
func (s *Service) putPublication(c *call) (any, error) {
	var in struct {
		ClientToken              string                    `json:"clientToken"`
		SecurityHubConfiguration *securityHubConfiguration `json:"securityHubConfiguration"`
	}
	if err := s.decodeEnabled(c, &in); err != nil {
		return nil, err
	}
	cfg := in.SecurityHubConfiguration
	if cfg == nil {
		return nil, nil
	}
	if cfg.PublishClassificationFindings == nil || cfg.PublishPolicyFindings == nil {
		return nil, validation("securityHubConfiguration needs publishClassificationFindings and publishPolicyFindings")
	}
	s.publication[key{c.account, c.region}] = publication{
		classification: *cfg.PublishClassificationFindings,
		policy:         *cfg.PublishPolicyFindings,
	}
	return nil, nil
}
