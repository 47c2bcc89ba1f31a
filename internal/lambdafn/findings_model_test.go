package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/findings"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
	"github.com/macieselfservice/macie-selfservice/internal/vclock"
)

// TestFindingsOfTheSandboxsJobsReachTheirOwners runs the whole path on the sandbox's own
// findings: the engine enrols the accounts and creates the job, the job's runs find the sensitive
// objects, Macie publishes each new or updated finding, and the function publishes each of
// them, once, to the topic of the bucket's account.
func TestFindingsOfTheSandboxsJobsReachTheirOwners(t *testing.T) {
	clock := vclock.New(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 7, Now: clock.Now})
	sb := srv.Sandbox()
	out := &testkit.Buffer{}
	logger := slog.New(slog.NewJSONHandler(out, nil))
	ctx := context.Background()
	cfg := testConfig()
	eng := engine.New(srv.Config(ctx, admin, euWest), cfg, engine.Options{Endpoint: srv.URL(), MaxAttempts: 1,
		Logger: logger})
	f := &fixture{t: t, sb: sb, srv: srv, out: out, h: &Handler{Engine: eng, Logger: logger, Metrics: NewMetrics(out)}}
	f.withFindings("LOW")
	if res := eng.EnsureRegions(ctx); len(res.Failures) > 0 {
		t.Fatalf("job and publication: %v", res.Failures)
	}
	if res := eng.Full(ctx); len(res.Failures) > 0 {
		t.Fatalf("full reconcile: %v", res.Failures)
	}
	if a, b := f.memberStatus(teamA, euWest), f.memberStatus(teamB, usEast); a != "Enabled" || b != "Enabled" {
		t.Fatalf("members A %s, B %s, want both enabled", a, b)
	}
	// The daily job analyses what changes after it was created.
	clock.Advance(time.Hour)
	for _, o := range []struct {
		account, bucket, kind string
		sensitive             int64
	}{{teamA, "team-a-customer-exports", "PERSONAL_INFORMATION", 2}, {teamB, "team-b-reports", "CREDENTIALS", 1}} {
		if err := sb.PutObjects(o.account, o.bucket, sandbox.ObjectGroup{Count: 10, SizeBytes: 10 << 20,
			Sensitive: o.sensitive, SensitiveType: o.kind}); err != nil {
			t.Fatal(err)
		}
	}

	var published []string
	for day := range 3 {
		clock.Advance(24 * time.Hour)
		sb.Macie().RunDue()
		var msgs []message
		for i, ev := range sb.TakeEvents() {
			var probe struct{ Source string }
			if json.Unmarshal(ev, &probe) == nil && probe.Source == findings.EventSource {
				msgs = append(msgs, message{fmt.Sprintf("d%d-%d", day, i), string(ev)}, message{fmt.Sprintf("d%d-%d-again", day, i), string(ev)})
			}
		}
		if len(msgs) == 0 {
			continue
		}
		if resp := f.handle(findingsBatch(msgs...)); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("day %d: batch failures %v", day, resp.BatchItemFailures)
		}
		published = append(published, fmt.Sprint(len(msgs)/2))
	}
	if len(published) == 0 {
		t.Fatal("the sandbox's jobs produced no finding in three days")
	}
	got := map[string]map[string]bool{}
	for _, m := range sb.Published() {
		var b findings.Finding
		if err := json.Unmarshal([]byte(m.Message), &b); err != nil {
			t.Fatal(err)
		}
		if m.TopicARN != topicOf(b.Account) || m.Account != b.Account {
			t.Errorf("finding of %s's bucket %s published to %s", b.Account, b.Bucket, m.TopicARN)
		}
		if want := map[string]string{teamA: "Low", teamB: "High"}[b.Account]; m.Attributes["severity"] != want {
			t.Errorf("finding %s of %s: severity %q, want %q (personal information once, credentials)", b.ID, b.Account, m.Attributes["severity"], want)
		}
		if got[m.TopicARN] == nil {
			got[m.TopicARN] = map[string]bool{}
		}
		if got[m.TopicARN][b.DedupKey()] {
			t.Errorf("%s published twice to %s", b.DedupKey(), m.TopicARN)
		}
		got[m.TopicARN][b.DedupKey()] = true
	}
	if len(got[topicOf(teamA)]) != 2 || len(got[topicOf(teamB)]) != 1 || len(got) != 2 {
		t.Errorf("published per topic %v (batches %v): want team A's two findings and team B's one, each update once", got, published)
	}
}
