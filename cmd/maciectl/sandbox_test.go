package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
	"github.com/macieselfservice/macie-selfservice/internal/scenario"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

func TestSandboxServeFlags(t *testing.T) {
	cases := []struct {
		args     []string
		addr     string
		pageSize int
		exit     int
	}{
		{args: nil, addr: defaultSandboxAddr},
		{args: []string{"--addr", "127.0.0.1:0", "--page-size", "2"}, addr: "127.0.0.1:0", pageSize: 2},
		{args: []string{"--addr", "localhost:4511"}, addr: "localhost:4511"},
		{args: []string{"--addr", "0.0.0.0:4510"}, exit: 2},
		{args: []string{"--addr", "nonsense"}, exit: 2},
		{args: []string{"--page-size", "-1"}, exit: 2},
	}
	for _, tc := range cases {
		var got *sandboxServeOptions
		cmd := newSandboxServeCmd(streams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}},
			func(_ context.Context, o *sandboxServeOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		err := cmd.Execute()
		if tc.exit != 0 {
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != tc.exit || got != nil {
				t.Errorf("%v: want exit %d without running, got %v", tc.args, tc.exit, err)
			}
			continue
		}
		if err != nil || got == nil || got.Addr != tc.addr || got.PageSize != tc.pageSize {
			t.Errorf("%v: got %+v, %v", tc.args, got, err)
		}
	}
}

// serveInBackground runs `sandbox serve` until the returned cancel is called, and returns the
// endpoint it printed.
func serveInBackground(t *testing.T, opts *sandboxServeOptions) (string, *testkit.Buffer, func() error) {
	t.Helper()
	out := &testkit.Buffer{}
	opts.IO = streams{Out: out, ErrOut: &testkit.Buffer{}}
	opts.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sandboxServeRun(ctx, opts) }()
	url := regexp.MustCompile(`listening on (http://\S+)`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(deadline); {
		m = url.FindStringSubmatch(out.String())
		time.Sleep(10 * time.Millisecond)
	}
	if m == nil {
		cancel()
		t.Fatalf("no endpoint printed: %q", out.String())
	}
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			return errors.New("serve did not stop after its context was cancelled")
		}
	}
	return m[1], out, stop
}

func TestSandboxServeScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	if err := os.WriteFile(path, scenario.DemoYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	url, out, stop := serveInBackground(t, &sandboxServeOptions{Scenario: path})
	defer func() { _ = stop() }()
	if !strings.Contains(out.String(), "Macie administrator 222222222222, Regions eu-west-1, us-east-1") {
		t.Fatalf("banner:\n%s", out.String())
	}
	client := s3.NewFromConfig(sandbox.ClientConfig(url, "333333333333", "x", "", "eu-west-1"),
		func(o *s3.Options) { o.UsePathStyle = true })
	list, err := client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 2 || aws.ToString(list.Buckets[0].Name) != "payments-card-exports" {
		t.Fatalf("buckets of the scenario: %+v, %v", list, err)
	}
	param, err := ssm.NewFromConfig(sandbox.ClientConfig(url, "222222222222", "x", "", "eu-west-1")).
		GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(config.DefaultParameter)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := config.ParseDocument([]byte(aws.ToString(param.Parameter.Value)))
	if err != nil {
		t.Fatalf("the scenario's configuration parameter: %v", err)
	}
	for k, want := range map[config.Key]string{config.KeyRegions: "eu-west-1,us-east-1", config.KeyProtected: "555555555555",
		config.KeyExcluded: "666666666666", config.KeyTagKey: "", config.KeyDryRun: "false", config.KeyBackfill: ""} {
		if got := d.Value(k); got != want {
			t.Errorf("configuration parameter %s = %q, want %q (the scenario's config; \"\" where it leaves the default)", k, got, want)
		}
	}
}

// The scenario's coverage settings become the document's keys.
func TestScenarioConfigCarriesTheCoverageSettings(t *testing.T) {
	s, err := scenario.Parse("s.yaml", []byte(`organization: {managementAccount: "111111111111", adminAccount: "222222222222", regions: [eu-west-1]}
config: {backfill: "off", automatedDiscovery: inherit}
`))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := scenarioConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	d, err := config.ParseDocument([]byte(doc))
	if err != nil || d.Value(config.KeyBackfill) != "off" || d.Value(config.KeyDiscovery) != "inherit" {
		t.Fatalf("document %s: %+v, %v", doc, d, err)
	}
}

func TestSandboxServeRejectsABadScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("organization: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := sandboxServeRun(context.Background(), &sandboxServeOptions{IO: streams{Out: &out}, Addr: "127.0.0.1:0", Scenario: path})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "bad.yaml:") || out.Len() != 0 {
		t.Fatalf("err %v out %q", err, out.String())
	}
}

func TestSandboxServeRunsUntilCancelled(t *testing.T) {
	url, out, stop := serveInBackground(t, &sandboxServeOptions{})
	ctx := context.Background()
	banner := out.String()
	for _, want := range []string{"AWS_ACCESS_KEY_ID=333333333333", "AWS_ENDPOINT_URL=" + url, "MacieSelfServiceRead", "MacieSelfServiceOrgRead"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	client := s3.NewFromConfig(sandbox.ClientConfig(url, "333333333333", "x", "", "eu-west-1"),
		func(o *s3.Options) { o.UsePathStyle = true })
	list, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) == 0 || aws.ToString(list.Buckets[0].Name) != "team-a-customer-exports" {
		t.Errorf("listing the example buckets: %+v, %v", list, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after interrupt", err)
	}
}
