package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/simulate"
)

func TestSimulateFlags(t *testing.T) {
	var got *simulateOptions
	cmd := newSimulateCmd(streams{}, func(_ context.Context, o *simulateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"s.yaml", "--json", "--logs"})
	if err := cmd.Execute(); err != nil || got.File != "s.yaml" || !got.JSON || !got.Logs {
		t.Fatalf("err %v opts %+v", err, got)
	}
	cmd = newSimulateCmd(streams{}, func(context.Context, *simulateOptions) error { return nil })
	cmd.SetArgs(nil)
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err == nil {
		t.Fatal("simulate without a file accepted")
	}
}

func TestDemoPrintsEnrolmentPausingAndScope(t *testing.T) {
	var out bytes.Buffer
	opts := &demoOptions{simulateOptions: simulateOptions{IO: streams{Out: &out, ErrOut: &bytes.Buffer{}}}}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"+ CreateMember 333333333333 eu-west-1: bucket payments-card-exports is tagged macie=true",
		"- PauseMember 444444444444 eu-west-1: no bucket in eu-west-1 is tagged macie=true",
		`tag "Macie=True" is not "macie=true"`,
		"is protected: kept enabled",
		"Scan scope",
		"444444444444  us-east-1  analytics-us-events",
		"Failed after retries: 0",
		// The starting state, the archive tagged, a day passing, coverage and cost, the gap.
		"Starting state (day 0 00:00",
		"444444444444  eu-west-1  analytics-clickstream-archive  {}            2,500,000  1800.00 GB  4,000      7.0 years before",
		"~ ResumeMember 444444444444 eu-west-1: bucket analytics-clickstream-archive is tagged macie=true",
		"advance 24h: day 0 02:00 to day 1 02:00, 4 scheduled full reconciles",
		"day 1 00:00  Macie: job eu-west-1 macie-selfservice-",
		"Coverage (every bucket of a managed Region",
		"eu-west-1  " + plan.BackfillPrefix,
		"Objects of buckets in scope never analysed: 0 of 2,936,200",
		"Every object of every tagged bucket was analysed at least once.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// The management account has no read role in either Region: the closing list has one
	// warning of it, not one a Region.
	_, closing, _ := strings.Cut(out.String(), "\nWarnings: ")
	if n := strings.Count(closing, "! account 111111111111: the read role cannot be assumed"); n != 1 {
		t.Errorf("the closing warnings name 111111111111's read role %d times, want once:\n%s", n, closing)
	}
}

func TestDemoJSONAndScenario(t *testing.T) {
	var out bytes.Buffer
	opts := &demoOptions{simulateOptions: simulateOptions{IO: streams{Out: &out}, JSON: true}}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	var o simulate.Output
	if err := json.Unmarshal(out.Bytes(), &o); err != nil || len(o.Members) != 8 || len(o.ScanScope) != 3 {
		t.Fatalf("err %v output %+v", err, o)
	}
	var archive simulate.Coverage
	for _, c := range o.Coverage {
		if c.Bucket == "analytics-clickstream-archive" {
			archive = c
		}
	}
	// The daily job analyses the objects put after it ran, the backfill the 2.5 million the
	// bucket held; at most 5 % are analysed twice.
	if !archive.InScope || archive.Objects != 2_501_000 || archive.Analysed != archive.Objects ||
		archive.Analyses-archive.Analysed > archive.Objects/20 || len(o.Findings) != 1 || o.Usage.USD <= 0 {
		t.Fatalf("archive %+v findings %+v usage %+v", archive, o.Findings, o.Usage)
	}
	if strings.Contains(out.String(), "The gap") {
		t.Fatal("the gap's prose is in the JSON output")
	}
	out.Reset()
	opts.PrintScenario = true
	if err := demoRun(context.Background(), opts); err != nil || !strings.Contains(out.String(), "organization:") {
		t.Fatalf("err %v scenario %q", err, out.String())
	}
}

func TestSimulateRejectsAMalformedScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	bad := "organization:\n  managementAccount: \"111111111111\"\n  adminAccount: \"222222222222\"\n  regions: [Ireland]\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := simulateRun(context.Background(), &simulateOptions{IO: streams{Out: &out}, File: path})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `bad.yaml:4: "Ireland" is not a Region`) || out.Len() != 0 {
		t.Fatalf("err %v out %q", err, out.String())
	}
}

func TestSimulateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	yaml := `organization: {managementAccount: "111111111111", adminAccount: "222222222222", regions: [eu-west-1],
  accounts: [{id: "333333333333"}]}
initial: {buckets: [{account: "333333333333", region: eu-west-1, name: data-one}]}
steps:
  - putTags: {account: "333333333333", bucket: data-one, tags: {macie: "true"}}
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := simulateRun(context.Background(), &simulateOptions{IO: streams{Out: &out}, File: path, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var o simulate.Output
	if err := json.Unmarshal(out.Bytes(), &o); err != nil || len(o.Members) != 1 || o.Members[0].Status != "Enabled" {
		t.Fatalf("err %v output %s", err, out.String())
	}
}
