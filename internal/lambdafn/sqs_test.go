package lambdafn

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

func failedIDs(resp any) []string {
	var ids []string
	for _, f := range resp.(events.SQSEventResponse).BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestSQSBatchCoalescesAndIgnoresPoison(t *testing.T) {
	f := newFixture(t, testConfig())
	e1 := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
	e2 := f.tag(teamA, euWest, "team-a-scratch", map[string]string{"macie": "true", "owner": "a"})
	e3 := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true", "cost": "1"})
	f.sb.ResetCalls()

	resp, err := f.h.Handle(context.Background(), batch(
		message{"m1", string(e1)}, message{"poison", "not JSON {"}, message{"m2", string(e2)}, message{"m3", string(e3)}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); len(ids) != 0 {
		t.Errorf("batch item failures = %v, want none (the poison message is not retried)", ids)
	}
	if got := f.sb.Calls()["macie2:GetMember"]; got != 1 {
		t.Errorf("macie2:GetMember called %d times for three events of one pair, want 1", got)
	}
	if got := f.memberStatus(teamA, euWest); got != "Enabled" {
		t.Errorf("team A in %s is %q, want Enabled", euWest, got)
	}
	if got := f.memberStatus(teamB, euWest); got != "" {
		t.Errorf("team B in %s is %q, want untouched", euWest, got)
	}
	assertIgnoredLogged(t, f, "poison")
	if v, _ := f.metric("Trigger", TriggerSQS, "EventsSeen"); v != 4 {
		t.Errorf("EventsSeen = %v, want 4", v)
	}
	if v, _ := f.metric("Kind", "CreateMember", "Actions"); v != 1 {
		t.Errorf("Actions{Kind=CreateMember} = %v, want 1", v)
	}
}

func assertIgnoredLogged(t *testing.T, f *fixture, id string) {
	t.Helper()
	for _, l := range jsonLines(t, f.out) {
		if l["msg"] == "message ignored" && l["message_id"] == id && l["retry"] == false && l["reason"] != "" {
			return
		}
	}
	t.Errorf("no log line says message %s was ignored", id)
}

func TestSQSThrottledMessageIsRetriedAlone(t *testing.T) {
	f := newFixture(t, testConfig())
	enrol := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
	nothing := f.tag(teamB, euWest, "team-b-scratch", map[string]string{"owner": "b"})
	f.sb.SetFault("macie2:CreateMember", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})

	resp, err := f.h.Handle(context.Background(), batch(
		message{"enrol", string(enrol)}, message{"nothing", string(nothing)}, message{"poison", `{"detail-type":"x"}`}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); !slices.Equal(ids, []string{"enrol"}) {
		t.Errorf("batch item failures = %v, want exactly [enrol]", ids)
	}
	if v, _ := f.metric("Trigger", TriggerSQS, "Throttles"); v != 1 {
		t.Errorf("Throttles = %v, want 1", v)
	}
	if v, _ := f.metric("Trigger", TriggerSQS, "MessagesRetried"); v != 1 {
		t.Errorf("MessagesRetried = %v, want 1", v)
	}

	f.sb.SetFault("macie2:CreateMember", sandbox.Fault{})
	resp, err = f.h.Handle(context.Background(), batch(message{"enrol", string(enrol)}))
	if err != nil || len(failedIDs(resp)) != 0 {
		t.Fatalf("retry: failures %v, err %v", failedIDs(resp), err)
	}
	if got := f.memberStatus(teamA, euWest); got != "Enabled" {
		t.Errorf("after the retry team A is %q, want Enabled", got)
	}
}

func TestSQSDeadlineHandsBackEveryRelevantMessage(t *testing.T) {
	f := newFixture(t, testConfig())
	e := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed already
	resp, err := f.h.Handle(ctx, batch(message{"m1", string(e)}, message{"poison", "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if ids := failedIDs(resp); !slices.Equal(ids, []string{"m1"}) {
		t.Errorf("batch item failures = %v, want [m1]", ids)
	}
	if got := f.memberStatus(teamA, euWest); got != "" {
		t.Errorf("team A is %q after a cancelled run, want untouched", got)
	}
}

func TestSQSStaleReadIsReconciledAgainInTheInvocation(t *testing.T) {
	for _, c := range []struct {
		name  string
		retry time.Duration
		want  []string // batch item failures
	}{
		{"retried after a short wait", 2500 * time.Millisecond, []string{}},
		{"handed back when retries are off", -1, []string{"enrol"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, testConfig())
			f.sb.SetTagReadLag(2 * time.Second) // S3 answers with the tags of 2 s ago
			enrol := f.tag(teamA, euWest, "team-a-invoices", map[string]string{"macie": "true"})
			f.h.StaleRetry = c.retry
			resp, err := f.h.Handle(context.Background(), batch(message{"enrol", string(enrol)}))
			if err != nil {
				t.Fatal(err)
			}
			if ids := failedIDs(resp); !slices.Equal(ids, c.want) {
				t.Fatalf("batch item failures = %v, want %v", ids, c.want)
			}
			want := map[bool]string{true: "Enabled", false: ""}[len(c.want) == 0]
			if got := f.memberStatus(teamA, euWest); got != want {
				t.Fatalf("team A is %q, want %q: a stale read must neither decide nor be lost", got, want)
			}
		})
	}
}
