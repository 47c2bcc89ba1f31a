package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/event"
)

// eventTestdata is a file of the event package's sample events.
func eventTestdata(name string) string {
	return filepath.Join("..", "..", "internal", "event", "testdata", name)
}

func TestEventDecodeArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{args: nil, want: ""},
		{args: []string{"-"}, want: "-"},
		{args: []string{"events.json"}, want: "events.json"},
		{args: []string{"a.json", "b.json"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *eventDecodeOptions
			cmd := newEventDecodeCmd(streams{}, func(o *eventDecodeOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error for too many arguments")
				}
				return
			}
			if err != nil || got == nil || got.File != tt.want {
				t.Fatalf("err = %v, opts = %+v; want File %q", err, got, tt.want)
			}
		})
	}
}

// runDecode runs eventDecodeRun and returns stdout.
func runDecode(t *testing.T, file, stdin string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	opts := &eventDecodeOptions{IO: streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &bytes.Buffer{}}, File: file}
	err := eventDecodeRun(opts)
	return out.String(), err
}

func TestEventDecodeFromFile(t *testing.T) {
	out, err := runDecode(t, eventTestdata("put-bucket-tagging-several-tags.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"TagsReplaced","account":"333333333333","region":"eu-west-1","bucket":"team-a-invoices",` +
		`"eventId":"5b0d7a2e-8c55-4c1d-a3b1-0f3c2d1e0002","eventTime":"2026-11-02T10:17:02Z",` +
		`"tags":{"cost-center":"cc-1042","macie":"true","owner":"team-a"}}` + "\n"
	if out != want {
		t.Errorf("stdout\n got %s\nwant %s", out, want)
	}
}

func TestEventDecodeFromStdin(t *testing.T) {
	var in bytes.Buffer
	for _, name := range []string{"delete-bucket.json", "sqs-batch-put-bucket-tagging.json", "put-bucket-tagging-access-denied.json"} {
		b, err := os.ReadFile(eventTestdata(name))
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
	}
	for _, file := range []string{"", "-"} {
		out, err := runDecode(t, file, in.String())
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		wantKinds := []event.Kind{event.BucketDeleted, event.TagsReplaced, event.Ignored}
		if len(lines) != len(wantKinds) {
			t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(wantKinds), out)
		}
		for i, line := range lines {
			var c event.Change
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatalf("line %d is not a change: %v", i, err)
			}
			if c.Kind != wantKinds[i] {
				t.Errorf("line %d kind = %s, want %s", i, c.Kind, wantKinds[i])
			}
		}
	}
}

func TestEventDecodeBadInput(t *testing.T) {
	tests := []struct{ name, stdin string }{
		{"not JSON", "this is not json"},
		{"valid then broken", `{"source":"aws.s3"} {`},
		{"empty", ""},
		{"too deep", strings.Repeat("[", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runDecode(t, "-", tt.stdin)
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			var errOut bytes.Buffer
			if code := exitCode(err, &errOut); code != 2 {
				t.Errorf("exit code = %d, want 2 (err %v)", code, err)
			}
			if msg := errOut.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "standard input") {
				t.Errorf("stderr = %q, want one line naming the input", msg)
			}
		})
	}
}

func TestEventDecodeTooLargeStdin(t *testing.T) {
	big := strings.Repeat(" ", event.MaxInputBytes+1)
	out, err := runDecode(t, "-", big)
	if out != "" || !errors.Is(err, event.ErrTooLarge) || exitCode(err, &bytes.Buffer{}) != 2 {
		t.Errorf("out %q, err %v; want ErrTooLarge with exit code 2", out, err)
	}
}

func TestEventDecodeMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	out, err := runDecode(t, missing, "")
	if out != "" || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("out %q, err %v; want a not-exist error", out, err)
	}
	var errOut bytes.Buffer
	if code := exitCode(err, &errOut); code != 1 || !strings.Contains(errOut.String(), missing) {
		t.Errorf("exit code %d, stderr %q; want 1 and the file named", code, errOut.String())
	}
}

func TestEventDecodeThroughRoot(t *testing.T) {
	var out, errOut bytes.Buffer
	root := newRootCmd(streams{In: strings.NewReader("[]"), Out: &out, ErrOut: &errOut})
	root.SetArgs([]string{"event", "decode"})
	if err := root.Execute(); err != nil {
		t.Fatalf("maciectl event decode: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("an empty array printed %q", out.String())
	}
}
