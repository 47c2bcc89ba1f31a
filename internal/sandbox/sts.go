package sandbox

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// getCallerIdentityResponse is the Query-protocol response of GetCallerIdentity.
type getCallerIdentityResponse struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Arn       string   `xml:"GetCallerIdentityResult>Arn"`
	UserID    string   `xml:"GetCallerIdentityResult>UserId"`
	Account   string   `xml:"GetCallerIdentityResult>Account"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// assumeRoleResponse is the Query-protocol response of AssumeRole.
type assumeRoleResponse struct {
	XMLName   xml.Name         `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
	Result    assumeRoleResult `xml:"AssumeRoleResult"`
	RequestID string           `xml:"ResponseMetadata>RequestId"`
}

// assumeRoleResult holds the issued credentials and the assumed role user.
type assumeRoleResult struct {
	AccessKeyID     string `xml:"Credentials>AccessKeyId"`
	SecretAccessKey string `xml:"Credentials>SecretAccessKey"`
	SessionToken    string `xml:"Credentials>SessionToken"`
	Expiration      string `xml:"Credentials>Expiration"`
	AssumedRoleID   string `xml:"AssumedRoleUser>AssumedRoleId"`
	Arn             string `xml:"AssumedRoleUser>Arn"`
}

func (s *Sandbox) serveSTS(c *call, op string) {
	var e *apiError
	switch op {
	case "GetCallerIdentity":
		writeXMLOK(c, getCallerIdentityResponse{Arn: c.who.arn(), UserID: c.who.userID(), Account: c.who.Account, RequestID: c.reqID})
	case "AssumeRole":
		e = s.assumeRole(c)
	default:
		e = newAPIError("InvalidAction", http.StatusBadRequest, "Could not find operation %s for version 2011-06-15", c.r.Form.Get("Action"))
	}
	if e != nil {
		c.fail(e)
	}
}

var (
	roleArnPattern     = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// maxSessionSeconds is the roles' MaxSessionDuration (the IAM default, one hour).
const maxSessionSeconds = 3600

// assumeRole issues credentials for a role of any account. Trust policies are not modelled:
// any caller, account root included, may assume an existing role.
func (s *Sandbox) assumeRole(c *call) *apiError {
	arn, session := c.r.Form.Get("RoleArn"), c.r.Form.Get("RoleSessionName")
	m := roleArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return validationError("roleArn", arn, "Member must satisfy regular expression pattern: arn:aws:iam::ACCOUNT:role/NAME")
	}
	if !sessionNamePattern.MatchString(session) {
		return validationError("roleSessionName", session, "Member must satisfy regular expression pattern: [\\w+=,.@-]{2,64}")
	}
	duration := maxSessionSeconds
	if v := c.r.Form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			return validationError("durationSeconds", v, "Member must have value between 900 and 43200")
		}
		if n > maxSessionSeconds {
			return newAPIError("ValidationError", http.StatusBadRequest,
				"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		duration = n
	}
	account, role := m[1], m[2]
	if !s.world.hasRole(account, role) {
		return newAPIError("AccessDenied", http.StatusForbidden,
			"User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.who.arn(), arn)
	}
	key, secret, token := s.newCredentials()
	p := principal{Account: account, Role: role, Session: session, AccessKey: key, Issued: s.now()}
	s.world.issue(key, p)
	// Expiration follows the wall clock, not Options.Now: SDK credential caches compare it with
	// the wall clock, and a simulated clock in the past would make them refresh on every call.
	exp := time.Now().UTC().Add(time.Duration(duration) * time.Second).Format(time.RFC3339)
	writeXMLOK(c, assumeRoleResponse{RequestID: c.reqID, Result: assumeRoleResult{
		AccessKeyID: key, SecretAccessKey: secret, SessionToken: token, Expiration: exp,
		AssumedRoleID: p.userID(), Arn: p.arn(),
	}})
	return nil
}

// newCredentials draws a temporary key (ASIA + 16), secret (40) and session token.
func (s *Sandbox) newCredentials() (key, secret, token string) {
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	s.mu.Lock()
	defer s.mu.Unlock()
	draw := func(alphabet string, n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[s.rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	return "ASIA" + draw(upper, 16), draw(b64, 40), "IQoJb3JpZ2luX2Vj" + draw(b64, 240)
}

// validationError is STS's ValidationError for one bad parameter.
func validationError(member, value, constraint string) *apiError {
	return newAPIError("ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

// writeXMLOK writes a Query-protocol success response.
func writeXMLOK(c *call, body any) {
	c.w.Header().Set("x-amzn-RequestId", c.reqID)
	writeXML(c.w, http.StatusOK, body)
}
