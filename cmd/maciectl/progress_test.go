package main

import (
	"bytes"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// On a terminal, one line shows every Region, redrawn in place at most every terminalEvery, and
// is cleared at the end.
func TestProgressOnATerminalIsOneLineRedrawnInPlace(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	p := newRegionProgress(&out, true, clock.now)
	p.update("us-east-1", 0, 10000)
	p.update("eu-west-1", 0, 10000) // too soon: not drawn
	clock.advance(terminalEvery)
	p.update("eu-west-1", 1200, 10000)
	clock.advance(terminalEvery / 2)
	p.update("us-east-1", 900, 10000) // too soon
	clock.advance(terminalEvery / 2)
	p.update("us-east-1", 901, 10000)
	p.finish()
	want := "\rreading us-east-1 0/10000\x1b[K" +
		"\rreading eu-west-1 1200/10000  us-east-1 0/10000\x1b[K" +
		"\rreading eu-west-1 1200/10000  us-east-1 901/10000\x1b[K" +
		"\r\x1b[K"
	if out.String() != want {
		t.Fatalf("terminal output\n%q\nwant\n%q", out.String(), want)
	}
}

// Elsewhere, a line per Region that moved, at most every logEvery, and the last counts at the
// end; a read shorter than logEvery writes nothing.
func TestProgressInALogIsALinePerRegionAtAModestRate(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	p := newRegionProgress(&out, false, clock.now)
	p.update("us-east-1", 0, 3)
	p.update("eu-west-1", 0, 3)
	clock.advance(logEvery - time.Second)
	p.update("eu-west-1", 1, 3)
	if out.Len() != 0 {
		t.Fatalf("wrote %q before logEvery", out.String())
	}
	clock.advance(time.Second)
	p.update("eu-west-1", 2, 3)
	clock.advance(time.Second)
	p.update("eu-west-1", 3, 3) // too soon
	clock.advance(logEvery)
	p.update("us-east-1", 0, 3) // only eu-west-1 moved since its line
	p.finish()                  // nothing moved since
	want := "reading eu-west-1 2/3\nreading us-east-1 0/3\nreading eu-west-1 3/3\n"
	if out.String() != want {
		t.Fatalf("log output\n%q\nwant\n%q", out.String(), want)
	}

	out.Reset()
	p = newRegionProgress(&out, false, clock.now)
	p.update("eu-west-1", 0, 3)
	clock.advance(logEvery)
	p.update("eu-west-1", 1, 3)
	p.update("eu-west-1", 2, 3)
	p.update("us-east-1", 3, 3)
	p.finish()
	if want := "reading eu-west-1 1/3\nreading eu-west-1 2/3\nreading us-east-1 3/3\n"; out.String() != want {
		t.Fatalf("log output at the end\n%q\nwant\n%q", out.String(), want)
	}

	out.Reset()
	p = newRegionProgress(&out, false, clock.now)
	p.update("eu-west-1", 0, 3)
	p.update("eu-west-1", 3, 3)
	p.finish()
	if out.Len() != 0 {
		t.Fatalf("a short read wrote %q", out.String())
	}
}
