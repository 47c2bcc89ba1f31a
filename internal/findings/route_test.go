package findings

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

const (
	adminAcct = "222222222222"
	teamA     = "333333333333"
	outsider  = "999999999999"
	home      = "eu-west-1"
)

// fakeOrg is the organization: a set of accounts.
type fakeOrg map[string]bool

func (o fakeOrg) Account(_ context.Context, id string) (reconcile.Account, bool, error) {
	return reconcile.Account{ID: id, State: orgtypes.AccountStateActive}, o[id], nil
}

// fakeS3 holds buckets by name with their owner; reading another owner's bucket is AccessDenied.
type fakeS3 struct {
	owner map[string]string
	tags  map[string]map[string]string
	err   error
	reads *int
}

func (s fakeS3) Bucket(_ context.Context, account, region, name string) (plan.Bucket, bool, error) {
	if s.reads != nil {
		*s.reads++
	}
	if s.err != nil {
		return plan.Bucket{}, false, s.err
	}
	owner, ok := s.owner[name]
	switch {
	case !ok:
		return plan.Bucket{}, false, nil
	case owner != account:
		return plan.Bucket{}, false, &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	}
	return plan.Bucket{Name: name, Region: region, Tags: s.tags[name]}, true, nil
}

// fakeSNS records every publish; errs answers the next calls with errors, in order.
type fakeSNS struct {
	published []publishedMsg
	errs      []error
}

type publishedMsg struct {
	topic string
	msg   Message
}

func (p *fakeSNS) Publish(_ context.Context, topic string, m Message) (string, error) {
	if len(p.errs) > 0 {
		err := p.errs[0]
		p.errs = p.errs[1:]
		if err != nil {
			return "", err
		}
	}
	p.published = append(p.published, publishedMsg{topic, m})
	return "m-1", nil
}

func newRouter(sns *fakeSNS, s3 fakeS3, log *bytes.Buffer) *Router {
	return &Router{Admin: adminAcct, TopicRegion: home, Directory: fakeOrg{adminAcct: true, teamA: true},
		Buckets: s3, Publisher: sns, Seen: NewSeen(0), Logger: slog.New(slog.NewJSONHandler(log, nil))}
}

func teamABucket() fakeS3 {
	return fakeS3{owner: map[string]string{"team-a-customer-exports": teamA}}
}

func TestRoutePublishesToTheOwnersTopicOnce(t *testing.T) {
	sns := &fakeSNS{}
	var log bytes.Buffer
	r := newRouter(sns, teamABucket(), &log)
	body := fixture(t, nil)
	res := r.Route(context.Background(), []Item{{"m1", body}, {"m2", body}})
	res = append(res, r.Route(context.Background(), []Item{{"m3", body}})...)
	want := []Outcome{Published, Duplicate, Duplicate}
	for i, o := range want {
		if res[i].Outcome != o {
			t.Errorf("item %d: %s (%s), want %s", i, res[i].Outcome, res[i].Reason, o)
		}
	}
	if len(sns.published) != 1 {
		t.Fatalf("%d messages published, want 1", len(sns.published))
	}
	if got := sns.published[0].topic; got != "arn:aws:sns:eu-west-1:333333333333:MacieSelfServiceFindings" {
		t.Errorf("published to %s", got)
	}
	updated := fixture(t, func(_, d map[string]any) { d["updatedAt"] = "2026-11-30T10:00:00.000Z"; d["count"] = 2 })
	if res := r.Route(context.Background(), []Item{{"m4", updated}}); res[0].Outcome != Published {
		t.Errorf("an update of the finding: %s (%s), want published", res[0].Outcome, res[0].Reason)
	}
	if !strings.Contains(log.String(), `"finding_id":"64b917aa3ed3b0f3a26b0c3a3f1a4d2e"`) {
		t.Errorf("log does not name the finding: %s", log.String())
	}
}

