package main

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox/sandboxtest"
)

// sandboxEnv serves the example organization and points the default credential chain at it as
// the administrator account.
func sandboxEnv(t *testing.T) *sandbox.Server {
	t.Helper()
	srv := sandboxtest.Example(t, sandbox.Options{})
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": sandbox.ExampleAdmin, "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": "",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	return srv
}

func parseOrgFlags(t *testing.T, args ...string) *orgFlags {
	t.Helper()
	f := &orgFlags{}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOrgFlagsReadTheDeployedConfiguration(t *testing.T) {
	srv := sandboxEnv(t)
	o, err := parseOrgFlags(t, "--endpoint", srv.URL()).load(context.Background(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := o.Config
	if c.AdminAccount != sandbox.ExampleAdmin || !slices.Equal(c.Regions, sandbox.ExampleRegions) ||
		c.OrgRoleARN != "arn:aws:iam::"+sandbox.ExampleManagement+":role/"+sandbox.ExampleOrgReadRole ||
		c.Policy.String() != "macie=true" || !o.Deployed.Found || o.Deployed.Resolved.Sources[config.KeyRegions] != config.SourceDeployed {
		t.Fatalf("config %+v, deployed %+v", c, o.Deployed)
	}
	// A flag equal to the deployed value is no override.
	if _, err := parseOrgFlags(t, "--endpoint", srv.URL(), "--regions", "eu-west-1,us-east-1").load(context.Background(), io.Discard); err != nil {
		t.Fatalf("flag equal to the deployed value: %v", err)
	}
}

func TestOrgFlagsThatDifferNeedOverride(t *testing.T) {
	srv := sandboxEnv(t)
	args := []string{"--endpoint", srv.URL(), "--excluded-accounts", "444444444444"}
	_, err := parseOrgFlags(t, args...).load(context.Background(), io.Discard)
	var ee *exitError
	want := `~ excludedAccounts: deployed "", --excluded-accounts 444444444444`
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--override") {
		t.Fatalf("differing flag without --override: %v", err)
	}
	var diff strings.Builder
	o, err := parseOrgFlags(t, append(args, "--override")...).load(context.Background(), &diff)
	if err != nil || !o.Config.Rules().Excluded["444444444444"] || !strings.Contains(diff.String(), want) {
		t.Fatalf("with --override: %v, config %+v, diff %q", err, o, diff.String())
	}
}

func TestOrgFlagsWithoutADeployedConfiguration(t *testing.T) {
	srv := sandboxEnv(t)
	t.Setenv("AWS_REGION", "us-east-1") // the example's parameter is in eu-west-1 only
	o, err := parseOrgFlags(t, "--endpoint", srv.URL(), "--excluded-accounts", "444444444444").load(context.Background(), io.Discard)
	if err != nil || o.Deployed.Found || !slices.Equal(o.Config.Regions, []string{"us-east-1"}) || !o.Config.Rules().Excluded["444444444444"] {
		t.Fatalf("nothing deployed: %v, %+v", err, o)
	}
	_, err = parseOrgFlags(t, "--endpoint", srv.URL(), "--config-parameter", "/acme/config").load(context.Background(), io.Discard)
	if !errors.Is(err, config.ErrNoParameter) || !strings.Contains(err.Error(), "/acme/config") {
		t.Fatalf("a named parameter that does not exist: %v", err)
	}
}

func TestOrgFlagsBadInputMakesNoCall(t *testing.T) {
	srv := sandboxEnv(t)
	srv.Sandbox().ResetCalls()
	for args, want := range map[string]string{
		"--regions Ireland":            `--regions: "Ireland" is not a Region name`,
		"--protected-accounts 12":      `--protected-accounts: "12" is not a 12-digit account id`,
		"--tag-key=":                   "--tag-key: tag key must not be empty",
		"--sampling 0":                 "--sampling: 0 is out of range: want 1 to 100",
		"--concurrency 0":              "--concurrency: 0 is out of range: want 1 to 256",
		"--concurrency 1000":           "--concurrency: 1000 is out of range: want 1 to 256",
		"--endpoint 127.0.0.1:4510":    `--endpoint "127.0.0.1:4510": want a URL with a scheme`,
		"--endpoint ftp://example.com": `--endpoint "ftp://example.com": want a URL`,
		"--org-role-arn OrgRead":       `--org-role-arn: "OrgRead" is not an IAM role ARN`,
	} {
		argv := append([]string{"--endpoint", srv.URL()}, strings.Fields(args)...)
		_, err := parseOrgFlags(t, argv...).load(context.Background(), io.Discard)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want exit 2 with %q", args, err, want)
		}
	}
	if calls := srv.Sandbox().Calls(); len(calls) != 0 {
		t.Fatalf("bad flags made calls: %v", calls)
	}
}
