package lambdafn

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// invoke sends one request and returns the response CloudFormation received.
func invoke(t *testing.T, h *Handler, s *cfnServer, ctx context.Context, requestType, physicalID string, props map[string]any) CFNResponse {
	t.Helper()
	before := len(s.responses())
	if _, err := h.Handle(ctx, s.request(requestType, physicalID, props)); err != nil {
		t.Fatalf("%s: %v", requestType, err)
	}
	got := s.responses()
	if len(got) != before+1 {
		t.Fatalf("%s: CloudFormation received %d responses, want 1", requestType, len(got)-before)
	}
	r := got[len(got)-1]
	if r.RequestID != "req-"+strings.ToLower(requestType) || r.LogicalResourceID != "MacieSetup" || !strings.HasPrefix(r.StackID, "arn:aws:cloudformation:") {
		t.Errorf("%s: response does not echo the request: %+v", requestType, r)
	}
	return r
}

func TestAdminSetupLifecycle(t *testing.T) {
	f := newFixture(t, testConfig())
	s := newCFNServer(t)
	props := map[string]any{PropRole: RoleAdminSetup}
	ctx := context.Background()

	created := invoke(t, f.h, s, ctx, "Create", "", props)
	if created.Status != cfn.StatusSuccess || created.PhysicalResourceID == "" {
		t.Fatalf("Create answered %+v", created)
	}
	if _, ok := s.raw[0]["NoEcho"]; !ok {
		t.Error("response has no NoEcho member")
	}
	for _, r := range []string{euWest, usEast} {
		jobs := f.sb.Macie().Jobs(admin, r)
		classification, _ := f.sb.Macie().Publication(admin, r)
		if len(jobs) != 1 || !classification {
			t.Errorf("%s: %d jobs, classification findings published %v; want 1 job, published", r, len(jobs), classification)
		}
	}
	updated := invoke(t, f.h, s, ctx, "Update", created.PhysicalResourceID, props)
	if updated.Status != cfn.StatusSuccess || updated.PhysicalResourceID != created.PhysicalResourceID {
		t.Errorf("Update answered %+v, want SUCCESS with physical id %s", updated, created.PhysicalResourceID)
	}
	if updated.Data["Actions"] != "none" {
		t.Errorf("Update did %s, want none", updated.Data["Actions"])
	}
	deleted := invoke(t, f.h, s, ctx, "Delete", created.PhysicalResourceID, props)
	if deleted.Status != cfn.StatusSuccess || deleted.Data["LeftInPlace"] != "true" || !strings.Contains(deleted.Reason, "stay in place") {
		t.Errorf("Delete answered %+v, want SUCCESS saying the job stays", deleted)
	}
	if jobs := f.sb.Macie().Jobs(admin, euWest); len(jobs) != 1 || jobs[0].JobStatus == "CANCELLED" {
		t.Errorf("Delete touched the job: %+v", jobs)
	}
}

func TestDelegatedAdminLifecycle(t *testing.T) {
	f := newFixture(t, testConfig())
	f.h.Engine = nil // the management deployment has no engine
	s := newCFNServer(t)
	props := map[string]any{PropRole: RoleDelegatedAdmin, PropAdminAccount: admin, PropRegions: []any{euCentral, usEast}}
	ctx := context.Background()

	created := invoke(t, f.h, s, ctx, "Create", "", props)
	if created.Status != cfn.StatusSuccess || created.Data["Designated"] != euCentral || created.Data["AlreadyDesignated"] != usEast {
		t.Fatalf("Create answered %+v", created)
	}
	for _, r := range []string{euCentral, usEast} {
		if got := f.sb.Macie().Admin(r); got != admin {
			t.Errorf("administrator in %s is %q, want %s", r, got, admin)
		}
	}
	props[PropRegions] = euCentral + ", " + usEast // a comma-separated string works too
	updated := invoke(t, f.h, s, ctx, "Update", created.PhysicalResourceID, props)
	if updated.Status != cfn.StatusSuccess || updated.PhysicalResourceID != created.PhysicalResourceID || updated.Data["AlreadyDesignated"] != euCentral+","+usEast {
		t.Errorf("Update answered %+v", updated)
	}
	deleted := invoke(t, f.h, s, ctx, "Delete", created.PhysicalResourceID, props)
	if deleted.Status != cfn.StatusSuccess || deleted.Data["LeftInPlace"] != "true" || !strings.Contains(deleted.Reason, "stays designated") {
		t.Errorf("Delete answered %+v", deleted)
	}
	if got := f.sb.Macie().Admin(euCentral); got != admin {
		t.Errorf("Delete removed the administrator of %s: now %q", euCentral, got)
	}
	if _, err := f.h.Handle(ctx, scheduledEvent); err == nil || !strings.Contains(err.Error(), EnvMode) {
		t.Errorf("a management deployment ran the schedule: %v", err)
	}
}

