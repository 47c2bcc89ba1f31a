// Package testkit holds the small pieces tests of several packages share: a buffer that
// concurrent writers may share (the settable clock is vclock's). It imports nothing of the
// project, so any package can use it.
package testkit

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that loggers in several goroutines may write to while a test reads it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
