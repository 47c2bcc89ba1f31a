package convergence

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
)

const (
	member   = "300000000001"
	other    = "300000000002"
	outsider = "900000000001"
	region   = "eu-west-1"
)

// hostile is the engine, logging to a buffer, on a sandbox organization of two workload accounts.
type hostile struct {
	sb   *sandbox.Sandbox
	eng  *reconcile.Reconciler
	team *team
	logs *bytes.Buffer
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	o := &org{Workloads: []string{member, other}, Managed: []string{region}, Initial: map[pair]string{},
		Protected: map[string]bool{}, Excluded: map[string]bool{}}
	sb := sandbox.New(sandbox.Options{Seed: 9})
	if err := o.install(sb); err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Start(t, sb)
	ctx := context.Background()
	logs := &bytes.Buffer{}
	eng := engine.New(srv.Config(ctx, adminAccount, region), o.config(1), engine.Options{Endpoint: srv.URL(),
		MaxAttempts: 1, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	tm := &team{clients: map[owned]*s3.Client{}, buckets: map[string]owned{},
		cfg: func(a, r string) aws.Config { return srv.Config(ctx, a, r) }}
	return &hostile{sb: sb, eng: eng.Reconciler, team: tm, logs: logs}
}

// tagNew creates a bucket of account and tags it macie=true through S3, and returns the events.
func (h *hostile) tagNew(t *testing.T, account string) []json.RawMessage {
	t.Helper()
	o := owned{account, region}
	name, err := h.team.create(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.team.putTags(context.Background(), name, o, map[string]string{"macie": "true"}); err != nil {
		t.Fatal(err)
	}
	return h.sb.TakeEvents()
}

// engineCalls returns the calls the engine made while f ran.
func (h *hostile) engineCalls(f func()) map[string]int {
	before := h.sb.Calls()
	f()
	out := map[string]int{}
	for op, n := range h.sb.Calls() {
		if d := n - before[op]; d > 0 {
			out[op] = d
		}
	}
	return out
}

func TestEventOfAnAccountOutsideTheOrganizationIsRejectedAndLogged(t *testing.T) {
	h := newHostile(t)
	events := h.tagNew(t, outsider)
	var res reconcile.Result
	calls := h.engineCalls(func() {
		var changes []event.Change
		for i, raw := range events {
			changes = append(changes, event.DecodeMessage(string(rune('a'+i)), string(raw)))
		}
		res = h.eng.Changes(context.Background(), changes)
	})
	for op := range calls {
		if op != "organizations:DescribeAccount" && op != "sts:AssumeRole" {
			t.Errorf("the engine called %s for an outsider's event", op)
		}
	}
	if len(res.Plan.Actions) != 0 || len(h.sb.Macie().Members(adminAccount, region)) != 0 {
		t.Fatalf("acted: %v", res.Plan.Actions)
	}
	if len(res.Plan.Warnings) != 1 || !strings.Contains(res.Plan.Warnings[0].Message, "not in the organization: event rejected") {
		t.Fatalf("warnings %v", res.Plan.Warnings)
	}
	if !strings.Contains(h.logs.String(), `"account":"`+outsider+`"`) || !strings.Contains(h.logs.String(), "event rejected") {
		t.Fatalf("not logged: %s", h.logs)
	}
}

// An event whose envelope names another account than the CloudTrail record's recipient (here:
// a team's real event re-sent as if it came from another member) is refused by the decoder with
// its reason, which the Lambda logs, and the engine makes no call at all for it.
func TestForgedEventIsRejectedAndNeverActedOn(t *testing.T) {
	h := newHostile(t)
	for _, forge := range []func(map[string]any){
		func(e map[string]any) { e["account"] = other },
		func(e map[string]any) { e["detail"].(map[string]any)["recipientAccountId"] = other },
	} {
		var changes []event.Change
		for i, raw := range h.tagNew(t, member) {
			var e map[string]any
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			forge(e)
			body, _ := json.Marshal(e)
			changes = append(changes, event.DecodeMessage(string(rune('a'+i)), string(body)))
		}
		for _, c := range changes {
			if c.Relevant() || !strings.Contains(c.Reason, "differs from detail.recipientAccountId") {
				t.Fatalf("forged event accepted: %+v", c)
			}
		}
		var res reconcile.Result
		if calls := h.engineCalls(func() { res = h.eng.Changes(context.Background(), changes) }); len(calls) != 0 {
			t.Fatalf("the engine made calls for a forged event: %v", calls)
		}
		if res.Units != 0 || len(h.sb.Macie().Members(adminAccount, region)) != 0 {
			t.Fatalf("acted on a forged event: %+v", res)
		}
	}
}
