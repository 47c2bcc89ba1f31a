package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/macie2"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
	"github.com/macieselfservice/macie-selfservice/internal/tagpolicy"
)

// The accounts of the plan fixture.
const (
	pfManagement = "111111111111"
	pfAdmin      = "222222222222"
	pfNew        = "333333333333" // not a member; a tagged bucket in eu-west-1, a near-miss in us-east-1
	pfMixed      = "444444444444" // paused with a tagged bucket in eu-west-1; enabled, nothing tagged, in us-east-1
	pfNoRole     = "555555555555" // no read role; an enabled member in eu-west-1
)

// planFixture is an organization with a near-miss tag, a paused member to resume, an enabled
// member to pause, an account without its read role, a tagged bucket in a Region that is not
// managed, a managed job with an old definition, and organization auto-enable switched on.
type planFixture struct {
	srv *sandbox.Server
	// oldJob is the id of the managed job with the old definition.
	oldJob string
	// args are the flags every command of the test takes.
	args []string
}

func newPlanFixture(t *testing.T) *planFixture {
	t.Helper()
	no := false
	s := &scenario.Scenario{
		Organization: scenario.Organization{ManagementAccount: pfManagement, AdminAccount: pfAdmin,
			Regions: []string{"eu-west-1", "us-east-1"}, Accounts: []scenario.Account{
				{ID: pfNew, Email: "new@example.com"}, {ID: pfMixed, Email: "mixed@example.com"},
				{ID: pfNoRole, Email: "norole@example.com", ReadRole: &no},
			}},
		Initial: scenario.Initial{
			Buckets: []scenario.Bucket{
				{Account: pfNew, Region: "eu-west-1", Name: "new-data", Tags: map[string]string{"macie": "true"}, SizeGB: 2},
				{Account: pfNew, Region: "us-east-1", Name: "new-near-miss", Tags: map[string]string{"Macie": "true"}},
				{Account: pfNew, Region: "us-west-2", Name: "new-far-away", Tags: map[string]string{"macie": "true"}},
				{Account: pfNew, Region: "us-west-2", Name: "new-far-untagged"},
				{Account: pfMixed, Region: "eu-west-1", Name: "mixed-data", Tags: map[string]string{"macie": "true"}},
				{Account: pfMixed, Region: "us-east-1", Name: "mixed-logs", Tags: map[string]string{"team": "b"}},
				{Account: pfNoRole, Region: "eu-west-1", Name: "norole-data", Tags: map[string]string{"macie": "true"}},
				{Account: pfAdmin, Region: "ap-south-1", Name: "admin-far-away", Tags: map[string]string{"macie": "true"}},
			},
			Members: []scenario.Member{
				{Account: pfMixed, Region: "eu-west-1", Status: "Paused"},
				{Account: pfMixed, Region: "us-east-1", Status: "Enabled"},
				{Account: pfNoRole, Region: "eu-west-1", Status: "Enabled"},
			},
		},
	}
	sb := sandbox.New(sandbox.Options{})
	if err := simulate.Setup(sb, s); err != nil {
		t.Fatal(err)
	}
	sb.AddRole(pfManagement, config.DefaultReadRole) // the engine reads the management account too
	srv := sandboxtest.Start(t, sb)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": pfAdmin, "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": "",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	f := &planFixture{srv: srv, args: []string{"--endpoint", srv.URL(), "--regions", "eu-west-1,us-east-1",
		"--org-role-arn", "arn:aws:iam::" + pfManagement + ":role/" + simulate.OrgReadRole}}
	f.oldJob = f.staleJobAndAutoEnable(t)
	sb.ResetCalls()
	return f
}

// staleJobAndAutoEnable creates, as the administrator, a managed job with an old definition
// (another sampling) in eu-west-1, and switches organization auto-enable on there.
func (f *planFixture) staleJobAndAutoEnable(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clients := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.srv.URL()})
	old := plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, nil, 50)
	if err := awsapi.NewMacie(clients).CreateJob(ctx, "eu-west-1", old); err != nil {
		t.Fatal(err)
	}
	// The project never changes auto-enable; the test does, as the organization's own admin would.
	if _, err := clients.Macie("eu-west-1").(*macie2.Client).UpdateOrganizationConfiguration(ctx,
		&macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	jobs := f.srv.Sandbox().Macie().Jobs(pfAdmin, "eu-west-1")
	if len(jobs) != 1 {
		t.Fatalf("jobs %+v", jobs)
	}
	return jobs[0].JobID
}

