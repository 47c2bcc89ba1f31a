package main

import (
	"bytes"
	"errors"
	"runtime/debug"
	"strings"
	"testing"
)

func TestExitCode(t *testing.T) {
	cases := []struct {
		err   error
		code  int
		print string
	}{
		{nil, 0, ""},
		{errors.New("boom"), 1, "maciectl: boom\n"},
		{withExit(2, errors.New("bad flag")), 2, "maciectl: bad flag\n"},
		{quietExit(2), 2, ""},
	}
	for _, c := range cases {
		var out bytes.Buffer
		if code := exitCode(c.err, &out); code != c.code || out.String() != c.print {
			t.Errorf("exitCode(%v) = %d, %q; want %d, %q", c.err, code, out.String(), c.code, c.print)
		}
	}
}

func TestUsageErrorsExit2WithSuggestions(t *testing.T) {
	for args, want := range map[string]string{
		"sandbox serv":                   `unknown command "serv" for "maciectl sandbox"; did you mean "serve"?`,
		"event decod":                    `unknown command "decod" for "maciectl event"; did you mean "decode"?`,
		"config shwo":                    `unknown command "shwo" for "maciectl config"; did you mean "show"?`,
		"stauts":                         `unknown command "stauts" for "maciectl"; did you mean "status"?`,
		"plan --bogus":                   "unknown flag: --bogus (see 'maciectl plan --help')",
		"cost --sampling x":              `invalid argument "x" for "--sampling"`,
		"simulate":                       "accepts 1 arg(s), received 0 (usage: maciectl simulate FILE [flags])",
		"plan extra":                     `unknown command "extra" for "maciectl plan"`,
		"plan --concurrency 0":           "--concurrency: 0 is out of range: want 1 to 256",
		"status --endpoint 127.0.0.1:45": `--endpoint "127.0.0.1:45": want a URL with a scheme and a host`,
		"doctor --sample -1":             "--sample: must not be negative",
		"apply --yes --rate 0":           "--rate 0: want a number of calls a second above 0",
	} {
		code, out, errOut := runMaciectl(t, strings.Fields(args)...)
		if code != 2 || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("maciectl %s: exit %d, out %q, err %q; want exit 2 and %q", args, code, out, errOut, want)
		}
	}
}

func TestGroupsWithoutASubcommandPrintHelp(t *testing.T) {
	for _, args := range [][]string{{}, {"sandbox"}, {"event"}, {"config"}} {
		code, out, _ := runMaciectl(t, args...)
		if code != 0 || !strings.Contains(out, "Available Commands:") {
			t.Errorf("maciectl %v: exit %d, help %q", args, code, out)
		}
	}
}

func TestVersionComesFromBuildInfo(t *testing.T) {
	code, out, _ := runMaciectl(t, "--version")
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("the test binary has no build info")
	}
	if code != 0 || !strings.HasPrefix(out, "maciectl version "+info.Main.Version+" (") || !strings.Contains(out, info.GoVersion) {
		t.Fatalf("--version: exit %d, %q; want the module version %s and %s", code, out, info.Main.Version, info.GoVersion)
	}
}
