package motoconf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/event"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

var regions = []string{"eu-west-1", "us-east-1"}

// idle is how many workload accounts without buckets join the organization before the teams':
// with them the teams' accounts are on the second page of ListAccounts (20 a page). They are
// excluded, so the engine lists them and reads nothing of theirs (moto is slow to read many).
const idle = 20

// fillers is how many other tagged buckets team A has in eu-west-1 before its macie=true one:
// more than a GetResources page holds, so that the tagged bucket is only on a later page.
const fillers = 120

// suite is one organization in moto, Macie in the sandbox, and the engine wired to both.
type suite struct {
	world   *world
	macie   *sandbox.Sandbox
	eng     *reconcile.Reconciler
	awsCfg  aws.Config
	admin   string
	a, b, c string
	// workloads are every account but the management and administrator accounts.
	workloads []string
	events    int
}

// TestAgainstMoto builds one organization in moto and checks the adapters against it: the
// bucket listing first, then plan, apply, plan and an event replay through the engine.
func TestAgainstMoto(t *testing.T) {
	s := newSuite(t)
	t.Run("ListBuckets", s.testBucketRegions)
	t.Run("PlanApplyReplay", s.testEngine)
}

// testEngine runs plan, apply, plan and an event replay through the engine's real adapters
// against moto, and checks each result against the tags as moto holds them.
func (s *suite) testEngine(t *testing.T) {
	ctx := t.Context()

	first := s.plan(ctx, t)
	wantKinds(t, first, map[string]int{"CreateJob": 2, "EnablePublication": 2, "CreateMember": 2})
	wantMember(t, first, s.a, "eu-west-1") // its macie=true bucket is on GetResources' second page
	wantMember(t, first, s.b, "us-east-1")

	rep := s.eng.Applier.Apply(ctx, first)
	if n := rep.Count(execute.Done); n != len(first.Actions) {
		t.Fatalf("apply: %d of %d actions done: %+v", n, len(first.Actions), rep.Results)
	}
	s.checkMembers(ctx, t)
	s.checkJobs(t)
	if again := s.plan(ctx, t); len(again.Actions) != 0 {
		t.Fatalf("plan after apply: want no change, got %+v", again.Actions)
	}

	// Teams change tags; the events CloudTrail would deliver are replayed through the engine.
	s.world.putTags(ctx, t, s.a, "us-east-1", "a-logs-us", map[string]string{"macie": "true", "owner": "team-a"})
	s.world.deleteTags(ctx, t, s.b, "us-east-1", "b-reports-us")
	res := s.replay(ctx, t,
		s.event(t, s.a, "us-east-1", "PutBucketTagging", "a-logs-us", map[string]string{"macie": "true", "owner": "team-a"}),
		s.event(t, s.b, "us-east-1", "DeleteBucketTagging", "b-reports-us", nil))
	if len(res.Failures) != 0 {
		t.Fatalf("replay failures: %+v", res.Failures)
	}
	wantKinds(t, res.Plan, map[string]int{"CreateMember": 1, "PauseMember": 1})
	s.checkMembers(ctx, t)
	if after := s.plan(ctx, t); len(after.Actions) != 0 {
		t.Fatalf("plan after the replay: want no change, got %+v", after.Actions)
	}
}

