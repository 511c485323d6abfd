// Package storetest is the contract every [enduser.TokenStore] must meet,
// as tests any implementation runs against itself:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) enduser.TokenStore { return newStore(t) })
//	}
//
// # What a TokenStore guarantees
//
// Sessions and shared token sources on many replicas are correct only on a
// store that guarantees all of this, and Run checks each:
//
//   - Round trip: Load returns every field of the Token last stored under
//     the key, as a copy (changing a Token after Store, or one Load
//     returned, changes nothing stored); an absent key loads nil, nil.
//   - Read your writes, across clients: once Store (or Delete) has
//     returned, every Load that starts afterwards, on any client of the
//     store in any process, sees that write or a later one, never an
//     older value. A store that reads from asynchronous replicas (a Redis
//     replica, an eventually consistent cache) breaks it: a replica would
//     load a refresh token that was already spent, and the user would be
//     told to log in again.
//   - Delete: removes the key's token (an absent key is not an error), and
//     leaves its refresh lock as it was.
//   - Lock: mutual exclusion per key, owner-only release (an unlock after
//     the ttl ran out does not release the next owner's lock), ttl
//     self-heal (a lock never released is free again after its ttl), and a
//     wait on a held lock that gives up with its context's error.
//   - Keys are independent: no key is a prefix of another, for tokens and
//     for locks.
//
// [Run] calls newStore once per subtest (subtests run in parallel) and uses
// keys of its own, unique to each Run, so a store backed by a shared server
// needs no cleaning between runs. By default the read-your-writes checks
// write and read through one store value from different goroutines; give
// [WithPeer] so that they read through another client of the same store,
// as another replica would.
//
// The lock ttls it uses are short (from 300 ms) and its time bounds generous,
// so a store whose waiters poll with a bounded backoff passes.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// Bounds of the timing checks: a wait the contract says ends "now" must end
// within quickly; a wait on a held lock must last at least held.
const (
	quickly  = 5 * time.Second
	shortTTL = 300 * time.Millisecond
	longTTL  = time.Minute
	held     = 150 * time.Millisecond
)

// Option configures [Run].
type Option func(*config)

type config struct {
	peer func(t *testing.T, s enduser.TokenStore) enduser.TokenStore
}

// WithPeer gives Run another client of the same store as s: what another
// replica of a service would use (for a store on a server, a second
// connection pool to it, with the same configuration). The read-your-writes
// checks write through s and read through the peer.
func WithPeer(peer func(t *testing.T, s enduser.TokenStore) enduser.TokenStore) Option {
	return func(c *config) { c.peer = peer }
}

// Run runs the TokenStore contract as parallel subtests of t, each on a
// store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) enduser.TokenStore, opts ...Option) {
	t.Helper()
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	prefix := "storetest-" + randomHex(t) + ":"
	tests := []struct {
		name string
		fn   func(t *testing.T, s enduser.TokenStore, key string)
	}{
		{"RoundTrip", testRoundTrip},
		{"Absent", testAbsent},
		{"Copies", testCopies},
		{"Overwrite", testOverwrite},
		{"PerKeyTokens", testPerKeyTokens},
		{"LockUnlockRelock", testLockUnlockRelock},
		{"MutualExclusion", testMutualExclusion},
		{"WaiterGetsReleasedLock", testWaiterGetsReleasedLock},
		{"TTLSelfHeal", testTTLSelfHeal},
		{"OwnerOnlyRelease", testOwnerOnlyRelease},
		{"PerKeyLocks", testPerKeyLocks},
		{"LockWaitCanceled", testLockWaitCanceled},
		{"DeleteAbsent", testDeleteAbsent},
		{"DeleteThenLoad", testDeleteThenLoad},
		{"DeleteKeepsTheLock", testDeleteKeepsTheLock},
		{"ReadYourWrites", func(t *testing.T, s enduser.TokenStore, key string) { testReadYourWrites(t, s, c.peerOf(t, s), key) }},
		{"ReadYourWritesConcurrently", func(t *testing.T, s enduser.TokenStore, key string) {
			testReadYourWritesConcurrently(t, s, c.peerOf(t, s), key)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			require.NotNil(t, s, "newStore returned nil")
			tc.fn(t, s, prefix+tc.name)
		})
	}
}

// peerOf returns the peer of s (s itself without WithPeer).
func (c *config) peerOf(t *testing.T, s enduser.TokenStore) enduser.TokenStore {
	if c.peer == nil {
		return s
	}
	p := c.peer(t, s)
	require.NotNil(t, p, "WithPeer returned nil")
	return p
}

