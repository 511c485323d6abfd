package enduser_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// countingStore counts the operations on a TokenStore and fails them on
// demand, like a store that became unreachable.
type countingStore struct {
	enduser.TokenStore
	loads, stores, locks          atomic.Int32
	ttl                           atomic.Int64 // of the last Lock
	failLoad, failLock, failStore atomic.Bool
}

var errStoreDown = errors.New("dial tcp 10.0.0.7:6379: connection refused")

func (s *countingStore) Load(ctx context.Context, key string) (*enduser.Token, error) {
	s.loads.Add(1)
	if s.failLoad.Load() {
		return nil, errStoreDown
	}
	return s.TokenStore.Load(ctx, key)
}

func (s *countingStore) Store(ctx context.Context, key string, t *enduser.Token) error {
	s.stores.Add(1)
	if s.failStore.Load() {
		return errStoreDown
	}
	return s.TokenStore.Store(ctx, key, t)
}

func (s *countingStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	s.locks.Add(1)
	s.ttl.Store(int64(ttl))
	if s.failLock.Load() {
		return nil, errStoreDown
	}
	return s.TokenStore.Lock(ctx, key, ttl)
}

// replicas is one session shared by several replicas, each with its own
// Client, on one emulator and one store.
type replicas struct {
	srv   *endusertest.Server
	clk   *endusertest.Clock
	store *countingStore
	login *enduser.Token
	cs    []*enduser.Client
}

const sessionKey = "session:user-42"

func newReplicas(t *testing.T, n int, opts ...enduser.Option) *replicas {
	t.Helper()
	r := &replicas{clk: newFakeClock(), store: &countingStore{TokenStore: enduser.NewMemoryStore()}}
	r.srv = endusertest.NewServer(t, endusertest.WithClock(r.clk.Now))
	opts = append([]enduser.Option{enduser.WithClock(r.clk.Now)}, opts...)
	for range n {
		c, err := enduser.NewClient(r.srv.Config(), opts...)
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		r.cs = append(r.cs, c)
	}
	var err error
	r.login, err = r.cs[0].AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	require.NoError(t, r.store.TokenStore.Store(bg, sessionKey, r.login))
	return r
}

func (r *replicas) source(i int, opts ...enduser.TokenSourceOption) *enduser.TokenSource {
	return r.cs[i].SharedTokenSource(r.store, sessionKey, opts...)
}

func (r *replicas) stored(t *testing.T) *enduser.Token {
	t.Helper()
	tok, err := r.store.TokenStore.Load(bg, sessionKey)
	require.NoError(t, err)
	return tok
}

// lockHeld reports whether the session's refresh lock is held (it stays
// free afterwards).
func (r *replicas) lockHeld(t *testing.T) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	unlock, err := r.store.TokenStore.Lock(ctx, sessionKey, time.Minute)
	if err != nil {
		return true
	}
	require.NoError(t, unlock(bg))
	return false
}

// everyone asks each source for a token from per goroutines at once.
func everyone(srcs []*enduser.TokenSource, per int, get func(*enduser.TokenSource) (*enduser.Token, error)) ([]*enduser.Token, []error) {
	var wg sync.WaitGroup
	toks := make([]*enduser.Token, len(srcs)*per)
	errs := make([]error, len(srcs)*per)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = get(srcs[i%len(srcs)])
		}()
	}
	wg.Wait()
	return toks, errs
}

func TestSharedTokenSourceOneRefreshAcrossReplicas(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	var saved atomic.Int32
	srcs := []*enduser.TokenSource{
		r.source(0, enduser.WithTokenSaver(func(context.Context, *enduser.Token) error { saved.Add(1); return nil })),
		r.source(1, enduser.WithTokenSaver(func(context.Context, *enduser.Token) error { saved.Add(1); return nil })),
	}
	r.clk.Advance(3 * time.Hour)

	toks, errs := everyone(srcs, 32, func(ts *enduser.TokenSource) (*enduser.Token, error) { return ts.Token(bg) })
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Equal(t, toks[0].AccessToken, toks[i].AccessToken, "every goroutine of both replicas ends with one token")
	}
	assert.NotEqual(t, r.login.AccessToken, toks[0].AccessToken)
	assert.Equal(t, 1, r.srv.Count("refreshToken"), "one refresh across two replicas and 64 goroutines")
	assert.Equal(t, toks[0].AccessToken, r.stored(t).AccessToken, "the store holds the new token")
	assert.Equal(t, int32(1), r.store.stores.Load())
	assert.Equal(t, int32(1), saved.Load(), "only the replica that refreshed calls its saver")
	assert.False(t, r.lockHeld(t), "the lock was released")
	_, err := r.cs[1].UserInfo(bg, toks[0])
	require.NoError(t, err)
}

