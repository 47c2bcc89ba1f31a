package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/macieselfservice/macie-selfservice/internal/sandbox"
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

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSandboxServeRunsUntilCancelled(t *testing.T) {
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- sandboxServeRun(ctx, &sandboxServeOptions{IO: streams{Out: out, ErrOut: &syncBuffer{}}, Addr: "127.0.0.1:0"})
	}()
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
	banner := out.String()
	for _, want := range []string{"AWS_ACCESS_KEY_ID=333333333333", "AWS_ENDPOINT_URL=" + m[1], "MacieSelfServiceRead", "MacieSelfServiceOrgRead"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	client := s3.NewFromConfig(sandbox.ClientConfig(m[1], "333333333333", "x", "", "eu-west-1"),
		func(o *s3.Options) { o.UsePathStyle = true })
	list, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) == 0 || aws.ToString(list.Buckets[0].Name) != "team-a-customer-exports" {
		t.Errorf("listing the example buckets: %+v, %v", list, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after interrupt", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}
