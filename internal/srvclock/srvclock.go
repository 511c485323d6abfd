// Package srvclock estimates a server's clock from the Date headers of its
// answers (RFC 9110 section 6.6.1), so that token expiries, which are
// instants of the server's clock, are judged right on a machine whose
// clock is off.
package srvclock

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// MinSkew is the smallest difference taken for a skew: a Date has a
// resolution of one second and is read a round trip after it was written.
const MinSkew = 2 * time.Second

// MaxSkew is the largest difference believed. NTP keeps a working machine
// within seconds and a zone mistake is an hour; a Date further off comes
// from a broken server, a proxy's cache or a test's fixed clock, and
// believing it would serve expired tokens or refresh on every call.
const MaxSkew = 24 * time.Hour

// Clock is the server's clock as seen from a local one. Make it with New;
// it is safe for concurrent use.
type Clock struct {
	skew  atomic.Int64           // the server's clock minus the local one, in ns
	last  atomic.Pointer[string] // the last Date read, to parse each second's once
	heard atomic.Bool            // an answer arrived, with or without a Date
	gate  chan struct{}          // see Wait
}

// New returns a Clock that knows nothing yet.
func New() *Clock { return &Clock{gate: make(chan struct{}, 1)} }

// Skew returns the server's clock minus the local one, as learned.
func (c *Clock) Skew() time.Duration { return time.Duration(c.skew.Load()) }

// Now returns the server's time when the local clock reads local.
func (c *Clock) Now(local time.Time) time.Time { return local.Add(c.Skew()) }

// Observe learns from an answer's header, received at local's time. A
// difference from the skew known within MinSkew is noise and kept out; one
// beyond MaxSkew is not believed.
func (c *Clock) Observe(h http.Header, local func() time.Time) {
	if !c.heard.Load() {
		c.heard.Store(true)
	}
	var date string
	if v := h["Date"]; len(v) > 0 { // an answer's keys are canonical: Get would canonicalise again
		date = v[0]
	}
	if p := c.last.Load(); date == "" || p != nil && *p == date {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	last := date // (date itself stays on the stack)
	c.last.Store(&last)
	d := t.Sub(local())
	if d.Abs() > MaxSkew {
		return
	}
	if d.Abs() < MinSkew {
		d = 0
	}
	if (d - c.Skew()).Abs() >= MinSkew {
		c.skew.Store(int64(d))
	}
}

// Wait lets one caller at a time through until an answer has been heard,
// then every caller at once: a process whose clock is ahead makes at most
// one early refresh before it knows the server's time. The caller calls
// release when its request has been answered (or failed). A caller waits
// at most d.
func (c *Clock) Wait(ctx context.Context, d time.Duration) (release func(), err error) {
	if c.heard.Load() {
		return func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	select {
	case c.gate <- struct{}{}:
		if c.heard.Load() { // heard while waiting
			<-c.gate
			return func() {}, nil
		}
		return func() { <-c.gate }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