// testBucketRegions lists team B's buckets with ListBuckets through the read role, as maciectl
// plan and cost do, and compares them with what the harness created.
func (s *suite) testBucketRegions(t *testing.T) {
	buckets := s.buckets()
	got, err := buckets.BucketRegions(t.Context(), s.b, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range got {
		names = append(names, b.Name+"@"+b.Region)
	}
	slices.Sort(names)
	want := []string{"b-raw-eu@eu-west-1", "b-reports-us@us-east-1"}
	if !slices.Equal(names, want) {
		t.Fatalf("BucketRegions of team B: got %v, want %v", names, want)
	}
}

// newSuite creates the organization and its buckets in moto, tells the sandbox's Macie about
// the organization, and wires the engine to both through the per-service endpoint variables.
func newSuite(t *testing.T) *suite {
	t.Helper()
	ctx := t.Context()
	frontURL := startMotoFront(t, startMoto(t))
	s := &suite{world: newWorld(frontURL)}
	names := []string{"security"}
	for i := range idle {
		names = append(names, fmt.Sprintf("idle-%02d", i))
	}
	orgID, ids := s.world.createOrganization(ctx, t, append(names, "team-a", "team-b", "team-c")...)
	s.admin, s.workloads = ids[0], ids[1:]
	s.a, s.b, s.c = ids[len(ids)-3], ids[len(ids)-2], ids[len(ids)-1]
	for _, id := range []string{s.admin, s.a, s.b, s.c} {
		s.world.login(ctx, t, id)
	}
	s.createBuckets(ctx, t)
	s.macie = s.sandboxMacie(ctx, t, orgID)
	macieURL := startMacieFront(t, sandboxtest.Start(t, s.macie).URL(), s.admin)
	s.eng = s.engine(ctx, t, frontURL, macieURL)
	return s
}

// createBuckets gives team A tagged buckets in eu-west-1 (its macie=true one after a page of
// others) and a near-miss in us-east-1, team B a macie=true bucket in us-east-1 and a near-miss in
// eu-west-1, team C an untagged bucket.
func (s *suite) createBuckets(ctx context.Context, t *testing.T) {
	t.Helper()
	w := s.world
	for i := range fillers {
		w.createBucket(ctx, t, s.a, "eu-west-1", fmt.Sprintf("a-data-%03d", i), map[string]string{"owner": "team-a"})
	}
	w.createBucket(ctx, t, s.a, "eu-west-1", "a-pii-eu", map[string]string{"macie": "true"})
	w.createBucket(ctx, t, s.a, "us-east-1", "a-logs-us", map[string]string{"macie": "True"})
	w.createBucket(ctx, t, s.b, "us-east-1", "b-reports-us", map[string]string{"macie": "true", "owner": "team-b"})
	w.createBucket(ctx, t, s.b, "eu-west-1", "b-raw-eu", map[string]string{"Macie": "true"})
	w.createBucket(ctx, t, s.c, "eu-west-1", "c-scratch", nil)
}

// sandboxMacie is the sandbox whose Macie the engine calls. Its Macie learns the organization's
// accounts (and their emails, which CreateMember checks) from the sandbox's organization, so the
// accounts moto lists are copied there; the administrator is designated in every Region, as the
// management stack does. The engine reads no bucket from Macie, so no bucket is copied.
func (s *suite) sandboxMacie(ctx context.Context, t *testing.T, orgID string) *sandbox.Sandbox {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	sb.SetOrganization(orgID, motoManagement)
	pages := organizations.NewListAccountsPaginator(s.world.org(), &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListAccounts: %v", err)
		}
		for _, a := range page.Accounts {
			sb.AddAccount(sandbox.Account{ID: aws.ToString(a.Id), Email: aws.ToString(a.Email), Name: aws.ToString(a.Name)})
		}
	}
	for _, r := range regions {
		sb.Macie().SetAdmin(r, s.admin)
	}
	return sb
}

// engine wires the engine as the Lambda function does, from the default configuration chain:
// S3, STS, Organizations and the Tagging API go to moto (through the harness's proxy), Macie to
// the sandbox, each through its AWS_ENDPOINT_URL_<SERVICE> variable.
func (s *suite) engine(ctx context.Context, t *testing.T, motoURL, macieURL string) *reconcile.Reconciler {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_ENDPOINT_URL": "",
		"AWS_ENDPOINT_URL_S3": motoURL, "AWS_ENDPOINT_URL_STS": motoURL,
		"AWS_ENDPOINT_URL_ORGANIZATIONS": motoURL, "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": motoURL,
		"AWS_ENDPOINT_URL_MACIE2": macieURL,
	} {
		t.Setenv(k, v)
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("eu-west-1"),
		awsconfig.WithCredentialsProvider(s.world.creds[s.admin].Credentials))
	if err != nil {
		t.Fatal(err)
	}
	s.awsCfg = awsCfg
	return engine.New(awsCfg, s.config(), engine.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Reconciler
}

// buckets is the bucket reader, wired as engine.New wires it.
func (s *suite) buckets() *awsapi.Buckets {
	cfg := s.config()
	return awsapi.NewBuckets(awsapi.NewClients(s.awsCfg, awsapi.ClientOptions{}), awsapi.BucketsOptions{ReadRole: cfg.ReadRole, Self: cfg.AdminAccount})
}

func (s *suite) config() config.Config {
	return config.Config{
		AdminAccount: s.admin, Regions: regions, Policy: tagpolicy.Default(),
		ReadRole: config.DefaultReadRole,
		// moto lets any role be assumed, even one that does not exist; AWS refuses AssumeRole
		// unless the role exists and its trust policy allows the caller (IAM User Guide,
		// "Troubleshooting IAM roles"; STS API Reference, AssumeRole). The management account has
		// no read role in a deployment (StackSets do not deploy there), and the deployment
		// guide excludes it: so does the harness, or moto would let the engine read it.
		ExcludedAccounts:   append([]string{motoManagement}, s.workloads[:idle]...),
		OrgRoleARN:         "arn:aws:iam::" + motoManagement + ":role/" + config.DefaultOrgReadRole,
		SamplingPercentage: config.DefaultSampling, Concurrency: 4,
	}
}

