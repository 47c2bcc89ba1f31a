package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Amazon SNS in the Query protocol (Amazon SNS API Reference): CreateTopic, Publish, Subscribe,
// ListTopics, GetTopicAttributes and SetTopicAttributes. Topics belong to an account and a
// Region. Publish from another account is allowed only by the topic's access policy (sns_policy.go);
// without a policy only the owner may publish, as with the default policy AWS gives a topic.
// Every published message is recorded (Published). Not modelled: delivery to subscribers
// (subscriptions are stored with their filter policy), KMS encryption (KmsMasterKeyId is stored,
// the key is not checked), FIFO topics.

// snsNS is the XML namespace of SNS responses.
const snsNS = "http://sns.amazonaws.com/doc/2010-03-31/"

// PublishedMessage is one message published to a topic of the sandbox.
type PublishedMessage struct {
	TopicARN string
	// Publisher is the account that called Publish; Account and Region are the topic's.
	Publisher, Account, Region  string
	MessageID, Subject, Message string
	Attributes                  map[string]string
	At                          time.Time
}

// Topic is an SNS topic as set up directly (PutTopic).
type Topic struct {
	Account, Region, Name string
	// Policy is the access policy (JSON); empty means only the owner may publish.
	Policy string
	// KMSKey is the topic's KmsMasterKeyId, stored only.
	KMSKey string
}

// topicState is a stored topic.
type topicState struct {
	Topic
	arn   string
	attrs map[string]string
	subs  []subscription
}

// subscription is one subscription of a topic.
type subscription struct {
	ARN, Protocol, Endpoint, FilterPolicy string
}

// topics holds every account's topics and the messages published to them.
type topics struct {
	mu        sync.Mutex
	byARN     map[string]*topicState
	published []PublishedMessage
}

func newTopics() *topics { return &topics{byARN: map[string]*topicState{}} }

func topicARN(region, account, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}

// PutTopic creates or replaces a topic directly, as setup.
func (s *Sandbox) PutTopic(t Topic) {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	s.topics.putLocked(t)
}

func (ts *topics) putLocked(t Topic) *topicState {
	arn := topicARN(t.Region, t.Account, t.Name)
	st := &topicState{Topic: t, arn: arn, attrs: map[string]string{}}
	if old, ok := ts.byARN[arn]; ok {
		st.subs, st.attrs = old.subs, old.attrs
	}
	ts.byARN[arn] = st
	return st
}

// Published returns every message published so far, oldest first.
func (s *Sandbox) Published() []PublishedMessage {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	out := slices.Clone(s.topics.published)
	for i := range out {
		out[i].Attributes = maps.Clone(out[i].Attributes)
	}
	return out
}

func (s *Sandbox) serveSNS(c *call, op string) {
	var e *apiError
	switch op {
	case "CreateTopic":
		e = s.createTopic(c)
	case "Publish":
		e = s.publish(c)
	case "Subscribe":
		e = s.subscribe(c)
	case "ListTopics":
		e = s.listTopics(c)
	case "GetTopicAttributes":
		e = s.getTopicAttributes(c)
	case "SetTopicAttributes":
		e = s.setTopicAttributes(c)
	default:
		e = newAPIError("InvalidAction", http.StatusBadRequest, "Could not find operation %s for version 2010-03-31", op)
	}
	if e != nil {
		c.fail(e)
	}
}

var topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

