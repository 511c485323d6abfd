package redisstore_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// BenchmarkCachedToken compares Token on a valid cached token: "sdk" is a
// SharedTokenSource on the Redis store, "raw" a TokenSource of one process
// (target ≤ 1.2x: the hot path must not round-trip to Redis).
func BenchmarkCachedToken(b *testing.B) {
	s := newSession(b, "bench:cached")
	client, err := enduser.NewClient(s.srv.Config())
	require.NoError(b, err)
	ctx := context.Background()
	tok := s.stored(b)
	tok.Expiry = time.Now().Add(2 * time.Hour)
	require.NoError(b, s.store.Store(ctx, s.key, tok))
	for _, bc := range []struct {
		name string
		ts   *enduser.TokenSource
	}{
		{"sdk", client.SharedTokenSource(s.store, s.key)},
		{"raw", client.TokenSource(tok)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			_, err := bc.ts.Token(ctx) // fills the shared source's cache from Redis
			require.NoError(b, err)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := bc.ts.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRedisOpsPerToken counts the Redis commands of a SharedTokenSource:
// none for a valid cached token; for an expired one, in the replica that
// refreshes: GET, SET NX PX, GET, EVALSHA (the store's SET and PUBLISH),
// EVALSHA (the unlock; EVAL once more the first time a server sees a
// script).
func TestRedisOpsPerToken(t *testing.T) {
	s := newSession(t, "ops")
	ops, store := countedStore(t, s)
	client, err := enduser.NewClient(s.srv.Config())
	require.NoError(t, err)
	ts := client.SharedTokenSource(store, s.key)
	ctx := context.Background()

	// Load the scripts once, so that the count below is the steady state.
	unlock, err := store.Lock(ctx, "warm-up", time.Second)
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
	require.NoError(t, store.Store(ctx, "warm-up", s.old))
	require.NoError(t, store.Delete(ctx, "warm-up"))

	before := ops.n.Load()
	first, err := ts.Token(ctx) // expired in the store: refresh under the lock
	require.NoError(t, err)
	assert.Equal(t, int64(5), ops.n.Load()-before, "one refresh: GET, SET NX, GET, EVALSHA (the store and its announcement), EVALSHA (the unlock)")
	assert.Equal(t, 1, s.srv.Count(refreshEndpoint))

	before = ops.n.Load()
	for range 1000 {
		tok, err := ts.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, first.AccessToken, tok.AccessToken)
	}
	assert.Zero(t, ops.n.Load()-before, "a valid cached token costs no Redis command")

	// Another replica whose cache is empty: one GET finds the valid token.
	other := client.SharedTokenSource(store, s.key)
	before = ops.n.Load()
	_, err = other.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), ops.n.Load()-before, "a replica picks up a peer's refresh with one GET")
}

