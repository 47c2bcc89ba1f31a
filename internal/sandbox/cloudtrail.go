package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"time"
)

// trailEvent is a CloudTrail management event as EventBridge delivers it
// (detail-type "AWS API Call via CloudTrail").
type trailEvent struct {
	Version    string      `json:"version"`
	ID         string      `json:"id"`
	DetailType string      `json:"detail-type"`
	Source     string      `json:"source"`
	Account    string      `json:"account"`
	Time       string      `json:"time"`
	Region     string      `json:"region"`
	Resources  []string    `json:"resources"`
	Detail     trailDetail `json:"detail"`
}

// trailDetail is the CloudTrail record itself.
type trailDetail struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        userIdentity    `json:"userIdentity"`
	EventTime           string          `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	RequestParameters   map[string]any  `json:"requestParameters"`
	ResponseElements    any             `json:"responseElements"`
	AdditionalEventData map[string]any  `json:"additionalEventData"`
	RequestID           string          `json:"requestID"`
	EventID             string          `json:"eventID"`
	ReadOnly            bool            `json:"readOnly"`
	Resources           []trailResource `json:"resources"`
	EventType           string          `json:"eventType"`
	ManagementEvent     bool            `json:"managementEvent"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	EventCategory       string          `json:"eventCategory"`
}

// userIdentity is the caller as CloudTrail records it.
type userIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	SessionContext *sessionContext `json:"sessionContext,omitempty"`
}

// sessionContext describes the role session of an AssumedRole caller.
type sessionContext struct {
	SessionIssuer sessionIssuer     `json:"sessionIssuer"`
	Attributes    map[string]string `json:"attributes"`
}

// sessionIssuer is the role a session was issued for.
type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// trailResource is a resource named by the event.
type trailResource struct {
	AccountID string `json:"accountId"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

// recordEvent queues the event of a successful bucket call. The event lands in the bucket's
// Region and its recipient account is the bucket owner.
func (s *Sandbox) recordEvent(c *call, name string, b Bucket, params map[string]any) {
	now := s.now().Format(time.RFC3339)
	p := maps.Clone(params)
	p["bucketName"] = b.Name
	p["Host"] = b.Name + ".s3." + b.Region + ".amazonaws.com"
	ip, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		ip = c.r.RemoteAddr
	}
	ev := trailEvent{
		Version: "0", DetailType: "AWS API Call via CloudTrail", Source: "aws.s3",
		Account: b.Account, Time: now, Region: b.Region, Resources: []string{},
		Detail: trailDetail{
			EventVersion: "1.10", UserIdentity: identityOf(c.who), EventTime: now,
			EventSource: "s3.amazonaws.com", EventName: name, AWSRegion: b.Region,
			SourceIPAddress: ip, UserAgent: "[" + c.r.UserAgent() + "]", RequestParameters: p,
			AdditionalEventData: map[string]any{"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader",
				"bytesTransferredIn": max(c.r.ContentLength, 0), "bytesTransferredOut": 0},
			RequestID: c.reqID,
			Resources: []trailResource{{AccountID: b.Account, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + b.Name}},
			EventType: "AwsApiCall", ManagementEvent: true, RecipientAccountID: b.Account, EventCategory: "Management",
		},
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ev.ID = s.uuidLocked()
	ev.Detail.EventID = s.uuidLocked()
	raw, err := json.Marshal(ev)
	if err != nil { // cannot happen: the event holds only strings, numbers, maps and slices
		return
	}
	s.events = append(s.events, raw)
}

// identityOf renders a principal as CloudTrail's userIdentity.
func identityOf(p principal) userIdentity {
	if p.Role == "" {
		return userIdentity{Type: "Root", PrincipalID: p.Account, ARN: p.arn(), AccountID: p.Account, AccessKeyID: p.AccessKey}
	}
	id := roleID(p.Account, p.Role)
	return userIdentity{
		Type: "AssumedRole", PrincipalID: p.userID(), ARN: p.arn(), AccountID: p.Account, AccessKeyID: p.AccessKey,
		SessionContext: &sessionContext{
			SessionIssuer: sessionIssuer{Type: "Role", PrincipalID: id, ARN: p.roleArn(), AccountID: p.Account, UserName: p.Role},
			Attributes:    map[string]string{"creationDate": p.Issued.Format(time.RFC3339), "mfaAuthenticated": "false"},
		},
	}
}

// uuidLocked returns a random (version 4) UUID from the seeded generator; s.mu must be held.
func (s *Sandbox) uuidLocked() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	a = a&^0xf000 | 0x4000     // version 4
	b = b&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
