package main

import (
	"bytes"
	"errors"
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
