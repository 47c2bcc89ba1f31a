package engine

import (
	"context"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// exampleConfig is the configuration of the example organization.
func exampleConfig() config.Config {
	return config.Config{
		AdminAccount: sandbox.ExampleAdmin, Regions: []string{"eu-west-1"},
		Policy:   tagpolicy.Policy{Key: tagpolicy.DefaultKey, Value: tagpolicy.DefaultValue},
		ReadRole: sandbox.ExampleReadRole, OrgRoleARN: "arn:aws:iam::" + sandbox.ExampleManagement + ":role/" + sandbox.ExampleOrgReadRole,
		SamplingPercentage: config.DefaultSampling, Concurrency: 4, ExcludedAccounts: []string{sandbox.ExampleManagement},
	}
}

// A throttled write is tried MaxAttempts times in all, by the SDK's retryer with its retry
// quota, and not once more by the executor on top.
func TestOneRetryLayer(t *testing.T) {
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 1})
	srv.Sandbox().SetFault("macie2:CreateMember", sandbox.Fault{Error: sandbox.FaultThrottle, Rate: 1})
	ctx := context.Background()
	e := New(srv.Config(ctx, sandbox.ExampleAdmin, "eu-west-1"), exampleConfig(), Options{Endpoint: srv.URL(), MaxAttempts: 2})
	res := e.Units(ctx, []reconcile.Unit{{Account: sandbox.ExampleWorkloadA, Region: "eu-west-1"}})
	if len(res.Failures) != 1 || !res.Failures[0].Retryable {
		t.Fatalf("failures %+v, want the throttled pair, retryable", res.Failures)
	}
	if got := srv.Sandbox().Calls()["macie2:CreateMember"]; got != 2 {
		t.Errorf("CreateMember sent %d times, want 2 (MaxAttempts)", got)
	}
}

// The engine hands out the adapters its reconciler uses, not copies: a command that also reads
// an inventory shares their clients and cached role credentials.
func TestNewReturnsTheWiredAdapters(t *testing.T) {
	srv := sandboxtest.Example(t, sandbox.Options{Seed: 1})
	e := New(srv.Config(context.Background(), sandbox.ExampleAdmin, "eu-west-1"), exampleConfig(), Options{Endpoint: srv.URL()})
	if e.Reconciler.Macie != e.Macie || e.Reconciler.Buckets != e.Buckets || e.Reconciler.Directory != e.Directory || e.Clients == nil {
		t.Fatal("the engine's adapters are not the reconciler's")
	}
}
