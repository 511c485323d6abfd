package enduser_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// storeOps is the number of operations r's store has seen.
func (r *replicas) storeOps() int32 {
	return r.store.loads.Load() + r.store.stores.Load() + r.store.locks.Load()
}

// A login, many Token calls served from memory with no store operation,
// then End: deleted from the store, revoked at the host, and over.
func TestSessionsStartTokenEnd(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	defer s.Close()
	require.NoError(t, s.Start(bg, "session:alice", r.login))
	before := r.storeOps()
	for range 10 {
		tok, err := s.Token(bg, "session:alice")
		require.NoError(t, err)
		assert.Equal(t, r.login.AccessToken, tok.AccessToken)
	}
	assert.Equal(t, before, r.storeOps(), "a cached, fresh token costs no store operation")

	require.NoError(t, s.End(bg, "session:alice"))
	tok, err := r.store.TokenStore.Load(bg, "session:alice")
	require.NoError(t, err)
	assert.Nil(t, tok, "the session is gone from the store")
	assert.Equal(t, 1, r.srv.Count(enduser.OpLogout), "and revoked at its host")
	_, err = s.Token(bg, "session:alice")
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, enduser.ClassReLogin, enduser.Class(err))
	require.NoError(t, s.End(bg, "session:alice"), "ending an absent session is no error")
	assert.Equal(t, 1, r.srv.Count(enduser.OpLogout))
}

// Two replicas on a store that pushes no changes: after End on one, the
// other serves the cached token at most for the staleness bound.
func TestSessionsEndReachesEveryReplicaWithinTheStalenessBound(t *testing.T) {
	t.Parallel()
	const stale = 20 * time.Second
	r := newReplicas(t, 2)
	a := r.cs[0].Sessions(r.store, enduser.WithMaxStaleness(stale))
	b := r.cs[1].Sessions(r.store, enduser.WithMaxStaleness(stale))
	require.NoError(t, a.Start(bg, sessionKey, r.login))
	_, err := b.Token(bg, sessionKey)
	require.NoError(t, err)

	require.NoError(t, a.End(bg, sessionKey))
	_, err = b.Token(bg, sessionKey)
	require.NoError(t, err, "within the bound the cached token may still be served")
	r.clk.Advance(stale)
	_, err = b.Token(bg, sessionKey)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "past the bound it is confirmed against the store, and gone")
}

// A store that pushes changes (MemoryStore implements ChangeNotifier):
// another replica drops the ended session at once.
func TestSessionsPushedInvalidation(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	store := r.store.TokenStore // the MemoryStore itself, a ChangeNotifier
	a := r.cs[0].Sessions(store, enduser.WithMaxStaleness(time.Hour))
	b := r.cs[1].Sessions(store, enduser.WithMaxStaleness(time.Hour))
	defer a.Close()
	defer b.Close()
	require.NoError(t, a.Start(bg, sessionKey, r.login))
	_, err := b.Token(bg, sessionKey)
	require.NoError(t, err)
	require.NoError(t, a.End(bg, sessionKey))
	_, err = b.Token(bg, sessionKey)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "the other replica dropped its cached token")
}

// The cache keeps at most its bound; the least recently used leaves first.
func TestSessionsCacheIsBounded(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store, enduser.WithSessionCache(2))
	keys := []string{"session:a", "session:b", "session:c"}
	for _, k := range keys[:2] {
		require.NoError(t, s.Start(bg, k, r.login))
	}
	_, err := s.Token(bg, keys[0]) // a is used again: b is the least recent
	require.NoError(t, err)
	require.NoError(t, s.Start(bg, keys[2], r.login))
	assert.Contains(t, fmt.Sprint(s), "Cached:2")

	loads := r.store.loads.Load()
	for _, k := range []string{keys[0], keys[2]} {
		_, err := s.Token(bg, k)
		require.NoError(t, err)
	}
	assert.Equal(t, loads, r.store.loads.Load(), "the recently used stay cached")
	_, err = s.Token(bg, keys[1])
	require.NoError(t, err)
	assert.Equal(t, loads+1, r.store.loads.Load(), "the least recently used left and is loaded again")
}

// Every store failure reaching a caller of Start, Token, ForceRefresh or
// End matches ErrTokenStore, is temporary, and shows neither the store's
// text nor the key.
func TestSessionsStoreErrors(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store, enduser.WithMaxStaleness(0))
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	r.store.failLoad.Store(true)
	r.store.failLock.Store(true)
	calls := map[string]func() error{
		"Start": func() error { return s.Start(bg, sessionKey, r.login) },
		"Token": func() error { _, err := s.Token(bg, sessionKey); return err },
		"ForceRefresh": func() error {
			_, err := s.ForceRefresh(bg, sessionKey, r.login)
			return err
		},
		"End": func() error { return s.End(bg, sessionKey) },
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, enduser.ErrTokenStore, name)
		assert.ErrorIs(t, err, errStoreDown, name)
		assert.Equal(t, enduser.ClassTemporary, enduser.Class(err), name)
		text := fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)
		for _, v := range []string{sessionKey, "10.0.0.7", r.login.AccessToken, r.login.RefreshToken} {
			assert.NotContains(t, text, v, name)
		}
	}
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken)+r.srv.Count(enduser.OpLogout), "nothing sent without the store")
}

// An empty key or token is refused before any store operation.
func TestSessionsRefusesBadInput(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	before := r.storeOps()
	require.ErrorIs(t, s.Start(bg, "", r.login), enduser.ErrInvalidRequest)
	require.ErrorIs(t, s.Start(bg, sessionKey, nil), enduser.ErrTokenRequired)
	_, err := s.Token(bg, "")
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	_, err = s.ForceRefresh(bg, sessionKey, nil)
	require.ErrorIs(t, err, enduser.ErrTokenRequired)
	require.ErrorIs(t, s.End(context.Background(), ""), enduser.ErrInvalidRequest)
	assert.Equal(t, before, r.storeOps())
}
