// Package keycache is a bounded map from string keys to values that is
// read without a lock or a write to shared memory but one flag, and that
// evicts by CLOCK (second chance), an approximation of least recently used.
//
// Reads probe an open-addressing table (linear probing, one hash) that
// writers, serialized by a mutex, change slot by slot with atomic stores,
// or replace whole when it fills. A read that races a write may miss a key
// being added or see one being removed; Add settles it under the mutex.
package keycache

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Cache maps keys to values, holding at most its max entries.
type Cache[V any] struct {
	seed maphash.Seed
	max  int
	tab  atomic.Pointer[table[V]]
	tomb *entry[V] // marks a removed entry's slot

	mu   sync.Mutex
	ring []*entry[V] // every entry, swept by hand
	hand int
}

type entry[V any] struct {
	key  string
	hash uint64
	val  V
	used atomic.Bool // read since the hand last passed
	idx  int         // in ring
}

type table[V any] struct {
	slots      []atomic.Pointer[entry[V]]
	mask       uint64
	live, dead int // entries and tombstones (under mu)
}

// New returns a Cache of at most n entries (at least 1).
func New[V any](n int) *Cache[V] {
	c := &Cache[V]{seed: maphash.MakeSeed(), max: max(n, 1), tomb: new(entry[V])}
	c.tab.Store(newTable[V](0))
	return c
}

func newTable[V any](live int) *table[V] {
	n := uint64(16)
	for n < 2*uint64(live+1) { //nolint:gosec // live >= 0: the entries of a cache
		n *= 2
	}
	return &table[V]{slots: make([]atomic.Pointer[entry[V]], n), mask: n - 1}
}

// find returns key's entry in t and its slot, or nil and the slot where
// probing for it ended.
func (c *Cache[V]) find(t *table[V], key string, h uint64) (*entry[V], uint64) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		e := t.slots[i].Load()
		if e == nil || e != c.tomb && e.hash == h && e.key == key {
			return e, i
		}
	}
}

// Get returns key's value and marks it used.
func (c *Cache[V]) Get(key string) (v V, ok bool) {
	if e, _ := c.find(c.tab.Load(), key, maphash.String(c.seed, key)); e != nil {
		if !e.used.Load() {
			e.used.Store(true)
		}
		return e.val, true
	}
	return v, false
}

// Add returns key's value, adding mk() for it if absent; when the cache is
// full, the entry the hand finds unused since its last pass leaves first.
func (c *Cache[V]) Add(key string, mk func() V) V {
	h := maphash.String(c.seed, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.tab.Load()
	if e, _ := c.find(t, key, h); e != nil {
		return e.val
	}
	if len(c.ring) == c.max {
		for c.ring[c.hand].used.Load() {
			c.ring[c.hand].used.Store(false)
			c.hand = (c.hand + 1) % len(c.ring)
		}
		c.remove(c.ring[c.hand])
	}
	e := &entry[V]{key: key, hash: h, val: mk(), idx: len(c.ring)}
	c.ring = append(c.ring, e)
	if t.live+t.dead+1 <= len(t.slots)*3/4 {
		t.put(c, e)
		return e.val
	}
	t = newTable[V](len(c.ring)) // without tombstones
	for _, e := range c.ring {
		t.put(c, e)
	}
	c.tab.Store(t)
	return e.val
}

// put stores e, which t lacks, in the first free slot of its probe.
func (t *table[V]) put(c *Cache[V], e *entry[V]) {
	for i := e.hash & t.mask; ; i = (i + 1) & t.mask {
		switch t.slots[i].Load() {
		case c.tomb:
			t.dead--
		case nil:
		default:
			continue
		}
		t.live++
		t.slots[i].Store(e)
		return
	}
}

// remove takes e out of the table and the ring (under mu).
func (c *Cache[V]) remove(e *entry[V]) {
	t := c.tab.Load()
	if f, i := c.find(t, e.key, e.hash); f == e {
		t.slots[i].Store(c.tomb)
		t.live, t.dead = t.live-1, t.dead+1
	}
	last := c.ring[len(c.ring)-1]
	c.ring[e.idx], last.idx = last, e.idx
	c.ring = c.ring[:len(c.ring)-1]
	if c.hand >= len(c.ring) {
		c.hand = 0
	}
}

// Delete removes key and returns its value, if present.
func (c *Cache[V]) Delete(key string) (v V, ok bool) {
	h := maphash.String(c.seed, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, _ := c.find(c.tab.Load(), key, h)
	if e == nil {
		return v, false
	}
	c.remove(e)
	return e.val, true
}

// Len returns the number of entries.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ring)
}
