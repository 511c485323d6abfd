package redisstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// heard collects the keys a NotifyChanges callback was called with.
type heard struct {
	mu   sync.Mutex
	keys []string
	busy int // callbacks running now (must never exceed 1)
	max  int
}

func (h *heard) changed(key string) {
	h.mu.Lock()
	h.busy++
	h.max = max(h.max, h.busy)
	h.keys = append(h.keys, key)
	h.mu.Unlock()
	time.Sleep(time.Millisecond) // long enough for a second caller to overlap
	h.mu.Lock()
	h.busy--
	h.mu.Unlock()
}

func (h *heard) count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, k := range h.keys {
		if k == key {
			n++
		}
	}
	return n
}

// waitSubscribed stores a probe key through s until h hears of it: the
// subscription is live (a message published before it is lost).
func waitSubscribed(t *testing.T, s *redisstore.Store, h *heard) {
	t.Helper()
	require.Eventually(t, func() bool {
		require.NoError(t, s.Store(context.Background(), "probe", fullToken(time.Now())))
		return h.count("probe") > 0
	}, 20*time.Second, 20*time.Millisecond, "subscribed")
}

// Every Store and Delete, from any client of the store, calls the
// subscribers back with the session key, one call at a time; after stop
// returns no call comes, and the subscription's goroutine is gone (goleak,
// in TestMain).
func TestNotifyChanges(t *testing.T) {
	r := newRedis(t)
	a := newStore(t, r)
	prefix := a.ChangeChannel()[:len(a.ChangeChannel())-len("changed")]
	other, err := dial(r.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	b, err := redisstore.New(other, redisstore.WithPrefix(prefix)) // another replica
	require.NoError(t, err)
	elsewhere, err := redisstore.New(other, redisstore.WithPrefix(prefix+"other:")) // another service
	require.NoError(t, err)

	var h heard
	stop := a.NotifyChanges(h.changed)
	waitSubscribed(t, a, &h)

	ctx := context.Background()
	writes := []struct {
		name  string
		key   string
		write func() error
	}{
		{"Store by another replica", "session:b", func() error { return b.Store(ctx, "session:b", fullToken(time.Now())) }},
		{"Delete by another replica", "session:b", func() error { return b.Delete(ctx, "session:b") }},
		{"Delete of an absent key", "session:none", func() error { return b.Delete(ctx, "session:none") }},
		{"Store by this replica", "session:a", func() error { return a.Store(ctx, "session:a", fullToken(time.Now())) }},
	}
	want := map[string]int{}
	for _, w := range writes {
		require.NoError(t, w.write(), w.name)
		want[w.key]++
		require.Eventually(t, func() bool { return h.count(w.key) >= want[w.key] }, 10*time.Second, 5*time.Millisecond, w.name)
	}
	require.NoError(t, elsewhere.Store(ctx, "session:elsewhere", fullToken(time.Now())))
	for i := range 20 { // a burst, to find overlapping callbacks
		require.NoError(t, b.Store(ctx, "session:burst", fullToken(time.Now().Add(time.Duration(i)))))
	}
	require.Eventually(t, func() bool { return h.count("session:burst") == 20 }, 10*time.Second, 5*time.Millisecond)

	stop()
	stop() // harmless
	h.mu.Lock()
	after := len(h.keys)
	assert.Equal(t, 1, h.max, "one callback at a time")
	h.mu.Unlock()
	for key, n := range want {
		assert.Equal(t, n, h.count(key), "%s: one call per write", key)
	}
	assert.Zero(t, h.count("session:elsewhere"), "another prefix's changes are not this store's")

	require.NoError(t, b.Store(ctx, "session:b", fullToken(time.Now())))
	require.NoError(t, a.Delete(ctx, "session:a"))
	time.Sleep(100 * time.Millisecond) // time for a message that should not come
	h.mu.Lock()
	assert.Equal(t, after, len(h.keys), "no callback after stop returned")
	h.mu.Unlock()
}

// Redis restarted (same port, no persistence): the subscription comes back
// by itself and hears the changes made after it. What was published while
// it was down is lost; the staleness bound covers it.
func TestNotifyChangesAfterARedisRestart(t *testing.T) {
	p := startRedisServer(t)
	s, err := redisstore.New(p.client(func(o *redis.Options) { o.MaxRetries = -1 }))
	require.NoError(t, err)
	var h heard
	stop := s.NotifyChanges(h.changed)
	defer stop()
	waitSubscribed(t, s, &h)

	p.restart()
	require.Eventually(t, func() bool {
		_ = s.Store(context.Background(), "session:after", fullToken(time.Now()))
		return h.count("session:after") > 0
	}, 30*time.Second, 50*time.Millisecond, "subscribed again after the restart")
}

// stopped ends a NotifyChanges while Redis is gone: stop still returns and
// its goroutine ends (goleak, in TestMain).
func TestNotifyChangesStopsWhileRedisIsDown(t *testing.T) {
	p := startRedisServer(t)
	s, err := redisstore.New(p.client(func(o *redis.Options) { o.MaxRetries = -1 }))
	require.NoError(t, err)
	var h heard
	stop := s.NotifyChanges(h.changed)
	waitSubscribed(t, s, &h)
	p.kill()
	time.Sleep(200 * time.Millisecond) // the subscription fails and waits to try again
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("stop did not return while Redis was down")
	}
}