func TestSharedTokenSourceHotPathSkipsTheStore(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	ts := r.source(0)
	for range 100 {
		tok, err := ts.Token(bg)
		require.NoError(t, err)
		assert.Equal(t, r.login.AccessToken, tok.AccessToken)
	}
	assert.Equal(t, int32(1), r.store.loads.Load(), "a valid cached token is handed out without asking the store")
	assert.Zero(t, r.store.locks.Load())

	r.clk.Advance(2*time.Hour - 30*time.Second) // into the leeway
	_, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Equal(t, 1, r.srv.Count("refreshToken"))
	loads := r.store.loads.Load()
	for range 100 {
		_, err := ts.Token(bg)
		require.NoError(t, err)
	}
	assert.Equal(t, loads, r.store.loads.Load(), "the refreshed token is cached too")
}

func TestSharedTokenSourceAdoptsAPeersRefresh(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	a, b := r.source(0), r.source(1)
	_, err := b.Token(bg) // b caches the login's token
	require.NoError(t, err)
	r.clk.Advance(3 * time.Hour)

	fresh, err := a.Token(bg)
	require.NoError(t, err)
	got, err := b.Token(bg)
	require.NoError(t, err)
	assert.Equal(t, fresh.AccessToken, got.AccessToken, "b loads a's token instead of refreshing")
	assert.Equal(t, 1, r.srv.Count("refreshToken"))
	assert.Equal(t, int32(1), r.store.locks.Load(), "b did not even take the lock")
}

func TestSharedTokenSourceWaiterGetsTheLockHoldersToken(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	r.clk.Advance(3 * time.Hour)
	// Another replica holds the lock and is refreshing.
	unlock, err := r.store.TokenStore.Lock(bg, sessionKey, time.Minute)
	require.NoError(t, err)

	got := make(chan *enduser.Token, 1)
	go func() {
		tok, err := r.source(0).Token(bg)
		assert.NoError(t, err)
		got <- tok
	}()
	require.Eventually(t, func() bool { return r.store.locks.Load() == 1 }, 5*time.Second, time.Millisecond)

	peer, err := r.cs[0].Refresh(bg, r.login) // the other replica's refresh
	require.NoError(t, err)
	require.NoError(t, r.store.Store(bg, sessionKey, peer))
	require.NoError(t, unlock(bg))

	select {
	case tok := <-got:
		require.NotNil(t, tok)
		assert.Equal(t, peer.AccessToken, tok.AccessToken)
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not get the token")
	}
	assert.Equal(t, 1, r.srv.Count("refreshToken"), "the waiter did not refresh")
}

func TestSharedTokenSourceCrashedLockOwnerCostsTheTTL(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1, enduser.WithTimeout(3*time.Second))
	r.clk.Advance(3 * time.Hour)
	const ttl = 300 * time.Millisecond
	_, err := r.store.TokenStore.Lock(bg, sessionKey, ttl) // its owner crashed
	require.NoError(t, err)

	start := time.Now()
	tok, err := r.source(0).Token(bg)
	require.NoError(t, err, "the lock frees itself after its ttl")
	assert.GreaterOrEqual(t, time.Since(start), ttl/2)
	assert.Less(t, time.Since(start), ttl+5*time.Second)
	assert.NotEqual(t, r.login.AccessToken, tok.AccessToken)
	assert.Equal(t, 1, r.srv.Count("refreshToken"))
}

func TestSharedTokenSourceStoreDown(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"load", "lock"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			r := newReplicas(t, 1)
			ts := r.source(0)
			r.clk.Advance(3 * time.Hour)
			fail := map[string]*atomic.Bool{"load": &r.store.failLoad, "lock": &r.store.failLock}[step]
			fail.Store(true)

			_, errs := tokensConcurrently(ts, 16)
			for _, err := range errs {
				require.ErrorIs(t, err, enduser.ErrTokenStore)
				assert.ErrorIs(t, err, errStoreDown, "the store's error is wrapped")
				assert.NotErrorIs(t, err, enduser.ErrTokenInvalid, "the session is not over")
			}
			assert.Zero(t, r.srv.Count("refreshToken"), "no refresh token is spent without the store")

			fail.Store(false)
			tok, err := ts.Token(bg)
			require.NoError(t, err, "the store is back: the call succeeds")
			assert.Equal(t, tok.AccessToken, r.stored(t).AccessToken)
			assert.Equal(t, 1, r.srv.Count("refreshToken"))
		})
	}
}