// BenchmarkSessionsCachedToken compares Token on a valid cached token:
// "sdk" is Sessions.Token on the Redis store (subscribed to its changes),
// "raw" a TokenSource of one process (target <= 1.2x).
func BenchmarkSessionsCachedToken(b *testing.B) {
	s := newSession(b, "bench:sessions")
	client, err := enduser.NewClient(s.srv.Config())
	require.NoError(b, err)
	ctx := context.Background()
	tok := s.stored(b)
	tok.Expiry = time.Now().Add(2 * time.Hour)
	sessions := client.Sessions(s.store, enduser.WithMaxStaleness(time.Hour))
	b.Cleanup(sessions.Close)
	require.NoError(b, sessions.Start(ctx, s.key, tok))
	ts := client.TokenSource(tok)
	for _, bc := range []struct {
		name  string
		token func() error
	}{
		{"sdk", func() error { _, err := sessions.Token(ctx, s.key); return err }},
		{"raw", func() error { _, err := ts.Token(ctx); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			require.NoError(b, bc.token())
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := bc.token(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// Both in turns of 1,000 calls, so that a machine's load weighs on both
	// alike: the ratio of their times, reported as x-TokenSource.
	b.Run("ratio", func(b *testing.B) {
		const turn = 1000
		var inSessions, inSource time.Duration
		for b.Loop() {
			start := time.Now()
			for range turn {
				_, _ = ts.Token(ctx)
			}
			mid := time.Now()
			for range turn {
				_, _ = sessions.Token(ctx, s.key)
			}
			inSource, inSessions = inSource+mid.Sub(start), inSessions+time.Since(mid)
		}
		b.ReportMetric(float64(inSessions)/float64(inSource), "x-TokenSource")
	})
}

// TestRedisOpsPerSessionsToken: Sessions.Token on a cached, valid token
// confirmed within the staleness bound sends no Redis command, from any
// number of goroutines; a change announced by another replica makes the
// next call load it once.
func TestRedisOpsPerSessionsToken(t *testing.T) {
	s := newSession(t, "ops-sessions")
	ops, store := countedStore(t, s)
	client, err := enduser.NewClient(s.srv.Config())
	require.NoError(t, err)
	sessions := client.Sessions(store, enduser.WithMaxStaleness(time.Hour))
	t.Cleanup(sessions.Close)
	ctx := context.Background()
	first, err := sessions.Token(ctx, s.key) // expired in the store: refresh under the lock
	require.NoError(t, err)

	// The refresh's own announcement may still be on its way (it makes one
	// more GET): wait for a quiet round.
	require.Eventually(t, func() bool {
		before := ops.n.Load()
		for range 100 {
			_, err := sessions.Token(ctx, s.key)
			require.NoError(t, err)
		}
		return ops.n.Load() == before
	}, 10*time.Second, 10*time.Millisecond)
	before := ops.n.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				tok, err := sessions.Token(ctx, s.key)
				if assert.NoError(t, err) {
					assert.Equal(t, first.AccessToken, tok.AccessToken)
				}
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, ops.n.Load()-before, "a valid cached token costs no Redis command")
}

// BenchmarkRefreshWave measures the latency of Token when the session's
// token has expired and every goroutine asks at once: 16 goroutines in one
// process, against 16 in each of 4 processes (separate OS processes on one
// Redis, as replicas). Each iteration runs one wave of each on a freshly
// expired token; the metrics are the percentiles over all goroutines of all
// waves, their ratio, the refreshes per wave (1 is the target) and the Redis
// commands per wave. "api=loopback" refreshes against the emulator as fast
// as it answers; "api=50ms" delays each refresh answer by 50 ms, closer to
// a real API.
func BenchmarkRefreshWave(b *testing.B) {
	s := newSession(b, "bench:wave")
	rs := startReplicas(b, replicas, s.cfg)
	for _, bc := range []struct {
		name  string
		delay time.Duration
	}{
		{"api=loopback", 0},
		{"api=50ms", 50 * time.Millisecond},
	} {
		b.Run(bc.name, func(b *testing.B) { refreshWaves(b, s, rs, bc.delay) })
	}
}

func refreshWaves(b *testing.B, s *session, rs []*replica, apiDelay time.Duration) {
	ctx := context.Background()
	wave := func(rs []*replica) (lat []time.Duration, ops int64) {
		tok := s.stored(b)
		tok.Expiry = time.Now().Add(-time.Minute)
		require.NoError(b, s.store.Store(ctx, s.key, tok))
		if apiDelay > 0 {
			s.srv.Inject(refreshEndpoint, endusertest.Delay(apiDelay))
		}
		for _, r := range rs {
			r.run(b, s.key)
		}
		for _, r := range rs {
			res := r.result(b, replicaResultWait)
			for i, e := range res.Errors {
				require.Empty(b, e, "%s goroutine %d", r.name, i)
			}
			for _, ns := range res.Latency {
				lat = append(lat, time.Duration(ns))
			}
			ops += res.Ops
		}
		return lat, ops
	}
	wave(rs) // warm up: connections, the unlock script
	refreshesBefore := s.srv.Count(refreshEndpoint)
	var one, many []time.Duration
	var opsOne, opsMany int64
	b.ResetTimer()
	for range b.N {
		lat, ops := wave(rs[:1])
		one, opsOne = append(one, lat...), opsOne+ops
		lat, ops = wave(rs)
		many, opsMany = append(many, lat...), opsMany+ops
	}
	b.StopTimer()
	p := func(d []time.Duration, q float64) float64 {
		slices.Sort(d)
		return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(p(one, 0.5), "p50-1proc-ms")
	b.ReportMetric(p(one, 0.99), "p99-1proc-ms")
	b.ReportMetric(p(many, 0.5), "p50-4proc-ms")
	b.ReportMetric(p(many, 0.99), "p99-4proc-ms")
	b.ReportMetric(p(many, 0.99)/p(one, 0.99), "p99-ratio")
	b.ReportMetric(float64(s.srv.Count(refreshEndpoint)-refreshesBefore)/float64(2*b.N), "refreshes/wave")
	b.ReportMetric(float64(opsOne)/float64(b.N), "redis-ops/1proc-wave")
	b.ReportMetric(float64(opsMany)/float64(b.N), "redis-ops/4proc-wave")
}

// BenchmarkStoredSize reports the memory Redis uses for one session
// (MEMORY USAGE of its key) with JWT-sized tokens: a 600-byte access token
// and a 600-byte refresh token, plain and encrypted. Not on miniredis.
func BenchmarkStoredSize(b *testing.B) {
	r := newRedis(b)
	if r.fake {
		b.Skip("MEMORY USAGE needs a real Redis: set REDIS_ADDR")
	}
	ctx := context.Background()
	tok := &enduser.Token{
		Family: enduser.FamilyV2, AccessToken: "Bearer " + strings.Repeat("a", 593), TokenType: "Bearer",
		Expiry: time.Now().Add(2 * time.Hour), RefreshToken: strings.Repeat("r", 600),
		RefreshExpiry: time.Now().Add(30 * 24 * time.Hour),
	}
	for _, bc := range []struct {
		name string
		opts []redisstore.Option
	}{
		{"plain", nil},
		{"encrypted", []redisstore.Option{redisstore.WithEncryption(key1)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newStore(b, r, bc.opts...)
			var usage int64
			for range b.N {
				require.NoError(b, s.Store(ctx, "session:0123456789", tok))
				var err error
				usage, err = r.rdb.MemoryUsage(ctx, s.TokenKey("session:0123456789")).Result()
				require.NoError(b, err)
			}
			b.ReportMetric(float64(usage), "bytes/session")
		})
	}
}

// TestRedisOpsPerSessionsCall counts the Redis commands of each Sessions
// call, the numbers BENCHMARKS.md "Past one machine" multiplies: Start
// takes the lock, stores (and announces) and unlocks; a cached token costs
// nothing, a revalidation past the staleness bound or a cache miss one
// GET; End takes the lock, loads, deletes (and announces) and unlocks.
func TestRedisOpsPerSessionsCall(t *testing.T) {
	const stale, key = time.Minute, "session:ops-calls"
	s := newSession(t, "ops-calls")
	ops, store := countedStore(t, s)
	clk := endusertest.NewClock(time.Now())
	client, err := enduser.NewClient(s.srv.Config(), enduser.WithClock(clk.Now))
	require.NoError(t, err)
	ctx := context.Background()
	login, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "ops-calls-user"})
	require.NoError(t, err)
	sessions := client.Sessions(store, enduser.WithMaxStaleness(stale))
	sessions.Close()                                       // no announcements: each count below is the call's own
	require.NoError(t, store.Store(ctx, "warm-up", login)) // the scripts loaded
	require.NoError(t, store.Delete(ctx, "warm-up"))
	unlock, err := store.Lock(ctx, "warm-up", time.Second)
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))

	other := client.Sessions(store)
	other.Close()
	token := func(sn *enduser.Sessions) func() error {
		return func() error { _, err := sn.Token(ctx, key); return err }
	}
	for _, step := range []struct {
		name string
		call func() error
		ops  int64
	}{
		{"Start", func() error { return sessions.Start(ctx, key, login) }, 3},
		{"Token, cached", token(sessions), 0},
		{"Token, past the staleness bound", func() error { clk.Advance(stale); return token(sessions)() }, 1},
		{"Token, not cached", token(other), 1},
		{"End", func() error { return sessions.End(ctx, key) }, 4},
	} {
		before := ops.n.Load()
		require.NoError(t, step.call(), step.name)
		assert.Equal(t, step.ops, ops.n.Load()-before, step.name)
	}
}

// countedStore is a store under s's prefix on a connection of its own,
// whose Redis commands ops counts.
func countedStore(t *testing.T, s *session) (*opCounter, *redisstore.Store) {
	t.Helper()
	ops := &opCounter{}
	rdb, err := dial(s.cfg.redisAddr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	rdb.AddHook(ops)
	store, err := redisstore.New(rdb, redisstore.WithPrefix(s.cfg.prefix))
	require.NoError(t, err)
	return ops, store
}
