package keycache_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/keycache"
)

// Entries are found until deleted or evicted; the cache never holds more
// than its bound, and an entry read since the hand's last pass is kept
// over one that was not.
func TestCache(t *testing.T) {
	const n = 100
	c := keycache.New[int](n)
	for i := range n {
		assert.Equal(t, i, c.Add(fmt.Sprint(i), func() int { return i }))
	}
	assert.Equal(t, 7, c.Add("7", func() int { return -1 }), "an existing key keeps its value")
	for i := range n {
		v, ok := c.Get(fmt.Sprint(i))
		require.True(t, ok, i)
		assert.Equal(t, i, v)
	}
	c.Add("new", func() int { return -1 }) // every entry was used: the hand clears them all, evicts one
	assert.Equal(t, n, c.Len())
	_, ok := c.Get("42")
	require.True(t, ok)
	for i := range n { // each later Add evicts one unused entry, never 42
		c.Add(fmt.Sprint("more-", i), func() int { return 0 })
		require.Equal(t, n, c.Len())
	}
	_, ok = c.Get("42")
	assert.True(t, ok, "the entry used since the last pass stayed")

	v, ok := c.Delete("42")
	assert.True(t, ok)
	assert.Equal(t, 42, v)
	_, ok = c.Get("42")
	assert.False(t, ok)
	_, ok = c.Delete("42")
	assert.False(t, ok)
	assert.Equal(t, n-1, c.Len())
}

// Churn far past the table's size (tombstones, rebuilds) loses no entry,
// with readers running meanwhile (run with -race).
func TestCacheChurn(t *testing.T) {
	const n, rounds = 64, 5000
	c := keycache.New[string](n)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if v, ok := c.Get(fmt.Sprint(i % (2 * n))); ok {
					assert.Equal(t, fmt.Sprint(i%(2*n)), v)
				}
			}
		}()
	}
	for i := range rounds {
		k := fmt.Sprint(i % (2 * n))
		c.Add(k, func() string { return k })
		if i%3 == 0 {
			c.Delete(fmt.Sprint((i + n) % (2 * n)))
		}
		v, ok := c.Get(k)
		require.True(t, ok, k)
		require.Equal(t, k, v)
		require.LessOrEqual(t, c.Len(), n)
	}
	close(stop)
	wg.Wait()
}
