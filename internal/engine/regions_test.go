package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// regionsOrg is an organization of n workload accounts, the administrator designated in each
// Region; with tagged, each account has a tagged bucket in each Region: every pair is one to
// enrol.
func regionsOrg(t *testing.T, n int, regions []string, tagged bool) *sandbox.Server {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 1})
	sb.SetOrganization(sandbox.ExampleOrganization, sandbox.ExampleManagement)
	sb.AddAccount(sandbox.Account{ID: sandbox.ExampleManagement, Email: "management@example.com"})
	sb.AddAccount(sandbox.Account{ID: sandbox.ExampleAdmin, Email: "security@example.com"})
	sb.AddRole(sandbox.ExampleManagement, sandbox.ExampleOrgReadRole)
	for _, region := range regions {
		sb.Macie().SetAdmin(region, sandbox.ExampleAdmin)
	}
	for i := range n {
		id := fmt.Sprintf("7000000%05d", i)
		sb.AddAccount(sandbox.Account{ID: id, Email: id + "@example.com"})
		sb.AddRole(id, sandbox.ExampleReadRole)
		for _, region := range regions {
			if !tagged {
				break
			}
			b := sandbox.Bucket{Account: id, Region: region, Name: "data-" + id + "-" + region, Tags: map[string]string{"macie": "true"}}
			if err := sb.PutBucket(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sandboxtest.Start(t, sb)
}

// regionsConfig is the configuration of a regionsOrg.
func regionsConfig(regions []string, concurrency int) config.Config {
	return config.Config{
		AdminAccount: sandbox.ExampleAdmin, Regions: regions,
		Policy:   tagpolicy.Policy{Key: tagpolicy.DefaultKey, Value: tagpolicy.DefaultValue},
		ReadRole: sandbox.ExampleReadRole, OrgRoleARN: "arn:aws:iam::" + sandbox.ExampleManagement + ":role/" + sandbox.ExampleOrgReadRole,
		SamplingPercentage: config.DefaultSampling, Concurrency: concurrency, ExcludedAccounts: []string{sandbox.ExampleManagement},
	}
}

// A full reconcile over three Regions, with every Macie call of one of them slowed down, finishes
// the other Regions' pairs first, and then every pair. The slow Region is the first managed one,
// so reconciling Region after Region would finish it first.
func TestFullWithOneSlowRegionFinishesTheOthersFirst(t *testing.T) {
	const accounts = 8
	const slow = "ap-southeast-2"
	regions := []string{slow, "eu-west-1", "us-east-1"}
	srv := regionsOrg(t, accounts, regions, true)
	srv.Sandbox().SetFault("macie2:*@"+slow, sandbox.Fault{Latency: 200 * time.Millisecond})
	ctx := context.Background()
	e := New(srv.Config(ctx, sandbox.ExampleAdmin, "eu-west-1"), regionsConfig(regions, 2), Options{Endpoint: srv.URL()})
	var mu sync.Mutex
	var finished []string // Regions, in the order their last pair finished
	start := time.Now()
	e.Progress = func(region string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done == total {
			finished = append(finished, region)
			t.Logf("%s: %d pairs done after %v", region, total, time.Since(start).Round(time.Millisecond))
		}
	}
	res := e.Full(ctx)
	if len(res.Failures) != 0 || res.Units != accounts*len(regions) {
		t.Fatalf("failures %v units %d, want every pair reconciled", res.Failures, res.Units)
	}
	if len(finished) != len(regions) || finished[len(finished)-1] != slow {
		t.Fatalf("Regions finished in the order %v, want %s last", finished, slow)
	}
	for _, region := range regions {
		if got := len(srv.Sandbox().Macie().Members(sandbox.ExampleAdmin, region)); got != accounts {
			t.Errorf("%s: %d members, want %d", region, got, accounts)
		}
	}
}

// The Regions of a sweep take the accounts in the same order and keep pace, so each account's
// read role is assumed about once for all Regions, even with more accounts than the credential
// cache holds (Region after Region, every pair would assume it again: 3 × 300). The
// organization's read role adds one call.
func TestFullAssumesEachReadRoleAboutOnceAcrossRegions(t *testing.T) {
	accounts := awsapi.AccountCacheSize + 44
	regions := []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	srv := regionsOrg(t, accounts, regions, false)
	ctx := context.Background()
	e := New(srv.Config(ctx, sandbox.ExampleAdmin, "eu-west-1"), regionsConfig(regions, 16), Options{Endpoint: srv.URL()})
	res := e.Full(ctx)
	if len(res.Failures) != 0 || res.Units != accounts*len(regions) {
		t.Fatalf("failures %v units %d", res.Failures, res.Units)
	}
	if got := srv.Sandbox().Calls()["sts:AssumeRole"]; got > accounts+accounts/2 {
		t.Fatalf("%d AssumeRole calls for %d accounts in %d Regions, want about one per account", got, accounts, len(regions))
	}
}