type topicResult struct {
	XMLName   xml.Name
	NS        string `xml:"xmlns,attr"`
	TopicArn  string `xml:"CreateTopicResult>TopicArn"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// createTopic is idempotent for the same name and attributes, as on AWS.
func (s *Sandbox) createTopic(c *call) *apiError {
	name := c.r.Form.Get("Name")
	if !topicNameRE.MatchString(name) {
		return invalidParameter("Topic Name")
	}
	attrs := formMap(c.r.Form, "Attributes", "key", "value")
	s.topics.mu.Lock()
	arn := topicARN(c.region, c.who.Account, name)
	if _, ok := s.topics.byARN[arn]; !ok {
		st := s.topics.putLocked(Topic{Account: c.who.Account, Region: c.region, Name: name,
			Policy: attrs["Policy"], KMSKey: attrs["KmsMasterKeyId"]})
		maps.Copy(st.attrs, attrs)
	}
	s.topics.mu.Unlock()
	writeXMLOK(c, topicResult{XMLName: xml.Name{Local: "CreateTopicResponse"}, NS: snsNS, TopicArn: arn, RequestID: c.reqID})
	return nil
}

type publishResponse struct {
	XMLName   xml.Name `xml:"PublishResponse"`
	NS        string   `xml:"xmlns,attr"`
	MessageID string   `xml:"PublishResult>MessageId"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// maxMessage is SNS's limit on a message (Publish, Message: 256 KB).
const maxMessage = 256 * 1024

// publish records a message after the checks SNS makes (Publish, API Reference): the topic
// exists in the call's Region, the caller may publish, the message and subject fit.
func (s *Sandbox) publish(c *call) *apiError {
	f := c.r.Form
	msg, subject := f.Get("Message"), f.Get("Subject")
	attrs, e := messageAttributes(f)
	switch {
	case e != nil:
		return e
	case msg == "" || len(msg) > maxMessage:
		return invalidParameter("Message")
	case len(subject) > 100 || strings.ContainsFunc(subject, func(r rune) bool { return r < 0x20 || r > 0x7e }):
		return invalidParameter("Subject")
	}
	st, e := s.topicFor(c, f.Get("TopicArn"))
	if e != nil {
		return e
	}
	if !s.mayPublish(c, st) {
		return newAPIError("AuthorizationError", http.StatusForbidden,
			"User: %s is not authorized to perform: SNS:Publish on resource: %s", c.who.arn(), st.arn)
	}
	s.mu.Lock()
	id := s.uuidLocked()
	s.mu.Unlock()
	s.topics.mu.Lock()
	s.topics.published = append(s.topics.published, PublishedMessage{TopicARN: st.arn, Publisher: c.who.Account,
		Account: st.Account, Region: st.Region, MessageID: id, Subject: subject, Message: msg, Attributes: attrs, At: s.now()})
	s.topics.mu.Unlock()
	writeXMLOK(c, publishResponse{NS: snsNS, MessageID: id, RequestID: c.reqID})
	return nil
}

// topicFor returns a copy of the topic an ARN names in the call's Region.
func (s *Sandbox) topicFor(c *call, arn string) (topicState, *apiError) {
	if arn == "" {
		return topicState{}, invalidParameter("TopicArn")
	}
	if parts := strings.Split(arn, ":"); len(parts) != 6 || parts[2] != "sns" || parts[3] != c.region {
		return topicState{}, invalidParameter("TopicArn")
	}
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	st, ok := s.topics.byARN[arn]
	if !ok {
		return topicState{}, newAPIError("NotFound", http.StatusNotFound, "Topic does not exist")
	}
	c2 := *st
	c2.attrs = maps.Clone(st.attrs)
	c2.subs = slices.Clone(st.subs)
	return c2, nil
}

// mayPublish: the owner account always (IAM identity policies are not modelled); another account
// only where the topic's policy allows it.
func (s *Sandbox) mayPublish(c *call, st topicState) bool {
	if c.who.Account == st.Account {
		return true
	}
	var p topicPolicy
	if st.Policy == "" || json.Unmarshal([]byte(st.Policy), &p) != nil {
		return false
	}
	rc := requestContext{action: "sns:Publish", resource: st.arn, account: c.who.Account,
		principalARN: "arn:aws:iam::" + c.who.Account + ":root"}
	if c.who.Role != "" {
		rc.principalARN = c.who.roleArn()
	}
	if org, accts, ok := s.world.orgSnapshot(); ok && slices.ContainsFunc(accts, func(a orgAccount) bool { return a.ID == c.who.Account }) {
		rc.orgID = org.id
	}
	return p.allows(rc)
}

// messageAttributes reads MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}.
func messageAttributes(f url.Values) (map[string]string, *apiError) {
	out := map[string]string{}
	for i := 1; ; i++ {
		p := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		name := f.Get(p + "Name")
		if name == "" {
			return out, nil
		}
		typ, val := f.Get(p+"Value.DataType"), f.Get(p+"Value.StringValue")
		if typ == "" || !strings.HasPrefix(typ, "String") && !strings.HasPrefix(typ, "Number") || val == "" {
			return nil, newAPIError("ParameterValueInvalid", http.StatusBadRequest,
				"The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, typ)
		}
		out[name] = val
	}
}

// formMap reads a Query-protocol map: Prefix.entry.N.<key>=k, Prefix.entry.N.<value>=v.
func formMap(f url.Values, prefix, key, value string) map[string]string {
	out := map[string]string{}
	for i := 1; ; i++ {
		p := fmt.Sprintf("%s.entry.%d.", prefix, i)
		k := f.Get(p + key)
		if k == "" {
			return out
		}
		out[k] = f.Get(p + value)
	}
}

func invalidParameter(what string) *apiError {
	return newAPIError("InvalidParameter", http.StatusBadRequest, "Invalid parameter: %s", what)
}
