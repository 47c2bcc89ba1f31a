package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/engine"
	"github.com/macieselfservice/macie-selfservice/internal/planview"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
)

// deployedConfig is a configuration unlike the defaults in every setting that shapes the job.
const deployedConfig = `{"regions":["eu-west-1","us-east-1"],"excludedAccounts":["111111111111"],"samplingPercentage":50,
	"orgReadRoleArn":"arn:aws:iam::111111111111:role/MacieSelfServiceOrgRead"}`

// deployAsTheFunction writes the configuration parameter and, as the function does with it,
// ensures the managed job and publication of every managed Region.
func deployAsTheFunction(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	srv.Sandbox().PutParameter(sandbox.ExampleAdmin, "eu-west-1", config.DefaultParameter, deployedConfig)
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := config.Read(ctx, awsapi.NewClients(awsCfg, awsapi.ClientOptions{Endpoint: srv.URL()}).SSM("eu-west-1"), config.DefaultParameter)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromDocument(doc, sandbox.ExampleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if res := engine.New(awsCfg, cfg, engine.Options{Endpoint: srv.URL()}).EnsureRegions(ctx); len(res.Failures) > 0 {
		t.Fatalf("ensuring the Regions: %+v", res.Failures)
	}
}

// runMaciectl runs maciectl and returns its exit status, standard output and standard error
// (with the final error line).
func runMaciectl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd(streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(context.Background()), &errOut)
	return code, out.String(), errOut.String()
}

func jobChanges(v planview.View) int { return v.Summary.CreateJob + v.Summary.CancelJob }

func TestPlanWithoutFlagsFollowsTheDeployedConfiguration(t *testing.T) {
	srv := sandboxEnv(t)
	deployAsTheFunction(t, srv)

	code, out, errOut := runMaciectl(t, "plan", "--json", "--endpoint", srv.URL())
	v := decode[planview.View](t, out)
	if code != 2 || jobChanges(v) != 0 || v.Summary.Enrol != 2 {
		t.Fatalf("plan without flags: exit %d, %d job change(s), %d enrolment(s), want the 2 enrolments only\n%s", code, jobChanges(v), v.Summary.Enrol, errOut)
	}
	for _, w := range v.Warnings {
		if w.Account == sandbox.ExampleManagement {
			t.Errorf("the deployed configuration excludes %s, yet the plan warns about it: %s", w.Account, w.Message)
		}
	}

	srv.Sandbox().ResetCalls()
	code, out, errOut = runMaciectl(t, "plan", "--endpoint", srv.URL(), "--sampling", "100")
	if code != 2 || out != "" || !strings.Contains(errOut, "~ samplingPercentage: deployed 50, --sampling 100") || !strings.Contains(errOut, "--override") {
		t.Fatalf("a differing flag without --override: exit %d, out %q, err %q", code, out, errOut)
	}
	for op := range srv.Sandbox().Calls() {
		if strings.HasPrefix(op, "macie2:") {
			t.Errorf("refused plan called %s", op)
		}
	}

	code, out, errOut = runMaciectl(t, "plan", "--json", "--endpoint", srv.URL(), "--sampling", "100", "--override")
	if v := decode[planview.View](t, out); code != 2 || v.Summary.CreateJob != 2 || v.Summary.CancelJob != 2 ||
		!strings.Contains(errOut, "~ samplingPercentage: deployed 50, --sampling 100") {
		t.Fatalf("with --override: exit %d, summary %+v, err %q", code, v.Summary, errOut)
	}
}

func TestConfigShowNamesTheSourceOfEverySetting(t *testing.T) {
	srv := sandboxEnv(t)
	srv.Sandbox().PutParameter(sandbox.ExampleAdmin, "eu-west-1", config.DefaultParameter, deployedConfig)
	code, out, errOut := runMaciectl(t, "config", "show", "--endpoint", srv.URL(), "--excluded-accounts", "444444444444", "--concurrency", "4")
	if code != 0 || !strings.Contains(out, "Deployed configuration: parameter /macie-selfservice/config in eu-west-1") ||
		!strings.Contains(out, "~ excludedAccounts: deployed 111111111111, --excluded-accounts 444444444444") {
		t.Errorf("exit %d; config show:\n%s%s", code, out, errOut)
	}
	for key, want := range map[string]string{
		"regions":            "eu-west-1,us-east-1 deployed --regions",
		"samplingPercentage": "50 deployed --sampling",
		"tagKey":             "macie default --tag-key",
		"excludedAccounts":   "444444444444 flag override --excluded-accounts",
		"concurrency":        "4 flag --concurrency",
		"dryRun":             "false default -",
	} {
		if got := row(out, key); got != want {
			t.Errorf("config show row %s: %q, want %q", key, got, want)
		}
	}
	code, out, _ = runMaciectl(t, "config", "show", "--endpoint", srv.URL(), "--json")
	d := decode[deployed](t, out)
	if code != 0 || !d.Found || d.Resolved.Sources[config.KeySampling] != config.SourceDeployed ||
		d.Resolved.Sources[config.KeyTagKey] != config.SourceDefault || d.Resolved.Document.Value(config.KeySampling) != "50" {
		t.Fatalf("config show --json: exit %d, %+v", code, d)
	}
	srv.Sandbox().PutParameter(sandbox.ExampleAdmin, "eu-west-1", config.DefaultParameter, `{"regions":"eu-west-1","excludedAccounts":"1111"}`)
	code, _, errOut = runMaciectl(t, "config", "show", "--endpoint", srv.URL())
	if code != 1 || !strings.Contains(errOut, `excludedAccounts: "1111" is not a 12-digit account id`) {
		t.Fatalf("a bad deployed configuration: exit %d, %s", code, errOut)
	}
}

// row returns the fields after the key of the table row that starts with key, space-separated.
func row(out, key string) string {
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) > 0 && f[0] == key {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}
