package redisstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// Sizes of the multi-process tests: small TTLs keep them fast.
const (
	replicas          = 4
	goroutinesEach    = 16
	replicaTimeout    = time.Second     // each replica's Client timeout
	replicaLockTTL    = 2 * time.Second // the SharedTokenSource's lock TTL
	refreshEndpoint   = "refreshToken"
	replicaResultWait = 30 * time.Second // generous: the bound that matters is asserted on latencies
)

// session is one user's session stored in Redis for the replicas, with an
// access token that has already expired (its refresh token is good).
type session struct {
	srv   *endusertest.Server
	rdb   redis.UniversalClient
	store *redisstore.Store
	cfg   childConfig
	key   string
	old   *enduser.Token
}

func newSession(tb testing.TB, key string, opts ...redisstore.Option) *session {
	tb.Helper()
	r := newRedis(tb)
	srv := endusertest.NewServer(tb)
	client, err := enduser.NewClient(srv.Config())
	require.NoError(tb, err)
	ctx := context.Background()
	tok, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "acceptance-" + key})
	require.NoError(tb, err)
	tok.Expiry = time.Now().Add(-time.Minute) // expired: the first Token call must refresh
	prefix := testPrefix(tb, r)
	store, err := redisstore.New(r.rdb, append(opts, redisstore.WithPrefix(prefix))...)
	require.NoError(tb, err)
	require.NoError(tb, store.Store(ctx, key, tok))
	return &session{
		srv: srv, rdb: r.rdb, store: store, key: key, old: tok,
		cfg: childConfig{
			redisAddr: r.addr, prefix: prefix, emulator: srv.URL(),
			timeout: replicaTimeout, lockTTL: replicaLockTTL, goroutines: goroutinesEach,
		},
	}
}

// stored returns the token the store holds for the session.
func (s *session) stored(tb testing.TB) *enduser.Token {
	tb.Helper()
	tok, err := s.store.Load(context.Background(), s.key)
	require.NoError(tb, err)
	require.NotNil(tb, tok)
	return tok
}

// TestAcceptanceOneRefreshAcrossProcesses: four replicas (separate OS
// processes, 16 goroutines each) find the session's token expired at the
// same moment; exactly one refresh reaches the API, every goroutine ends
// with the same new token, and the store holds it (encrypted at rest).
func TestAcceptanceOneRefreshAcrossProcesses(t *testing.T) {
	secret := []byte("acceptance-test-key-32-bytes-AES")
	s := newSession(t, "session:one-refresh", redisstore.WithEncryption(redisstore.Key{ID: "test", Secret: secret}))
	s.cfg.key = secret // the replicas encrypt too: the session is shared sealed
	rs := startReplicas(t, replicas, s.cfg)
	for _, r := range rs {
		r.run(t, s.key)
	}
	var hashes []string
	for _, r := range rs {
		res := r.result(t, replicaResultWait)
		for i, e := range res.Errors {
			assert.Empty(t, e, "%s goroutine %d", r.name, i)
		}
		hashes = append(hashes, res.Hashes...)
	}

	assert.Equal(t, 1, s.srv.Count(refreshEndpoint), "exactly one refresh across %d processes", replicas)
	require.Len(t, hashes, replicas*goroutinesEach)
	stored := s.stored(t)
	assert.True(t, stored.Valid(), "the store holds the refreshed token")
	assert.NotEqual(t, s.old.RefreshToken, stored.RefreshToken, "rotated")
	want := tokenHash(stored)
	assert.NotEqual(t, tokenHash(s.old), want)
	raw, err := s.rdb.Get(context.Background(), s.store.TokenKey(s.key)).Result()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "e1.test."), "stored encrypted by the replica that refreshed")
	assert.NotContains(t, raw, stored.RefreshToken)
	for i, h := range hashes {
		assert.Equal(t, want, h, "goroutine %d ends with the stored token", i)
	}
}