// A store write that fails right after a successful refresh: the caller
// gets the new token, the lock stays held so that no peer refreshes with
// the spent refresh token, and the write is retried in the background, so
// that peers get the rotated token once the store is back.
func TestSharedTokenSourceStoreFailsAfterRefresh(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	a, b := r.source(0), r.source(1)
	r.clk.Advance(3 * time.Hour)
	r.store.failStore.Store(true)

	tok, err := a.Token(bg)
	require.NoError(t, err, "the caller gets the refreshed token")
	assert.NotEqual(t, r.login.AccessToken, tok.AccessToken)
	assert.Equal(t, 1, r.srv.Count("refreshToken"))
	assert.True(t, r.lockHeld(t), "the lock stays held: no replica refreshes with the spent token")
	assert.Equal(t, r.login.AccessToken, r.stored(t).AccessToken)
	again, err := a.Token(bg)
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, again.AccessToken, "served from memory, not refreshed again")

	r.store.failStore.Store(false)
	require.Eventually(t, func() bool { return r.stored(t).AccessToken == tok.AccessToken }, 10*time.Second, 10*time.Millisecond,
		"the background write stores the rotated token once the store is back")
	require.Eventually(t, func() bool { return !r.lockHeld(t) }, 10*time.Second, 10*time.Millisecond, "and releases the lock")
	got, err := b.Token(bg)
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, 1, r.srv.Count("refreshToken"))
}

func TestSharedTokenSourceForceRefreshAcrossReplicas(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	srcs := []*enduser.TokenSource{r.source(0), r.source(1)}
	toks, errs := everyone(srcs, 32, func(ts *enduser.TokenSource) (*enduser.Token, error) { return ts.ForceRefresh(bg, r.login) })
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Equal(t, toks[0].AccessToken, toks[i].AccessToken)
	}
	assert.NotEqual(t, r.login.AccessToken, toks[0].AccessToken)
	assert.Equal(t, 1, r.srv.Count("refreshToken"), "64 rejections of one token across two replicas: one refresh")
}

func TestSharedTokenSourceSessionOver(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	ts := r.source(0)
	r.srv.Inject("refreshToken", endusertest.FailCode(5032))
	r.clk.Advance(3 * time.Hour)
	_, err := ts.Token(bg)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)
	_, err = ts.Token(bg)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, 1, r.srv.Count("refreshToken"), "a refused refresh token is not sent again")
	assert.False(t, r.lockHeld(t))

	relogin, err := r.cs[0].AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	require.NoError(t, r.store.Store(bg, sessionKey, relogin))
	tok, err := ts.Token(bg)
	require.NoError(t, err, "a new login stored under the key revives the source")
	assert.Equal(t, relogin.AccessToken, tok.AccessToken)
}

func TestSharedTokenSourceWithoutStoredToken(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	ts := r.cs[0].SharedTokenSource(r.store, "nobody")
	_, err := ts.Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "log in again")
	assert.Zero(t, r.store.locks.Load(), "nothing to refresh: no lock taken")

	_, err = r.cs[0].SharedTokenSource(nil, sessionKey).Token(bg)
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.Zero(t, r.srv.Count("refreshToken"))
}

func TestSharedTokenSourceExpiredRefreshTokenSendsNothing(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	r.clk.Advance(31 * 24 * time.Hour)
	_, err := r.source(0).Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Zero(t, r.store.locks.Load())
	assert.Zero(t, r.srv.Count("refreshToken"))
}

func TestSharedTokenSourceLockTTL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  enduser.TokenSourceOption
		want time.Duration
	}{
		{"default: twice the client's timeout", nil, 4 * time.Second},
		{"set", enduser.WithLockTTL(time.Minute), time.Minute},
		{"raised past the client's timeout", enduser.WithLockTTL(time.Millisecond), 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newReplicas(t, 1, enduser.WithTimeout(2*time.Second))
			r.clk.Advance(3 * time.Hour)
			_, err := r.source(0, tc.opt).Token(bg)
			require.NoError(t, err)
			assert.Equal(t, tc.want, time.Duration(r.store.ttl.Load()))
		})
	}
}

