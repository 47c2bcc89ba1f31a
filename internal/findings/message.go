package findings

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// TopicName is the SNS topic the workload stack creates in every account's home Region; the
// central function's role may publish to topics of this name only.
const TopicName = "MacieSelfServiceFindings"

// TopicARN is the ARN of an account's findings topic in a Region.
func TopicARN(partition, region, account string) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", partition, region, account, TopicName)
}

// The message attributes a subscription filter policy can match on.
const (
	AttrSeverity    = "severity"
	AttrBucket      = "bucket"
	AttrFindingType = "findingType"
)

// Message is what is published for one finding: a short subject for people (e-mail), a JSON body
// for programs, and attributes for subscription filter policies.
type Message struct {
	Subject    string
	Body       string
	Attributes map[string]string
}

// body is the JSON body of a message.
type body struct {
	Finding
	// ConsoleURL opens the finding in the Macie console of the administrator account, where the
	// finding is kept.
	ConsoleURL string `json:"consoleUrl"`
}

// maxSubject is SNS's limit on a subject (Publish, Subject: at most 100 characters).
const maxSubject = 100

// NewMessage renders the message of a finding.
func NewMessage(f Finding) (Message, error) {
	b, err := json.Marshal(body{Finding: f, ConsoleURL: ConsoleURL(f)})
	if err != nil {
		return Message{}, fmt.Errorf("rendering finding %s: %w", f.ID, err)
	}
	return Message{
		Subject: subject(f),
		Body:    string(b),
		Attributes: map[string]string{
			AttrSeverity: string(f.Severity), AttrBucket: f.Bucket, AttrFindingType: f.Type,
		},
	}, nil
}

// subject is "Macie High: SensitiveData:S3Object/Personal in bucket NAME", cut to SNS's limit.
// SNS accepts printable ASCII only, so anything else (a bucket name is ASCII already) becomes "?".
func subject(f Finding) string {
	s := fmt.Sprintf("Macie %s: %s in bucket %s", f.Severity, f.Type, f.Bucket)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if len(s) > maxSubject {
		s = s[:maxSubject-3] + "..."
	}
	return s
}

// ConsoleURL is the link to a finding in the Macie console of its Region.
func ConsoleURL(f Finding) string {
	host := "console.aws.amazon.com"
	switch f.Partition {
	case "aws-cn":
		host = "console.amazonaws.cn"
	case "aws-us-gov":
		host = "console.amazonaws-us-gov.com"
	}
	return fmt.Sprintf("https://%s/macie/home?region=%s#findings?itemId=%s", host, url.QueryEscape(f.Region), url.QueryEscape(f.ID))
}