// autoEnable reads the organization configuration of eu-west-1 as the administrator.
func (f *planFixture) autoEnable(t *testing.T) bool {
	t.Helper()
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: f.srv.URL()}).Macie("eu-west-1").
		DescribeOrganizationConfiguration(ctx, &macie2.DescribeOrganizationConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToBool(out.AutoEnable)
}

// mutatingCalls lists the calls made that change something.
func (f *planFixture) mutatingCalls() []string {
	var out []string
	for op, n := range f.srv.Sandbox().Calls() {
		name := op[strings.Index(op, ":")+1:]
		for _, verb := range []string{"Create", "Update", "Put", "Delete", "Disable", "Disassociate", "Enable", "Tag"} {
			if n > 0 && strings.HasPrefix(name, verb) {
				out = append(out, op)
			}
		}
	}
	slices.Sort(out)
	return out
}

// run runs maciectl with args and the fixture's flags; it returns the exit status and both
// streams (standard error without the final error line).
func (f *planFixture) run(t *testing.T, in io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut, last bytes.Buffer
	if in == nil {
		in = strings.NewReader("")
	}
	root := newRootCmd(streams{In: in, Out: &out, ErrOut: &errOut})
	root.SetArgs(append(args, f.args...))
	code := exitCode(root.ExecuteContext(context.Background()), &last)
	return code, out.String(), errOut.String()
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
	return v
}

func TestPlanJSONListsEveryChangeWithItsReason(t *testing.T) {
	f := newPlanFixture(t)
	code, out, stderr := f.run(t, nil, "plan", "--json")
	if code != 2 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	v := decode[planview.View](t, out)
	want := plan.NewJobSpec(tagpolicy.Policy{Key: "macie", Value: "true"}, nil, 100)
	type row struct{ kind, region, account, target, reasonHas string }
	wantRows := []row{
		{"CreateJob", "eu-west-1", "", want.Name, "no active managed daily job"},
		{"CancelJob", "eu-west-1", "", f.oldJob, "old definition"},
		{"EnablePublication", "eu-west-1", "", "", "not published to Security Hub"},
		{"CreateMember", "eu-west-1", pfNew, "", "bucket new-data is tagged macie=true"},
		{"ResumeMember", "eu-west-1", pfMixed, "", "bucket mixed-data is tagged macie=true and the member is paused"},
		{"CreateJob", "us-east-1", "", want.Name, "no active managed daily job"},
		{"EnablePublication", "us-east-1", "", "", "not published"},
		{"PauseMember", "us-east-1", pfMixed, "", "no bucket in us-east-1 is tagged macie=true"},
	}
	if len(v.Actions) != len(wantRows) {
		t.Fatalf("actions %+v", v.Actions)
	}
	for i, w := range wantRows {
		a := v.Actions[i]
		target := a.JobID
		if a.Job != nil {
			target = a.Job.Name
		}
		if string(a.Kind) != w.kind || a.Region != w.region || a.Account != w.account || target != w.target ||
			!strings.Contains(a.Reason, w.reasonHas) {
			t.Errorf("action %d = %+v, want %+v", i, a, w)
		}
	}
	if v.Actions[3].Email != "new@example.com" || v.Actions[0].Job.SamplingPercentage != 100 {
		t.Errorf("CreateMember email %q, job %+v", v.Actions[3].Email, v.Actions[0].Job)
	}
	s := v.Summary
	if s != (planview.Summary{Enrol: 1, Resume: 1, Pause: 1, CreateJob: 2, CancelJob: 1, EnablePublication: 2,
		Changes: 8, Warnings: 4}) {
		t.Errorf("summary %+v", s)
	}
	checkFixtureWarnings(t, v.Warnings)
	if len(v.Errors) != 0 {
		t.Errorf("errors %+v", v.Errors)
	}
	// Enrolling one account and resuming another (one bucket each) costs more than pausing one
	// (one bucket): bucket monitoring is charged for every bucket of an enabled member.
	c := v.Cost
	if !c.Available || c.Currency != "USD" || !(c.Before > 0) || !(c.After > c.Before) ||
		math.Abs(c.Change-(c.After-c.Before)) > 0.005 || c.UnsizedBuckets != 2 || !strings.Contains(c.Note, "--assume-gb-per-bucket") {
		t.Errorf("cost %+v", c)
	}
	// One s3:ListBuckets per account read (three workload accounts and the administrator), shared
	// by the unmanaged-Region check and the cost estimate.
	if n := f.srv.Sandbox().Calls()["s3:ListBuckets"]; n != 4 {
		t.Errorf("%d ListBuckets calls, want 4", n)
	}
	if calls := f.mutatingCalls(); len(calls) != 0 {
		t.Errorf("plan changed something: %v", calls)
	}
	if !f.autoEnable(t) {
		t.Error("autoEnable was switched off")
	}
}