func TestSharedTokenSourceGivesUpOnALockNeverFreed(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1, enduser.WithTimeout(time.Second))
	r.clk.Advance(3 * time.Hour)
	unlock, err := r.store.TokenStore.Lock(bg, sessionKey, time.Hour) // a peer stuck for good
	require.NoError(t, err)
	defer func() { require.NoError(t, unlock(bg)) }()

	start := time.Now()
	_, err = r.source(0).Token(bg)
	require.ErrorIs(t, err, enduser.ErrTokenStore)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	// lock ttl (1 s + 1 s, the minimum) plus the client's timeout
	assert.GreaterOrEqual(t, time.Since(start), 3*time.Second)
	assert.Less(t, time.Since(start), 15*time.Second)
	assert.Zero(t, r.srv.Count("refreshToken"))
}

// BenchmarkSharedTokenSourceToken compares Token on a valid cached token:
// "sdk" is a SharedTokenSource (on a MemoryStore), "raw" a TokenSource of
// one process. The hot path must not ask the store (target ≤ 1.2x).
func BenchmarkSharedTokenSourceToken(b *testing.B) {
	c, err := enduser.NewClient(testConfig())
	require.NoError(b, err)
	tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer AT", RefreshToken: "RT", Expiry: time.Now().Add(24 * time.Hour)}
	store := enduser.NewMemoryStore()
	require.NoError(b, store.Store(bg, "k", tok))
	for _, bc := range []struct {
		name string
		ts   *enduser.TokenSource
	}{
		{"sdk", c.SharedTokenSource(store, "k")},
		{"raw", c.TokenSource(tok)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			_, err := bc.ts.Token(bg) // fill the cache
			require.NoError(b, err)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := bc.ts.Token(bg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// echoStore quotes the token it was given in its errors, as a careless
// TokenStore (or a database driver quoting its arguments) does.
type echoStore struct {
	enduser.TokenStore
	last atomic.Pointer[enduser.Token]
	fail atomic.Bool
}

func (s *echoStore) Load(ctx context.Context, key string) (*enduser.Token, error) {
	t, err := s.TokenStore.Load(ctx, key)
	if s.fail.Load() && t != nil {
		return nil, fmt.Errorf("cannot decode %s %s", t.AccessToken, t.RefreshToken)
	}
	return t, err
}

func (s *echoStore) Store(ctx context.Context, key string, t *enduser.Token) error {
	s.last.Store(t)
	if s.fail.Load() {
		return fmt.Errorf("%w: SET %s %q", errStoreDown, key, t.AccessToken+" "+t.RefreshToken)
	}
	return s.TokenStore.Store(ctx, key, t)
}

func TestSharedTokenSourceStoreErrorsNeverShowTokens(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	store := &echoStore{TokenStore: r.store.TokenStore}
	ts := r.cs[0].SharedTokenSource(store, sessionKey)
	_, err := ts.Token(bg) // the source knows the session's token
	require.NoError(t, err)
	r.clk.Advance(3 * time.Hour)
	store.fail.Store(true)

	_, err = ts.Token(bg) // the load fails, quoting the stored token
	require.ErrorIs(t, err, enduser.ErrTokenStore)
	assert.Zero(t, r.srv.Count("refreshToken"))
	secrets := []string{r.login.AccessToken, r.login.RefreshToken, strings.TrimPrefix(r.login.AccessToken, "Bearer ")}
	text := fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)
	for _, v := range secrets {
		assert.NotContains(t, text, v, "no token material in a load error")
	}

	// The load works, the store of the refreshed token fails quoting it:
	// the caller still gets the new token, and a Start whose store fails
	// the same way shows neither the key nor a token.
	store.fail.Store(false)
	ts = r.cs[0].SharedTokenSource(&failStoreOnly{echoStore: store}, sessionKey)
	next, err := ts.Token(bg)
	require.NoError(t, err, "the caller gets the refreshed token although the store failed")
	secrets = append(secrets, next.AccessToken, next.RefreshToken, strings.TrimPrefix(next.AccessToken, "Bearer "))
	err = r.cs[0].Sessions(&failStoreOnly{echoStore: store}).Start(bg, sessionKey, next)
	require.ErrorIs(t, err, enduser.ErrTokenStore)
	assert.ErrorIs(t, err, errStoreDown, "the store's error is still wrapped")
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err))
	text = fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)
	for _, v := range append(secrets, sessionKey, "SET") {
		assert.NotContains(t, text, v, "neither token material, the key nor the store's words in a store error")
	}
}