// TestAcceptanceLockOwnerKilled: the replica that holds the refresh lock is
// killed with SIGKILL in the middle of its refresh (the API delays its
// answer). The other replicas get a token within the lock's TTL plus a
// second, with one more refresh at most, and all the same token.
func TestAcceptanceLockOwnerKilled(t *testing.T) {
	s := newSession(t, "session:owner-killed")
	s.srv.Inject(refreshEndpoint, endusertest.Delay(time.Minute)) // the first refresh hangs
	rs := startReplicas(t, replicas, s.cfg)
	for _, r := range rs {
		r.run(t, s.key)
	}

	// The replica whose refresh reached the API holds the lock: kill it.
	var owner string
	require.Eventually(t, func() bool {
		for _, req := range s.srv.Requests() {
			if req.Endpoint == refreshEndpoint {
				owner = req.Header.Get("User-Agent")
				return true
			}
		}
		return false
	}, replicaResultWait, 2*time.Millisecond, "no replica started a refresh")
	i := slices.IndexFunc(rs, func(r *replica) bool { return r.name == owner })
	require.GreaterOrEqual(t, i, 0, "the refresh came from a replica (User-Agent %q)", owner)
	held, err := s.rdb.Exists(context.Background(), s.store.LockKey(s.key)).Result()
	require.NoError(t, err)
	require.Equal(t, int64(1), held, "the refreshing replica holds the lock")
	rs[i].kill(t)

	var hashes []string
	for _, r := range slices.Delete(slices.Clone(rs), i, i+1) {
		res := r.result(t, replicaResultWait)
		for g, e := range res.Errors {
			assert.Empty(t, e, "%s goroutine %d", r.name, g)
		}
		slowest := time.Duration(slices.Max(res.Latency))
		t.Logf("%s: slowest goroutine %v (lock TTL %v)", r.name, slowest, replicaLockTTL)
		assert.Less(t, slowest, replicaLockTTL+time.Second, "%s: done within the lock TTL + 1 s", r.name)
		hashes = append(hashes, res.Hashes...)
	}

	assert.LessOrEqual(t, s.srv.Count(refreshEndpoint), 2, "the killed owner's refresh and one more, at most")
	stored := s.stored(t)
	assert.True(t, stored.Valid())
	want := tokenHash(stored)
	require.Len(t, hashes, (replicas-1)*goroutinesEach)
	for g, h := range hashes {
		assert.Equal(t, want, h, "goroutine %d ends with the stored token", g)
	}
}

// The refresh's answer is lost after the API rotated the refresh token:
// across Clients on one Redis, nobody sends the refresh token again, and
// the store (encrypted) no longer holds it.
func TestSharedSourceOnRedisAfterALostRefreshAnswer(t *testing.T) {
	secret := []byte("lost-answer-test-key-32-bytes-AE")
	s := newSession(t, "session:lost-answer", redisstore.WithEncryption(redisstore.Key{ID: "k", Secret: secret}))
	s.srv.Inject(refreshEndpoint, endusertest.ProcessThenDrop())
	var srcs []*enduser.TokenSource
	for range 3 {
		c, err := enduser.NewClient(s.srv.Config(), enduser.WithTimeout(replicaTimeout))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		srcs = append(srcs, c.SharedTokenSource(s.store, s.key))
	}
	ctx := context.Background()
	_, err := srcs[0].Token(ctx)
	require.Error(t, err)
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err), "%v", err)
	for i, ts := range srcs {
		_, err := ts.Token(ctx)
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "replica %d", i)
	}
	assert.Equal(t, 1, s.srv.Count(refreshEndpoint), "the possibly spent refresh token is sent once")
	raw, err := s.rdb.Get(ctx, s.store.TokenKey(s.key)).Result()
	if err == nil { // the retired token may already have expired from Redis (its access token had)
		assert.True(t, strings.HasPrefix(raw, "e1.k."), "still encrypted at rest")
		assert.NotContains(t, raw, s.old.RefreshToken)
		got := s.stored(t)
		assert.Empty(t, got.RefreshToken)
	} else {
		require.ErrorIs(t, err, redis.Nil)
	}
	held, err := s.rdb.Exists(ctx, s.store.LockKey(s.key)).Result()
	require.NoError(t, err)
	assert.Zero(t, held, "the lock was released")
}