func randomHex(t *testing.T) string {
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return hex.EncodeToString(b[:])
}

// fullToken has every field set, with awkward characters in the strings.
func fullToken(n string) *enduser.Token {
	return &enduser.Token{
		Family:        enduser.FamilyGenAuth,
		AccessToken:   "at-" + n + "/+=\"\\ \u00e9\u4e2d",
		TokenType:     "Bearer",
		Expiry:        time.Unix(1_800_000_000, 123_000_000).UTC(),
		RefreshToken:  "rt-" + n + "\n\t{}",
		RefreshExpiry: time.Unix(1_802_592_000, 0).UTC(),
		IDToken:       "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig-" + n,
		Scope:         "openid profile offline_access",
	}
}

// assertSameToken compares every field; times by instant, not location.
func assertSameToken(t *testing.T, want, got *enduser.Token) {
	t.Helper()
	require.NotNil(t, got, "Load returned nil for a stored token")
	assert.Equal(t, want.Family, got.Family, "Family")
	assert.Equal(t, want.AccessToken, got.AccessToken, "AccessToken")
	assert.Equal(t, want.TokenType, got.TokenType, "TokenType")
	assert.True(t, want.Expiry.Equal(got.Expiry), "Expiry: want %v, got %v", want.Expiry, got.Expiry)
	assert.Equal(t, want.RefreshToken, got.RefreshToken, "RefreshToken")
	assert.True(t, want.RefreshExpiry.Equal(got.RefreshExpiry), "RefreshExpiry: want %v, got %v", want.RefreshExpiry, got.RefreshExpiry)
	assert.Equal(t, want.IDToken, got.IDToken, "IDToken")
	assert.Equal(t, want.Scope, got.Scope, "Scope")
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func lock(t *testing.T, s enduser.TokenStore, key string, ttl time.Duration) func(context.Context) error {
	t.Helper()
	unlock, err := s.Lock(ctxFor(t, quickly), key, ttl)
	require.NoError(t, err, "Lock on a free key")
	require.NotNil(t, unlock, "Lock returned a nil unlock")
	return unlock
}

// lockWithin reports whether Lock succeeds within d (the lock is then
// released again).
func lockWithin(t *testing.T, s enduser.TokenStore, key string, d time.Duration) bool {
	t.Helper()
	unlock, err := s.Lock(ctxFor(t, d), key, longTTL)
	if err != nil {
		return false
	}
	require.NoError(t, unlock(ctxFor(t, quickly)))
	return true
}

func testRoundTrip(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	want := fullToken("1")
	require.NoError(t, s.Store(ctx, key, want))
	got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assertSameToken(t, want, got)

	minimal := &enduser.Token{AccessToken: "Bearer only"}
	require.NoError(t, s.Store(ctx, key+"/minimal", minimal))
	got, err = s.Load(ctx, key+"/minimal")
	require.NoError(t, err)
	assertSameToken(t, minimal, got)
	assert.True(t, got.Expiry.IsZero(), "a zero expiry stays zero")
}

func testAbsent(t *testing.T, s enduser.TokenStore, key string) {
	got, err := s.Load(ctxFor(t, quickly), key)
	assert.NoError(t, err, "an absent key is not an error")
	assert.Nil(t, got, "an absent key loads nil")
}

func testCopies(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	tok := fullToken("1")
	require.NoError(t, s.Store(ctx, key, tok))
	tok.AccessToken = "changed after Store"
	got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assertSameToken(t, fullToken("1"), got)
	got.RefreshToken = "changed after Load"
	again, err := s.Load(ctx, key)
	require.NoError(t, err)
	assertSameToken(t, fullToken("1"), again)
}

func testOverwrite(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	require.NoError(t, s.Store(ctx, key, fullToken("1")))
	require.NoError(t, s.Store(ctx, key, fullToken("2")))
	got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assertSameToken(t, fullToken("2"), got)
}

func testPerKeyTokens(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	require.NoError(t, s.Store(ctx, key+"/a", fullToken("a")))
	require.NoError(t, s.Store(ctx, key+"/b", fullToken("b")))
	a, err := s.Load(ctx, key+"/a")
	require.NoError(t, err)
	assertSameToken(t, fullToken("a"), a)
	b, err := s.Load(ctx, key+"/b")
	require.NoError(t, err)
	assertSameToken(t, fullToken("b"), b)
	c, err := s.Load(ctx, key+"/c")
	require.NoError(t, err)
	assert.Nil(t, c)
	d, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.Nil(t, d, "a key is not a prefix of another")
}

func testLockUnlockRelock(t *testing.T, s enduser.TokenStore, key string) {
	unlock := lock(t, s, key, longTTL)
	require.NoError(t, unlock(ctxFor(t, quickly)))
	assert.True(t, lockWithin(t, s, key, quickly), "a released lock can be taken again at once")
	assert.NoError(t, unlock(ctxFor(t, quickly)), "a second unlock is harmless")
	assert.True(t, lockWithin(t, s, key, quickly))
}

// testMutualExclusion runs goroutines that each take the lock a few times
// and checks that no two ever hold it at once.
func testMutualExclusion(t *testing.T, s enduser.TokenStore, key string) {
	const goroutines, rounds = 8, 3
	var inside, maxInside, total atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				unlock, err := s.Lock(ctx, key, longTTL)
				if err != nil {
					cancel()
					errs <- err
					return
				}
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				total.Add(1)
				time.Sleep(2 * time.Millisecond) // hold it long enough for others to try
				inside.Add(-1)
				if err := unlock(ctx); err != nil {
					errs <- err
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(goroutines*rounds), total.Load(), "every Lock succeeded")
	assert.Equal(t, int32(1), maxInside.Load(), "never two owners at once")
}

func testWaiterGetsReleasedLock(t *testing.T, s enduser.TokenStore, key string) {
	unlock := lock(t, s, key, longTTL)
	got := make(chan error, 1)
	start := time.Now()
	go func() {
		u, err := s.Lock(ctxFor(t, quickly), key, longTTL)
		if err == nil {
			err = u(context.Background())
		}
		got <- err
	}()
	time.Sleep(held)
	select {
	case err := <-got:
		t.Fatalf("Lock returned (%v) while another owner held the lock", err)
	default:
	}
	require.NoError(t, unlock(ctxFor(t, quickly)))
	select {
	case err := <-got:
		require.NoError(t, err, "the waiter gets the lock once it is released")
		assert.Less(t, time.Since(start), quickly)
	case <-time.After(quickly):
		t.Fatal("the waiter did not get the released lock")
	}
}

func testTTLSelfHeal(t *testing.T, s enduser.TokenStore, key string) {
	start := time.Now()
	_ = lock(t, s, key, shortTTL) // a crashed owner: never unlocked
	unlock, err := s.Lock(ctxFor(t, quickly+shortTTL), key, longTTL)
	require.NoError(t, err, "a lock whose owner never releases it is free after its ttl")
	waited := time.Since(start)
	assert.GreaterOrEqual(t, waited, shortTTL/2, "the lock was held for (about) its ttl first")
	assert.Less(t, waited, shortTTL+quickly)
	require.NoError(t, unlock(ctxFor(t, quickly)))
}

func testOwnerOnlyRelease(t *testing.T, s enduser.TokenStore, key string) {
	stale := lock(t, s, key, shortTTL)
	next, err := s.Lock(ctxFor(t, quickly+shortTTL), key, longTTL) // after stale's ttl
	require.NoError(t, err)

	_ = stale(ctxFor(t, quickly)) // its error, if any, is the store's choice
	assert.False(t, lockWithin(t, s, key, held), "a stale owner's unlock must not release the next owner's lock")

	require.NoError(t, next(ctxFor(t, quickly)))
	assert.True(t, lockWithin(t, s, key, quickly), "the owner's unlock releases it")
}

func testPerKeyLocks(t *testing.T, s enduser.TokenStore, key string) {
	unlock := lock(t, s, key+"/a", longTTL)
	assert.True(t, lockWithin(t, s, key+"/b", quickly), "another key's lock is free")
	assert.True(t, lockWithin(t, s, key, quickly), "a key's lock is not a prefix lock")
	assert.False(t, lockWithin(t, s, key+"/a", held), "the held key stays locked")
	require.NoError(t, unlock(ctxFor(t, quickly)))
}

func testLockWaitCanceled(t *testing.T, s enduser.TokenStore, key string) {
	unlock := lock(t, s, key, longTTL)

	ctx, cancel := context.WithTimeout(context.Background(), held)
	defer cancel()
	start := time.Now()
	u, err := s.Lock(ctx, key, longTTL)
	require.Error(t, err, "Lock must give up when its context ends")
	assert.Nil(t, u)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the error matches the context's")
	assert.Less(t, time.Since(start), quickly, "it gives up soon after the context ends")

	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Lock(ctx, key, longTTL)
		done <- err
	}()
	time.Sleep(held / 3)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(quickly):
		t.Fatal("a canceled Lock kept waiting")
	}

	assert.False(t, lockWithin(t, s, key, held), "the waiters' failures did not release the owner's lock")
	require.NoError(t, unlock(ctxFor(t, quickly)))
	assert.True(t, lockWithin(t, s, key, quickly))
}

