package simulate

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
)

// FunctionRole is the central function's role, the only principal the findings topics trust.
const FunctionRole = "MacieSelfServiceFunction"

// Notification counts the messages one account's findings topic received for one bucket, finding
// type and severity.
type Notification struct {
	Account     string `json:"account"`
	Topic       string `json:"topic"`
	Bucket      string `json:"bucket"`
	FindingType string `json:"findingType"`
	Severity    string `json:"severity"`
	Messages    int    `json:"messages"`
}

// homeRegion is where the workload stacks create the findings topics: the first managed Region.
func homeRegion(s *scenario.Scenario) string { return s.Organization.Regions[0] }

// orgID is the sandbox organization's id.
func orgID(s *scenario.Scenario) string { return "o-" + s.Organization.ManagementAccount[:10] }

// setupTopics gives every account the workload stack reaches (those with the read role) its
// findings topic in the home Region, publishable only by the central function's role.
func setupTopics(sb *sandbox.Sandbox, s *scenario.Scenario) {
	org := s.Organization
	sb.AddRole(org.AdminAccount, FunctionRole)
	for _, a := range org.Accounts {
		if !a.HasReadRole() {
			continue
		}
		arn := findings.TopicARN("aws", homeRegion(s), a.ID)
		policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"CentralFunctionOnly","Effect":"Allow",`+
			`"Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sns:Publish","Resource":%q,"Condition":{"StringEquals":`+
			`{"aws:PrincipalArn":"arn:aws:iam::%s:role/%s","aws:PrincipalOrgID":%q}}}]}`,
			org.AdminAccount, arn, org.AdminAccount, FunctionRole, orgID(s))
		sb.PutTopic(sandbox.Topic{Account: a.ID, Region: homeRegion(s), Name: findings.TopicName, Policy: policy})
	}
}

// newFindings returns the router of the function, signed as its role.
func newFindings(ctx context.Context, srv *sandbox.Server, s *scenario.Scenario, logs io.Writer) (*findings.Router, error) {
	cfg := EngineConfig(s)
	out, err := sts.NewFromConfig(srv.Config(ctx, cfg.AdminAccount, homeRegion(s))).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + cfg.AdminAccount + ":role/" + FunctionRole),
		RoleSessionName: aws.String("macie-selfservice")})
	if err != nil {
		return nil, fmt.Errorf("assuming the function's role: %w", err)
	}
	c := out.Credentials
	awsCfg := sandbox.ClientConfig(srv.URL(), aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey),
		aws.ToString(c.SessionToken), homeRegion(s))
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	fc := config.Findings{QueueARN: "arn:aws:sqs:" + homeRegion(s) + ":" + cfg.AdminAccount + ":findings",
		TopicRegion: homeRegion(s)}
	return engine.NewFindings(awsCfg, cfg, fc, engine.Options{Endpoint: srv.URL(), Logger: logger}), nil
}

// routeFindings hands the findings among msgs to the function as the findings queue would (again,
// up to RetryLimit receives, when a retry can fix the failure) and returns the other messages.
func (r *runner) routeFindings(ctx context.Context, e *Entry, msgs []message) []message {
	var rest []message
	var items []findings.Item
	for _, m := range msgs {
		var probe struct{ Source string }
		if json.Unmarshal([]byte(m.body), &probe) == nil && probe.Source == findings.EventSource {
			items = append(items, findings.Item{MessageID: m.id, Body: m.body})
			continue
		}
		rest = append(rest, m)
	}
	for receive := 1; len(items) > 0 && receive <= RetryLimit; receive++ {
		var again []findings.Item
		for i, res := range r.findings.Route(ctx, items) {
			switch res.Outcome {
			case findings.Published:
				e.Notified++
			case findings.Retry:
				again = append(again, items[i])
			}
		}
		items = again
	}
	return rest
}

// notifications counts the messages published to the findings topics.
func notifications(published []sandbox.PublishedMessage) []Notification {
	byKey := map[Notification]int{}
	for _, m := range published {
		if !strings.HasSuffix(m.TopicARN, ":"+findings.TopicName) {
			continue
		}
		n := Notification{Account: m.Account, Topic: m.TopicARN, Bucket: m.Attributes[findings.AttrBucket],
			FindingType: m.Attributes[findings.AttrFindingType], Severity: m.Attributes[findings.AttrSeverity]}
		byKey[n]++
	}
	out := make([]Notification, 0, len(byKey))
	for n, count := range byKey {
		n.Messages = count
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Notification) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Bucket, b.Bucket),
			cmp.Compare(a.FindingType, b.FindingType), cmp.Compare(a.Severity, b.Severity))
	})
	return out
}

// writeNotifications writes what reached each team.
func (o *Output) writeNotifications(w *errWriter) {
	total := 0
	for _, n := range o.Notifications {
		total += n.Messages
	}
	w.printf("\nFindings published to the teams that own the buckets: %s\n", plural(total, "message"))
	for _, n := range o.Notifications {
		w.printf("  %s  %s  %s %s: %s on %s\n", n.Account, n.Bucket, n.Severity, n.FindingType, plural(n.Messages, "message"), n.Topic)
	}
}