func TestRouteRefusesForgedFindingsAndLogsThem(t *testing.T) {
	cases := map[string]func(ev, d map[string]any){
		"account outside the organization": func(_, d map[string]any) { d["accountId"] = outsider },
		"owner account differs": func(_, d map[string]any) {
			d["resourcesAffected"].(map[string]any)["s3Bucket"].(map[string]any)["owner"] = map[string]any{"id": adminAcct}
		},
		"bucket of another account":      func(_, d map[string]any) { d["accountId"] = adminAcct },
		"not on the administrator's bus": func(ev, _ map[string]any) { ev["account"] = teamA },
		"not a finding":                  func(ev, _ map[string]any) { ev["source"] = "aws.s3" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			sns := &fakeSNS{}
			var log bytes.Buffer
			res := newRouter(sns, teamABucket(), &log).Route(context.Background(), []Item{{"m1", fixture(t, edit)}})
			if res[0].Outcome != Refused {
				t.Errorf("outcome %s (%s), want refused", res[0].Outcome, res[0].Reason)
			}
			if len(sns.published) != 0 {
				t.Errorf("published %v", sns.published)
			}
			if !strings.Contains(log.String(), `"outcome":"refused"`) || !strings.Contains(log.String(), `"level":"WARN"`) {
				t.Errorf("refusal not logged as a warning: %s", log.String())
			}
		})
	}
}

func TestRouteSkipsWithoutPublishing(t *testing.T) {
	silenced := teamABucket()
	silenced.tags = map[string]map[string]string{"team-a-customer-exports": {SilenceKey: SilenceValue, "macie": "true"}}
	roleDenied := fakeS3{err: &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole",
		Err: &smithy.GenericAPIError{Code: "AccessDenied"}}}
	cases := []struct {
		name   string
		s3     fakeS3
		min    Severity
		dryRun bool
		edit   func(ev, d map[string]any)
	}{
		{name: "below the minimum severity", s3: teamABucket(), min: High},
		{name: "silenced bucket", s3: silenced},
		{name: "bucket gone", s3: fakeS3{}},
		{name: "read role missing", s3: roleDenied},
		{name: "dry run", s3: teamABucket(), dryRun: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sns := &fakeSNS{}
			r := newRouter(sns, c.s3, &bytes.Buffer{})
			r.MinSeverity, r.DryRun = c.min, c.dryRun
			res := r.Route(context.Background(), []Item{{"m1", fixture(t, c.edit)}})
			if res[0].Outcome != Skipped || len(sns.published) != 0 {
				t.Errorf("outcome %s (%s), %d published; want skipped, none", res[0].Outcome, res[0].Reason, len(sns.published))
			}
		})
	}
}

func TestRouteRetriesOnlyWhatARetryCanFix(t *testing.T) {
	throttled := &smithy.GenericAPIError{Code: "Throttled", Message: "Rate exceeded"}
	notFound := &smithy.GenericAPIError{Code: "NotFound", Message: "Topic does not exist"}
	invalid := &smithy.GenericAPIError{Code: "InvalidParameter", Message: "bad"}
	for _, c := range []struct {
		err  error
		want Outcome
	}{{throttled, Retry}, {notFound, Skipped}, {invalid, Failed}} {
		sns := &fakeSNS{errs: []error{c.err}}
		r := newRouter(sns, teamABucket(), &bytes.Buffer{})
		res := r.Route(context.Background(), []Item{{"m1", fixture(t, nil)}})
		if res[0].Outcome != c.want {
			t.Errorf("%s: outcome %s (%s), want %s", apiCode(c.err), res[0].Outcome, res[0].Reason, c.want)
		}
		// A failed publish is not remembered: the retry publishes.
		if again := r.Route(context.Background(), []Item{{"m1", fixture(t, nil)}}); again[0].Outcome != Published {
			t.Errorf("%s, then: %s, want published", apiCode(c.err), again[0].Outcome)
		}
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

func TestRouteReadsEachBucketOncePerBatch(t *testing.T) {
	sns := &fakeSNS{}
	s3 := teamABucket()
	reads := 0
	s3.reads = &reads
	r := newRouter(sns, s3, &bytes.Buffer{})
	var items []Item
	for i := range 5 {
		id := string(rune('a' + i))
		items = append(items, Item{id, fixture(t, func(_, d map[string]any) { d["id"] = "finding-" + id })})
	}
	r.Route(context.Background(), items)
	if reads != 1 || len(sns.published) != 5 {
		t.Errorf("%d reads of the bucket and %d messages for 5 findings of it, want 1 and 5", reads, len(sns.published))
	}
}