func testDeleteAbsent(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	assert.NoError(t, s.Delete(ctx, key), "deleting an absent key is not an error")
	got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.Nil(t, got)
}

func testDeleteThenLoad(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	require.NoError(t, s.Store(ctx, key, fullToken("1")))
	require.NoError(t, s.Store(ctx, key+"/other", fullToken("other")))
	require.NoError(t, s.Delete(ctx, key))
	got, err := s.Load(ctx, key)
	require.NoError(t, err, "a deleted key is absent, not an error")
	assert.Nil(t, got, "a deleted key loads nil")
	assert.NoError(t, s.Delete(ctx, key), "deleting it again is not an error")

	other, err := s.Load(ctx, key+"/other")
	require.NoError(t, err)
	assertSameToken(t, fullToken("other"), other) // only that key

	require.NoError(t, s.Store(ctx, key, fullToken("2")))
	got, err = s.Load(ctx, key)
	require.NoError(t, err)
	assertSameToken(t, fullToken("2"), got) // a new session under the key
}

// testDeleteKeepsTheLock: a logout while another owner refreshes must not
// let a third one in (it would refresh with the same refresh token).
func testDeleteKeepsTheLock(t *testing.T, s enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly)
	require.NoError(t, s.Store(ctx, key, fullToken("1")))
	unlock := lock(t, s, key, longTTL)
	require.NoError(t, s.Delete(ctx, key))
	assert.False(t, lockWithin(t, s, key, held), "Delete did not release the held lock")
	require.NoError(t, unlock(ctxFor(t, quickly)), "the owner still releases it")
	assert.True(t, lockWithin(t, s, key, quickly))
	got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.Nil(t, got, "the token stays deleted")
}

