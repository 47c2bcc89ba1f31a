package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// How often the progress of a read is written: redrawn in place on a terminal, a line per
// Region elsewhere (a log keeps every line).
const (
	terminalEvery = 100 * time.Millisecond
	logEvery      = 10 * time.Second
)

// regionProgress shows on standard error how many pairs of each Region have been read. On a
// terminal it is one line redrawn in place, `reading eu-west-1 1200/10000  us-east-1 900/10000`,
// cleared when the read ends. Elsewhere (a CI log) it writes, at most every logEvery, a line per
// Region that moved, and a last line per Region when the read ends, if it wrote any: a read
// shorter than logEvery writes nothing. It is safe for concurrent use; with no writer it shows
// nothing.
type regionProgress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time

	mu     sync.Mutex
	counts map[string][2]int // Region -> done, total
	shown  map[string]int    // Region -> done in its last line (not on a terminal)
	last   time.Time         // when it last wrote
	drawn  bool              // a line is on the terminal
}

// newRegionProgress returns the progress of a read that starts now, written to w.
func newRegionProgress(w io.Writer, terminal bool, now func() time.Time) *regionProgress {
	p := &regionProgress{w: w, terminal: terminal, now: now, counts: map[string][2]int{}, shown: map[string]int{}}
	if !terminal {
		p.last = now() // the first line waits a whole interval
	}
	return p
}

// update is reconcile.Reconciler.Progress.
func (p *regionProgress) update(region string, done, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[region] = [2]int{done, total}
	now := p.now()
	switch {
	case p.terminal && now.Sub(p.last) >= terminalEvery:
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(p.regions()))
		p.drawn = true
	case !p.terminal && now.Sub(p.last) >= logEvery:
		p.writeMoved()
	default:
		return
	}
	p.last = now
}

// finish ends the progress: it clears the terminal's line, or writes the last count of every
// Region that moved since its last line.
func (p *regionProgress) finish() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.drawn:
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	case len(p.shown) > 0:
		p.writeMoved()
	}
}

// writeMoved writes a line for every Region whose count changed since its last line.
func (p *regionProgress) writeMoved() {
	for _, region := range p.regions() {
		if done, ok := p.shown[region]; !ok || done != p.counts[region][0] {
			fmt.Fprintln(p.w, p.line([]string{region}))
			p.shown[region] = p.counts[region][0]
		}
	}
}

// line is `reading R1 done/total  R2 done/total` for the Regions given.
func (p *regionProgress) line(regions []string) string {
	parts := make([]string, len(regions))
	for i, region := range regions {
		c := p.counts[region]
		parts[i] = fmt.Sprintf("%s %d/%d", region, c[0], c[1])
	}
	return "reading " + strings.Join(parts, "  ")
}

// regions are the Regions heard of, sorted.
func (p *regionProgress) regions() []string { return slices.Sorted(maps.Keys(p.counts)) }