// plan reads the organization as maciectl plan does and returns the plan; a read failure fails
// the test.
func (s *suite) plan(ctx context.Context, t *testing.T) plan.Plan {
	t.Helper()
	snap := s.eng.Observe(ctx)
	if len(snap.Failures) != 0 {
		t.Fatalf("plan: reads failed: %+v", snap.Failures)
	}
	var pairs []string
	for _, m := range snap.Members {
		pairs = append(pairs, pair(m.Account, m.Region))
	}
	if want := []string{pair(s.a, regions[0]), pair(s.a, regions[1]), pair(s.b, regions[0]), pair(s.b, regions[1]),
		pair(s.c, regions[0]), pair(s.c, regions[1])}; !slices.Equal(sortedCopy(pairs), sortedCopy(want)) {
		t.Fatalf("plan: want the 3 teams' accounts in %d Regions, read %v", len(regions), pairs)
	}
	return plan.Build(s.eng.Rules, snap.Members, snap.Regions)
}

// event returns the EventBridge event of a successful call by a team.
func (s *suite) event(t *testing.T, account, region, name, bucket string, tags map[string]string) []byte {
	s.events++
	return cloudTrailEvent(t, s.events, account, region, name, bucket, tags)
}

// replay decodes the events and reconciles what they name, as maciectl replay does.
func (s *suite) replay(ctx context.Context, t *testing.T, events ...[]byte) reconcile.Result {
	t.Helper()
	var changes []event.Change
	for _, e := range events {
		cs, err := event.Decode(e)
		if err != nil {
			t.Fatalf("decoding %s: %v", e, err)
		}
		for _, c := range cs {
			if !c.Relevant() {
				t.Fatalf("event ignored: %s", c.Reason)
			}
		}
		changes = append(changes, cs...)
	}
	return s.eng.Changes(ctx, changes)
}

// checkMembers compares the sandbox's Macie members with the oracle: a workload account is an
// Enabled member exactly in the Regions where moto holds one of its buckets tagged macie=true;
// an account that was a member and has none left is Paused.
func (s *suite) checkMembers(ctx context.Context, t *testing.T) {
	t.Helper()
	want := s.world.inScope(ctx, t, []string{s.a, s.b, s.c}) // the idle accounts have no bucket
	if len(want) == 0 {
		t.Fatal("the oracle finds no account in scope: the scenario is wrong")
	}
	for _, r := range regions {
		got := map[string]string{}
		for _, m := range s.macie.Macie().Members(s.admin, r) {
			got[m.Account] = m.Status
		}
		for _, a := range s.workloads {
			status, member := got[a]
			switch {
			case want[pair(a, r)] && status != "Enabled":
				t.Errorf("%s in %s: tagged bucket in moto, member status %q", a, r, status)
			case !want[pair(a, r)] && member && status != "Paused":
				t.Errorf("%s in %s: no tagged bucket in moto, member status %q", a, r, status)
			}
		}
	}
}

// checkJobs wants one running managed job per Region and classification findings published.
func (s *suite) checkJobs(t *testing.T) {
	t.Helper()
	for _, r := range regions {
		var running []string
		for _, j := range s.macie.Macie().Jobs(s.admin, r) {
			if j.JobStatus == "RUNNING" && strings.HasPrefix(j.Name, "macie-selfservice-") {
				running = append(running, j.Name)
			}
		}
		if len(running) != 1 {
			t.Errorf("%s: want one running managed job, got %v", r, running)
		}
		if classification, _ := s.macie.Macie().Publication(s.admin, r); !classification {
			t.Errorf("%s: classification findings are not published", r)
		}
	}
}

func wantKinds(t *testing.T, p plan.Plan, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, a := range p.Actions {
		got[string(a.Kind)]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("plan actions: got %v, want %v: %+v", got, want, p.Actions)
	}
}

func wantMember(t *testing.T, p plan.Plan, account, region string) {
	t.Helper()
	for _, a := range p.Actions {
		if a.Kind == plan.CreateMember && a.Account == account && a.Region == region {
			return
		}
	}
	t.Fatalf("plan: no CreateMember for %s in %s: %+v", account, region, p.Actions)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
