// Package vclock is a settable clock: virtual time that moves only when told to, shared by the
// sandbox, the simulator and the engine under simulation so that a month of scheduled activity
// runs in seconds without waiting on real time.
package vclock

import (
	"sync"
	"time"
)

// Clock is a virtual clock. It is safe for concurrent use; the zero value reads the zero time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock that reads t until it is set or advanced.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too: the caller owns the timeline).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