// failStoreOnly fails its first Store (quoting the token) but not Load.
type failStoreOnly struct {
	*echoStore
	failed atomic.Bool
}

func (s *failStoreOnly) Store(ctx context.Context, key string, t *enduser.Token) error {
	if s.failed.CompareAndSwap(false, true) {
		s.fail.Store(true)
		defer s.fail.Store(false)
	}
	return s.echoStore.Store(ctx, key, t)
}

// A refresh whose answer was lost may have spent the refresh token: no
// replica sends it again (each would be a second spend, and servers that
// detect reuse revoke the whole session).
func TestSharedTokenSourceNeverResendsARefreshThatMayHaveBeenProcessed(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 3)
	srcs := []*enduser.TokenSource{r.source(0), r.source(1), r.source(2)}
	r.clk.Advance(3 * time.Hour)
	require.NoError(t, r.srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop()))

	_, err := srcs[0].Token(bg)
	require.Error(t, err)
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err), "%v", err)
	require.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))
	assert.False(t, r.lockHeld(t), "the lock is released once the store says so")

	_, errs := everyone(srcs, 16, func(ts *enduser.TokenSource) (*enduser.Token, error) { return ts.Token(bg) })
	for _, err := range errs {
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token may be spent: log in again")
	}
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken), "no replica sends the possibly spent refresh token")

	// A new login stored under the key revives every replica.
	login, err := r.cs[1].AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	require.NoError(t, r.store.Store(bg, sessionKey, login))
	for _, ts := range srcs {
		tok, err := ts.Token(bg)
		require.NoError(t, err)
		assert.Equal(t, login.AccessToken, tok.AccessToken)
	}
}

// nilUnlockStore is a careless TokenStore whose Lock succeeds without an
// unlock function.
type nilUnlockStore struct{ enduser.TokenStore }

func (nilUnlockStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return nil, nil
}

func TestSharedTokenSourceStoreWithoutUnlock(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	ts := r.cs[0].SharedTokenSource(nilUnlockStore{r.store}, sessionKey)
	r.clk.Advance(3 * time.Hour)
	_, err := ts.Token(bg)
	require.ErrorIs(t, err, enduser.ErrTokenStore, "a store that breaks the contract is a store failure, not a panic")
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken), "no refresh without a lock that can be released")
}

// The server carries out the refresh but holds its answer past every
// deadline, and the caller asked for a call timeout far longer than the
// lock's ttl: the refresh still ends within the lock, and no replica
// (waiting on the lock meanwhile) spends the refresh token again.
func TestSharedTokenSourceRefreshNeverOutlivesItsLock(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2, enduser.WithTimeout(300*time.Millisecond))
	a, b := r.source(0, enduser.WithLockTTL(time.Millisecond)), r.source(1, enduser.WithLockTTL(time.Millisecond))
	r.clk.Advance(3 * time.Hour)
	require.NoError(t, r.srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDelay(time.Minute)))
	ctx := enduser.WithCallTimeout(bg, time.Hour)

	start := time.Now()
	errA := make(chan error, 1)
	go func() { _, err := a.Token(ctx); errA <- err }()
	require.Eventually(t, func() bool { return r.srv.Count(enduser.OpRefreshToken) == 1 }, 10*time.Second, time.Millisecond)
	_, errB := b.Token(ctx) // waits on the lock
	err := <-errA
	require.Error(t, err)
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err), "%v", err)
	assert.Less(t, time.Since(start), 20*time.Second, "bounded by the lock's ttl (300 ms + 1 s), not the call timeout")
	assert.ErrorIs(t, errB, enduser.ErrTokenInvalid, "the peer does not spend the refresh token the lost refresh may have spent")
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))
	assert.Empty(t, r.stored(t).RefreshToken, "the store no longer holds the possibly spent refresh token")
}