// versioned is token number n of a sequence of writes.
func versioned(n int) *enduser.Token {
	return fullToken(strconv.Itoa(n))
}

// versionOf returns n of a token from versioned, or -1 for nil.
func versionOf(t *testing.T, tok *enduser.Token) int {
	t.Helper()
	if tok == nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(tok.AccessToken, "/", 2)[0], "at-"))
	require.NoError(t, err, "a token this test did not write")
	return n
}

// readYourWritesRounds is how many writes each read-your-writes check makes.
const readYourWritesRounds = 50

// testReadYourWrites: after Store returns, a Load through the peer sees
// exactly that token; after Delete returns, it sees nothing.
func testReadYourWrites(t *testing.T, s, peer enduser.TokenStore, key string) {
	ctx := ctxFor(t, quickly*4)
	for n := range readYourWritesRounds {
		require.NoError(t, s.Store(ctx, key, versioned(n)))
		got, err := peer.Load(ctx, key)
		require.NoError(t, err)
		require.Equal(t, n, versionOf(t, got), "a Load after Store returned sees that write")
		if n%10 == 9 {
			require.NoError(t, s.Delete(ctx, key))
			got, err := peer.Load(ctx, key)
			require.NoError(t, err)
			require.Nil(t, got, "a Load after Delete returned sees no token")
		}
	}
}

// testReadYourWritesConcurrently: readers in other goroutines, told of each
// write only after it returned, never see an older version than the last
// one they were told of, nor a version that goes back.
func testReadYourWritesConcurrently(t *testing.T, s, peer enduser.TokenStore, key string) {
	const readers = 4
	ctx := ctxFor(t, quickly*4)
	var written atomic.Int64 // the last version whose Store has returned
	written.Store(-1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := -1
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := int(written.Load()) // read before the Load starts
				got, err := peer.Load(ctx, key)
				if err != nil {
					errs <- "Load: " + err.Error()
					return
				}
				v := -1
				if got != nil {
					v = versionOf(t, got)
				}
				if v < floor || v < last {
					errs <- fmt.Sprintf("loaded version %d after version %d was stored (and %d loaded)", v, floor, last)
					return
				}
				last = v
			}
		}()
	}
	for n := range readYourWritesRounds {
		require.NoError(t, s.Store(ctx, key, versioned(n)))
		written.Store(int64(n))
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