func TestDelegatedAdminAnotherAccountFails(t *testing.T) {
	f := newFixture(t, testConfig())
	f.sb.Macie().SetAdmin(euCentral, teamA)
	s := newCFNServer(t)
	props := map[string]any{PropRole: RoleDelegatedAdmin, PropAdminAccount: admin, PropRegions: []any{euCentral}}
	r := invoke(t, f.h, s, context.Background(), "Create", "", props)
	if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, teamA) {
		t.Errorf("answered %+v, want FAILED naming %s", r, teamA)
	}
}

// engineFunc is an Engine whose EnsureRegions runs a function.
type engineFunc func(ctx context.Context) reconcile.Result

func (e engineFunc) Batch(ctx context.Context, _ []event.Change, _ []event.Shard) reconcile.BatchResult {
	return reconcile.BatchResult{Result: e(ctx)}
}
func (e engineFunc) FirstShards(time.Time) []event.Shard                { return nil }
func (e engineFunc) Full(ctx context.Context) reconcile.Result          { return e(ctx) }
func (e engineFunc) EnsureRegions(ctx context.Context) reconcile.Result { return e(ctx) }

func TestCustomResourceFailuresAreAnswered(t *testing.T) {
	setup := map[string]any{PropRole: RoleAdminSetup}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	for _, tc := range []struct {
		name   string
		h      *Handler
		props  map[string]any
		ctx    func() (context.Context, context.CancelFunc)
		reason string
	}{
		{name: "unknown role", h: &Handler{}, props: map[string]any{PropRole: "Other"}, reason: "property Role"},
		{name: "bad account", h: &Handler{}, props: map[string]any{PropRole: RoleDelegatedAdmin, PropAdminAccount: "12", PropRegions: "eu-west-1"}, reason: PropAdminAccount},
		{name: "bad region", h: &Handler{}, props: map[string]any{PropRole: RoleDelegatedAdmin, PropAdminAccount: admin, PropRegions: []any{"Ireland"}}, reason: PropRegions},
		{name: "invalid configuration", h: &Handler{InitErr: errors.New("MANAGED_REGIONS: no Region to manage")}, props: setup, reason: "MANAGED_REGIONS"},
		{name: "reconcile failure", props: setup, reason: "Region eu-west-1: boom", h: &Handler{Engine: engineFunc(func(context.Context) reconcile.Result {
			return reconcile.Result{Failures: []reconcile.Failure{{Unit: reconcile.Unit{Region: euWest}, Err: errors.New("boom")}}}
		})}},
		{name: "panic", props: setup, reason: "internal error: kaput", h: &Handler{Engine: engineFunc(func(context.Context) reconcile.Result { panic("kaput") })}},
		{name: "timeout", props: setup, reason: "ran out of time", h: &Handler{Engine: engineFunc(func(context.Context) reconcile.Result {
			<-release // ignores its context
			return reconcile.Result{}
		})}, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 2*time.Second) // a 200 ms margin to answer in, even on a loaded machine
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newCFNServer(t)
			ctx, cancel := context.Background(), func() {}
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			start := time.Now()
			r := invoke(t, tc.h, s, ctx, "Create", "", tc.props)
			if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, tc.reason) || r.PhysicalResourceID == "" {
				t.Errorf("answered %+v, want FAILED with a reason containing %q", r, tc.reason)
			}
			if deadline, ok := ctx.Deadline(); ok && time.Now().After(deadline) {
				t.Errorf("answered after the deadline (%v)", time.Since(start))
			}
			if d := invoke(t, tc.h, s, ctx, "Delete", r.PhysicalResourceID, tc.props); d.Status != cfn.StatusSuccess {
				t.Errorf("Delete after a failed Create answered %+v, want SUCCESS", d)
			}
		})
	}
}

func TestCustomResourceResponseRejected(t *testing.T) {
	s := newCFNServer(t)
	s.status = 403
	h := &Handler{}
	if _, err := h.Handle(context.Background(), s.request("Delete", "x", map[string]any{PropRole: RoleAdminSetup})); err == nil {
		t.Error("a rejected response was not reported")
	}
	if n := len(s.responses()); n != 3 {
		t.Errorf("response sent %d times, want 3 attempts", n)
	}
}
