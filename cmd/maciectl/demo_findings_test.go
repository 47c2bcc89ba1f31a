package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoShowsAFindingReachingItsTeam(t *testing.T) {
	var out bytes.Buffer
	opts := &demoOptions{simulateOptions: simulateOptions{IO: streams{Out: &out, ErrOut: &bytes.Buffer{}}}}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// the daily job's first findings, then the backfill's over the archive's older objects
		"2 findings published to the teams that own the buckets",
		"4,000 findings published to the teams that own the buckets",
		"Findings published to the teams that own the buckets: 4,002 messages",
		"444444444444  analytics-clickstream-archive  Low SensitiveData:S3Object/Personal: 4,002 messages on arn:aws:sns:eu-west-1:444444444444:MacieSelfServiceFindings",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), ":333333333333:MacieSelfServiceFindings") {
		t.Error("a finding of 444's bucket reached 333's topic")
	}
}
