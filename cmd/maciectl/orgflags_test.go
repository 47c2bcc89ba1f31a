package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

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

func TestOrgFlagsLoadAgainstTheSandbox(t *testing.T) {
	srv := sandboxEnv(t)
	f := parseOrgFlags(t, "--endpoint", srv.URL(), "--regions", "eu-west-1,us-east-1", "--excluded-accounts", "444444444444")
	o, err := f.load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := o.Config
	if c.AdminAccount != sandbox.ExampleAdmin || !slices.Equal(c.Regions, []string{"eu-west-1", "us-east-1"}) ||
		c.OrgRoleARN != "arn:aws:iam::"+sandbox.ExampleManagement+":role/"+sandbox.ExampleOrgReadRole ||
		c.Policy.String() != "macie=true" || !c.Rules().Excluded["444444444444"] {
		t.Fatalf("config %+v", c)
	}
}

func TestOrgFlagsDefaultRegionAndBadInput(t *testing.T) {
	srv := sandboxEnv(t)
	o, err := parseOrgFlags(t, "--endpoint", srv.URL()).load(context.Background())
	if err != nil || !slices.Equal(o.Config.Regions, []string{"eu-west-1"}) {
		t.Fatalf("err %v config %+v", err, o)
	}
	srv.Sandbox().ResetCalls()
	for _, args := range [][]string{
		{"--regions", "Ireland"}, {"--protected-accounts", "12"}, {"--tag-key", ""}, {"--sampling", "0"},
	} {
		_, err := parseOrgFlags(t, append(args, "--endpoint", srv.URL())...).load(context.Background())
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "--") {
			t.Errorf("%v: err %v", args, err)
		}
	}
	if calls := srv.Sandbox().Calls(); len(calls) != 0 {
		t.Fatalf("bad flags made calls: %v", calls)
	}
}