// A storm across replicas: callers that just want a token, callers
// rejecting a token replaced long ago, and callers rejecting the current
// one: one refresh for the current one, none for the stale one.
func TestSharedTokenSourceForceRefreshStorm(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 3)
	srcs := []*enduser.TokenSource{r.source(0), r.source(1), r.source(2)}
	stale := r.login
	current, err := srcs[0].ForceRefresh(bg, stale)
	require.NoError(t, err)
	require.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))

	var n atomic.Int32
	toks, errs := everyone(srcs, 32, func(ts *enduser.TokenSource) (*enduser.Token, error) {
		switch n.Add(1) % 3 {
		case 0:
			return ts.Token(bg)
		case 1:
			return ts.ForceRefresh(bg, &enduser.Token{AccessToken: stale.AccessToken})
		default:
			return ts.ForceRefresh(bg, &enduser.Token{AccessToken: current.AccessToken})
		}
	})
	seen := map[string]bool{}
	for i := range toks {
		require.NoError(t, errs[i])
		assert.NotEqual(t, stale.AccessToken, toks[i].AccessToken, "the stale token is never handed out")
		seen[toks[i].AccessToken] = true
	}
	assert.Equal(t, 2, r.srv.Count(enduser.OpRefreshToken), "one refresh for the current token across every replica, none for the stale one")
	assert.LessOrEqual(t, len(seen), 2, "the current token or its one successor")
	final := r.stored(t)
	for _, ts := range srcs {
		tok, err := ts.ForceRefresh(bg, current)
		require.NoError(t, err)
		assert.Equal(t, final.AccessToken, tok.AccessToken, "every replica ends on the stored token")
	}
	assert.Equal(t, 2, r.srv.Count(enduser.OpRefreshToken))
}

// slowLoadStore ignores its context and answers Load late once the lock
// has been taken, like a store stuck in a slow network call.
type slowLoadStore struct {
	enduser.TokenStore
	locked atomic.Bool
	delay  time.Duration
}

func (s *slowLoadStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	unlock, err := s.TokenStore.Lock(ctx, key, ttl)
	s.locked.Store(err == nil)
	return unlock, err
}

func (s *slowLoadStore) Load(ctx context.Context, key string) (*enduser.Token, error) {
	if s.locked.Load() {
		time.Sleep(s.delay) // past the lock's ttl, ignoring ctx
	}
	return s.TokenStore.Load(ctx, key)
}

// A store that answers after the lock's ttl ran out: the source no longer
// holds the lock, so it must not spend the refresh token (a peer may hold
// the lock by now).
func TestSharedTokenSourceNoRefreshAfterTheLockRanOut(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1, enduser.WithTimeout(100*time.Millisecond))
	store := &slowLoadStore{TokenStore: r.store, delay: 1500 * time.Millisecond} // the lock ttl is 1.1 s
	ts := r.cs[0].SharedTokenSource(store, sessionKey)
	r.clk.Advance(3 * time.Hour)

	_, err := ts.Token(bg)
	require.Error(t, err)
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken), "nothing sent once the lock may belong to another replica")
	assert.NotErrorIs(t, err, enduser.ErrTokenInvalid, "the session is not over: %v", err)
	store.locked.Store(false)
	store.delay = 0
	tok, err := ts.Token(bg)
	require.NoError(t, err, "the next call refreshes normally")
	assert.NotEqual(t, r.login.AccessToken, tok.AccessToken)
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))
}

func TestSharedTokenSourceGatewayErrorToARefreshIsNotResent(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	r.clk.Advance(3 * time.Hour)
	require.NoError(t, r.srv.Inject(enduser.OpRefreshToken, endusertest.GatewayHTML(504)))
	_, err := r.source(0).Token(bg)
	require.Error(t, err)
	for i := range 2 {
		_, err = r.source(i).Token(bg)
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "replica %d: the refresh token may be spent", i)
	}
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken), "no replica sends it again")
}

// While a refresh whose answer will be lost is under way, the user logs in
// again and the new login is stored: taking the possibly spent refresh
// token out of the store must not overwrite the new login.
func TestSharedTokenSourceLostAnswerKeepsANewerLogin(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2, enduser.WithTimeout(300*time.Millisecond))
	r.clk.Advance(3 * time.Hour)
	require.NoError(t, r.srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDelay(time.Minute)))
	errA := make(chan error, 1)
	go func() { _, err := r.source(0).Token(bg); errA <- err }()
	require.Eventually(t, func() bool { return r.srv.Count(enduser.OpRefreshToken) == 1 }, 10*time.Second, time.Millisecond)
	login, err := r.cs[1].AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	require.NoError(t, r.store.Store(bg, sessionKey, login))

	require.Error(t, <-errA)
	assert.Equal(t, login.RefreshToken, r.stored(t).RefreshToken, "the new login stays stored")
	tok, err := r.source(1).Token(bg)
	require.NoError(t, err)
	assert.Equal(t, login.AccessToken, tok.AccessToken)
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))
}