// checkFixtureWarnings checks the near-miss, missing read role and unmanaged Region warnings.
func checkFixtureWarnings(t *testing.T, ws []plan.Warning) {
	t.Helper()
	want := []struct{ account, region, bucket, has string }{
		{pfAdmin, "ap-south-1", "admin-far-away", "ap-south-1, which is not a managed Region"},
		{pfNew, "us-east-1", "new-near-miss", "Macie"},
		{pfNew, "us-west-2", "new-far-away", "us-west-2, which is not a managed Region"},
		{pfNoRole, "", "", "read role MacieSelfServiceRead cannot be assumed"},
	}
	if len(ws) != len(want) {
		t.Fatalf("warnings %+v", ws)
	}
	for i, w := range want {
		g := ws[i]
		if g.Account != w.account || g.Region != w.region || g.Bucket != w.bucket || !strings.Contains(g.Message, w.has) {
			t.Errorf("warning %d = %+v, want %+v", i, g, w)
		}
	}
}

func sandboxFault(code string) sandbox.Fault { return sandbox.Fault{Error: code, Rate: 1} }

func TestPlanExitsOneWhenARegionCannotBeRead(t *testing.T) {
	f := newPlanFixture(t)
	f.srv.Sandbox().SetFault("macie2:ListClassificationJobs", sandboxFault("AccessDeniedException"))
	code, out, _ := f.run(t, nil, "plan", "--json")
	v := decode[planview.View](t, out)
	if code != 1 || len(v.Errors) != 2 || v.Summary.Errors != 2 {
		t.Fatalf("exit %d, errors %+v", code, v.Errors)
	}
	for i, region := range []string{"eu-west-1", "us-east-1"} {
		e := v.Errors[i]
		if e.Region != region || e.Account != "" || e.Retryable || !strings.Contains(e.Message, "listing managed jobs") {
			t.Errorf("error %d = %+v", i, e)
		}
	}
}

func TestPlanTextIsATerraformLikePlan(t *testing.T) {
	f := newPlanFixture(t)
	code, out, stderr := f.run(t, nil, "plan")
	if code != 2 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"eu-west-1\n", "us-east-1\n",
		"  + CreateMember       " + pfNew, "  ~ ResumeMember       " + pfMixed, "  - PauseMember        " + pfMixed,
		"  - CancelJob          job " + f.oldJob, "  + EnablePublication",
		"  ! bucket new-far-away of 333333333333 is tagged macie=true but is in us-west-2",
		"Plan: 1 to enrol, 1 to resume, 1 to pause, 2 job(s) to create, 1 job(s) to cancel, 2 Region(s) to publish findings to Security Hub. 4 warning(s).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// Progress per Region goes to standard error: redrawn in place and cleared on a terminal; not
// at all with --json, whose standard output stays one JSON document; in a log, nothing for a read
// shorter than a log line's interval (TestProgressInALogIsALinePerRegionAtAModestRate).
func TestPlanProgressPerRegionOnStandardErrorNeverWithJSON(t *testing.T) {
	f := newPlanFixture(t)
	run := func(terminal bool, args ...string) (stdout, stderr string) {
		var out, errOut bytes.Buffer
		cmd := newPlanCmd(streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			func(ctx context.Context, o *planOptions) error {
				o.Terminal = func(any) bool { return terminal }
				return planRun(ctx, o)
			})
		cmd.SetArgs(append(args, f.args...))
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if code := exitCode(cmd.ExecuteContext(context.Background()), io.Discard); code != 2 {
			t.Fatalf("exit %d", code)
		}
		return out.String(), errOut.String()
	}
	if _, got := run(false); got != "" {
		t.Errorf("not a terminal, a short read: stderr %q", got)
	}
	out, got := run(true, "--json")
	if got != "" || !json.Valid([]byte(out)) {
		t.Errorf("JSON on a terminal: stderr %q, stdout valid JSON: %v", got, json.Valid([]byte(out)))
	}
	_, got = run(true)
	if !strings.HasPrefix(got, "\rreading ") || !strings.Contains(got, "-1 0/4") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("terminal: stderr %q, want a Region's count of its 4 pairs, then the line cleared", got)
	}
}