// replicaSessions is one replica's Sessions on its own Redis client.
func replicaSessions(t *testing.T, addr, prefix string, srv *endusertest.Server, opts ...enduser.SessionsOption) *enduser.Sessions {
	t.Helper()
	rdb, err := dial(addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	store, err := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	require.NoError(t, err)
	client, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	s := client.Sessions(store, opts...)
	t.Cleanup(s.Close)
	return s
}

// End on one replica reaches another's cache through Pub/Sub long before
// the staleness bound (an hour here): its next Token finds the session
// over. A replica whose subscription is cut (CLIENT KILL of its Pub/Sub
// connection, the message lost) keeps serving the token only up to the
// staleness bound.
func TestSessionsEndReachesOtherReplicas(t *testing.T) {
	r := newRedis(t)
	prefix := testPrefix(t, r)
	srv := endusertest.NewServer(t)
	ctx := context.Background()

	t.Run("Pushed", func(t *testing.T) {
		a := replicaSessions(t, r.addr, prefix, srv, enduser.WithMaxStaleness(time.Hour))
		b := replicaSessions(t, r.addr, prefix, srv, enduser.WithMaxStaleness(time.Hour))
		login := loginToken(t, srv, "pushed")
		require.NoError(t, a.Start(ctx, "session:pushed", login))
		require.Eventually(t, func() bool { // b caches it (a's Start may reach b's cache first)
			tok, err := b.Token(ctx, "session:pushed")
			return err == nil && tok.AccessToken == login.AccessToken
		}, 10*time.Second, 10*time.Millisecond)
		require.NoError(t, a.End(ctx, "session:pushed"))
		require.Eventually(t, func() bool {
			_, err := b.Token(ctx, "session:pushed")
			return assert.ObjectsAreEqual(true, err != nil && enduser.Class(err) == enduser.ClassReLogin)
		}, 10*time.Second, 10*time.Millisecond, "b hears of the End")
		_, err := b.Token(ctx, "session:pushed")
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	})
}

// loginToken logs a user in at the emulator.
func loginToken(t *testing.T, srv *endusertest.Server, user string) *enduser.Token {
	t.Helper()
	client, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	tok, err := client.AppleLogin(context.Background(), enduser.AppleLoginRequest{IdentityToken: "notify-" + user})
	require.NoError(t, err)
	return tok
}

// What a replica serves while Redis is down, as the package documents: the
// tokens it has cached, up to the staleness bound after their last
// confirmation, then a temporary ErrTokenStore (never a refresh without the
// lock). A Redis restarted without persistence has lost every session:
// Token says the session is over (ErrTokenInvalid), and a new login works.
func TestSessionsDuringARedisOutage(t *testing.T) {
	const staleness = 2 * time.Second
	p := startRedisServer(t)
	srv := endusertest.NewServer(t)
	ctx := context.Background()
	a := replicaSessions(t, p.addr, "outage:", srv, enduser.WithMaxStaleness(staleness))
	b := replicaSessions(t, p.addr, "outage:", srv, enduser.WithMaxStaleness(staleness))
	login := loginToken(t, srv, "outage")
	require.NoError(t, a.Start(ctx, "session:outage", login))
	tok, err := b.Token(ctx, "session:outage") // loaded: confirmed now
	require.NoError(t, err)
	confirmed := time.Now()
	require.Equal(t, login.AccessToken, tok.AccessToken)

	p.kill()
	tok, err = b.Token(ctx, "session:outage")
	if time.Since(confirmed) < staleness/2 { // (a machine too busy to get here in time proves nothing)
		require.NoError(t, err, "a cached token within the bound needs no Redis")
		assert.Equal(t, login.AccessToken, tok.AccessToken)
	}
	time.Sleep(time.Until(confirmed.Add(staleness + 100*time.Millisecond)))
	_, err = b.Token(ctx, "session:outage")
	require.Error(t, err, "past the bound the replica does not serve the token unconfirmed")
	assert.ErrorIs(t, err, enduser.ErrTokenStore)
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err), "%v", err)
	assert.NotContains(t, err.Error(), login.AccessToken)
	err = a.Start(ctx, "session:other", loginToken(t, srv, "other"))
	assert.ErrorIs(t, err, enduser.ErrTokenStore, "a login cannot be kept while Redis is down")
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err))
	assert.Zero(t, srv.Count(refreshEndpoint), "no refresh without the store")

	p.start() // empty: no persistence
	require.Eventually(t, func() bool {
		_, err = b.Token(ctx, "session:outage")
		return enduser.Class(err) != enduser.ClassTemporary
	}, 20*time.Second, 50*time.Millisecond, "Redis is back")
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the restarted Redis lost the session: log in again")
	again := loginToken(t, srv, "outage")
	require.NoError(t, a.Start(ctx, "session:outage", again))
	tok, err = b.Token(ctx, "session:outage")
	require.NoError(t, err)
	assert.Equal(t, again.AccessToken, tok.AccessToken)
}
