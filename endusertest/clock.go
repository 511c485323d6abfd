package endusertest

import (
	"sync"
	"time"
)

// Clock is a settable clock for tests, safe for concurrent use. Give its
// Now to the emulator ([WithClock]) and to the client (enduser.WithClock)
// so both agree, and move time with Advance to expire tokens.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that reads start until it is advanced.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
