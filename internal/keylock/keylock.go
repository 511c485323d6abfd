// Package keylock is a table of per-key locks with a time to live, in the
// memory of one process: the locking of enduser.MemoryStore.
package keylock

import (
	"context"
	"sync"
	"time"
)

// Table holds one lock per key. The zero value is ready to use.
type Table struct {
	mu   sync.Mutex
	held map[string]*hold
}

// hold is one owner's hold on a key; its address is the owner's identity.
type hold struct {
	expires  time.Time
	released chan struct{} // closed when the owner unlocks
}

// Lock takes key's lock for at most ttl, waiting while another owner holds
// it until that owner unlocks, its ttl runs out, or ctx ends (the error is
// then ctx.Err()). unlock releases the lock only while this owner still
// holds it.
func (t *Table) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error) {
	for {
		t.mu.Lock()
		now := time.Now()
		held := t.held[key]
		if held == nil || !now.Before(held.expires) {
			h := &hold{expires: now.Add(ttl), released: make(chan struct{})}
			if t.held == nil {
				t.held = map[string]*hold{}
			}
			t.held[key] = h
			t.mu.Unlock()
			return func() { t.unlock(key, h) }, nil
		}
		t.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		timer := time.NewTimer(held.expires.Sub(now))
		select {
		case <-held.released:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
		timer.Stop()
	}
}

// unlock releases key's lock if h still holds it.
func (t *Table) unlock(key string, h *hold) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.held[key] == h {
		delete(t.held, key)
		close(h.released)
	}
}

// Len returns how many keys have a lock entry (an expired one included
// until it is taken again or released).
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.held)
}
