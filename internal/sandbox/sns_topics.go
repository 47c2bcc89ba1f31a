package sandbox

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// attrEntry is one entry of a Query-protocol attribute map.
type attrEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type getTopicAttributesResponse struct {
	XMLName   xml.Name    `xml:"GetTopicAttributesResponse"`
	NS        string      `xml:"xmlns,attr"`
	Entries   []attrEntry `xml:"GetTopicAttributesResult>Attributes>entry"`
	RequestID string      `xml:"ResponseMetadata>RequestId"`
}

// getTopicAttributes answers the topic's owner (other accounts: AuthorizationError, the sandbox
// does not evaluate policies for reads).
func (s *Sandbox) getTopicAttributes(c *call) *apiError {
	st, e := s.ownTopic(c, "GetTopicAttributes")
	if e != nil {
		return e
	}
	confirmed, pending := 0, 0
	for _, sub := range st.subs {
		if sub.ARN == "pending confirmation" {
			pending++
		} else {
			confirmed++
		}
	}
	attrs := maps.Clone(st.attrs)
	maps.Copy(attrs, map[string]string{
		"TopicArn": st.arn, "Owner": st.Account, "Policy": cmp.Or(st.Policy, defaultTopicPolicy(st)),
		"SubscriptionsConfirmed": strconv.Itoa(confirmed), "SubscriptionsPending": strconv.Itoa(pending),
		"SubscriptionsDeleted": "0", "DisplayName": attrs["DisplayName"],
	})
	if st.KMSKey != "" {
		attrs["KmsMasterKeyId"] = st.KMSKey
	}
	out := getTopicAttributesResponse{NS: snsNS, RequestID: c.reqID}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		out.Entries = append(out.Entries, attrEntry{Key: k, Value: attrs[k]})
	}
	writeXMLOK(c, out)
	return nil
}

// defaultTopicPolicy is the policy AWS gives a new topic: its own account only.
func defaultTopicPolicy(st topicState) string {
	b, _ := json.Marshal(map[string]any{"Version": "2008-10-17", "Id": "__default_policy_ID",
		"Statement": []any{map[string]any{"Sid": "__default_statement_ID", "Effect": "Allow",
			"Principal": map[string]string{"AWS": "*"}, "Action": []string{"SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes",
				"SNS:SetTopicAttributes", "SNS:ListSubscriptionsByTopic", "SNS:DeleteTopic"},
			"Resource": st.arn, "Condition": map[string]any{"StringEquals": map[string]string{"AWS:SourceOwner": st.Account}}}}})
	return string(b)
}

type emptyResponse struct {
	XMLName   xml.Name
	NS        string `xml:"xmlns,attr"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// setTopicAttributes changes one attribute; Policy must be JSON.
func (s *Sandbox) setTopicAttributes(c *call) *apiError {
	st, e := s.ownTopic(c, "SetTopicAttributes")
	if e != nil {
		return e
	}
	name, value := c.r.Form.Get("AttributeName"), c.r.Form.Get("AttributeValue")
	switch name {
	case "Policy":
		if !json.Valid([]byte(value)) {
			return invalidParameter("Policy: Invalid policy document")
		}
	case "DisplayName", "KmsMasterKeyId", "DeliveryPolicy", "TracingConfig", "SignatureVersion":
	default:
		return invalidParameter("AttributeName")
	}
	s.topics.mu.Lock()
	t := s.topics.byARN[st.arn]
	t.attrs[name] = value
	switch name {
	case "Policy":
		t.Policy = value
	case "KmsMasterKeyId":
		t.KMSKey = value
	}
	s.topics.mu.Unlock()
	writeXMLOK(c, emptyResponse{XMLName: xml.Name{Local: "SetTopicAttributesResponse"}, NS: snsNS, RequestID: c.reqID})
	return nil
}

// ownTopic returns the topic of the call's TopicArn when the caller owns it.
func (s *Sandbox) ownTopic(c *call, op string) (topicState, *apiError) {
	st, e := s.topicFor(c, c.r.Form.Get("TopicArn"))
	if e != nil {
		return st, e
	}
	if st.Account != c.who.Account {
		return st, newAPIError("AuthorizationError", http.StatusForbidden,
			"User: %s is not authorized to perform: SNS:%s on resource: %s", c.who.arn(), op, st.arn)
	}
	return st, nil
}

type subscribeResponse struct {
	XMLName   xml.Name `xml:"SubscribeResponse"`
	NS        string   `xml:"xmlns,attr"`
	ARN       string   `xml:"SubscribeResult>SubscriptionArn"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// subscribe stores a subscription of the owner's account. E-mail and HTTP endpoints wait for a
// confirmation ("pending confirmation" unless ReturnSubscriptionArn); others are confirmed.
func (s *Sandbox) subscribe(c *call) *apiError {
	st, e := s.ownTopic(c, "Subscribe")
	if e != nil {
		return e
	}
	f := c.r.Form
	protocol, endpoint := f.Get("Protocol"), f.Get("Endpoint")
	switch protocol {
	case "email", "email-json", "http", "https", "sqs", "lambda", "firehose", "sms", "application":
	default:
		return invalidParameter("Invalid protocol type: " + protocol)
	}
	attrs := formMap(f, "Attributes", "key", "value")
	if fp := attrs["FilterPolicy"]; fp != "" && !json.Valid([]byte(fp)) {
		return invalidParameter("Filter policy: not valid JSON")
	}
	s.mu.Lock()
	arn := st.arn + ":" + s.uuidLocked()
	s.mu.Unlock()
	shown := arn
	if strings.HasPrefix(protocol, "email") || strings.HasPrefix(protocol, "http") {
		arn = "pending confirmation"
		if f.Get("ReturnSubscriptionArn") != "true" {
			shown = arn
		}
	}
	s.topics.mu.Lock()
	t := s.topics.byARN[st.arn]
	t.subs = append(t.subs, subscription{ARN: arn, Protocol: protocol, Endpoint: endpoint, FilterPolicy: attrs["FilterPolicy"]})
	s.topics.mu.Unlock()
	writeXMLOK(c, subscribeResponse{NS: snsNS, ARN: shown, RequestID: c.reqID})
	return nil
}

// topicMember is one member of ListTopics' Topics list.
type topicMember struct {
	TopicArn string `xml:"TopicArn"`
}

type listTopicsResponse struct {
	XMLName   xml.Name      `xml:"ListTopicsResponse"`
	NS        string        `xml:"xmlns,attr"`
	Topics    []topicMember `xml:"ListTopicsResult>Topics>member"`
	NextToken string        `xml:"ListTopicsResult>NextToken,omitempty"`
	RequestID string        `xml:"ResponseMetadata>RequestId"`
}

// listTopics lists the caller's topics in the call's Region, 100 a page (ListTopics).
func (s *Sandbox) listTopics(c *call) *apiError {
	s.topics.mu.Lock()
	var arns []string
	for arn, t := range s.topics.byARN {
		if t.Account == c.who.Account && t.Region == c.region {
			arns = append(arns, arn)
		}
	}
	s.topics.mu.Unlock()
	slices.Sort(arns)
	page, next, err := paginate(arns, func(a string) string { return a }, c.r.Form.Get("NextToken"), s.pageSize(0, 100))
	if err != nil {
		return invalidParameter("NextToken")
	}
	out := listTopicsResponse{NS: snsNS, NextToken: next, RequestID: c.reqID}
	for _, a := range page {
		out.Topics = append(out.Topics, topicMember{TopicArn: a})
	}
	writeXMLOK(c, out)
	return nil
}
