package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
)

// sessionKey is the session key of the failure tests: it names a user, so
// it appears in no error either.
const sessionKey = "session:user-42"

// assertStoreError checks what a caller of any Store method relies on when
// Redis fails: the error matches enduser.ErrTokenStore, is
// enduser.ClassTemporary (the session is not over: try again later), and
// no fmt verb shows the session key, the token or any of forbidden.
func assertStoreError(t *testing.T, err error, what string, forbidden ...string) {
	t.Helper()
	require.Error(t, err, what)
	assert.ErrorIs(t, err, enduser.ErrTokenStore, "%s: %v", what, err)
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err), "%s: %v", what, err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)} {
		for _, s := range append([]string{"user-42", secretAccess, "at-SECRET", secretRefresh, secretID}, forbidden...) {
			assert.NotContains(t, text, s, what)
		}
	}
}

// methods are the Store's methods as calls on sessionKey (unlock releases
// the lock the caller took, given as unlock).
var methods = map[string]func(ctx context.Context, s *redisstore.Store, unlock func(context.Context) error) error{
	"Load": func(ctx context.Context, s *redisstore.Store, _ func(context.Context) error) error {
		_, err := s.Load(ctx, sessionKey)
		return err
	},
	"Store": func(ctx context.Context, s *redisstore.Store, _ func(context.Context) error) error {
		return s.Store(ctx, sessionKey, fullToken(time.Now()))
	},
	"Delete": func(ctx context.Context, s *redisstore.Store, _ func(context.Context) error) error {
		return s.Delete(ctx, sessionKey)
	},
	"Lock": func(ctx context.Context, s *redisstore.Store, _ func(context.Context) error) error {
		_, err := s.Lock(ctx, sessionKey+":other", time.Minute)
		return err
	},
	"unlock": func(ctx context.Context, _ *redisstore.Store, unlock func(context.Context) error) error {
		return unlock(ctx)
	},
}

// everyMethod calls each method (unlock only when given) and returns
// their errors by name.
func everyMethod(ctx context.Context, s *redisstore.Store, unlock func(context.Context) error) map[string]error {
	errs := map[string]error{}
	for name, call := range methods {
		if name != "unlock" || unlock != nil {
			errs[name] = call(ctx, s, unlock)
		}
	}
	return errs
}

// A Redis that is not there (nothing listens on the port): every method
// fails with a temporary ErrTokenStore that still unwraps to the dial error.
func TestErrorsOfADeadRedis(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := redisstore.New(rdb)
	require.NoError(t, err)

	for name, err := range everyMethod(context.Background(), s, nil) {
		assertStoreError(t, err, name)
		var opErr *net.OpError
		assert.ErrorAs(t, err, &opErr, "%s wraps the dial error", name)
	}
}

// A Redis (or a proxy) that answers every command with an error quoting
// the command, its keys and its values: every method fails with a
// temporary ErrTokenStore whose text keeps the server's own words and cuts
// the quote.
func TestErrorsOfARedisQuotingTheCommand(t *testing.T) {
	e := newEchoServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: e.l.Addr().String(), MaxRetries: -1, Protocol: 2})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	plain, err := json.Marshal(fullToken(time.Now()))
	require.NoError(t, err)
	for name, opts := range map[string][]redisstore.Option{
		"plain":     nil,
		"encrypted": {redisstore.WithEncryption(key1)},
	} {
		s, err := redisstore.New(rdb, opts...)
		require.NoError(t, err)
		unlock, err := s.Lock(ctx, sessionKey, time.Minute) // the echo server grants SET NX
		require.NoError(t, err)
		owner, _ := e.owner.Load().(string)
		require.NotEmpty(t, owner)
		for method, err := range everyMethod(ctx, s, unlock) {
			if method == "Lock" {
				continue // granted
			}
			what := name + " " + method
			assertStoreError(t, err, what, owner, string(plain), "e1.", s.TokenKey(sessionKey), s.LockKey(sessionKey))
			assert.Contains(t, err.Error(), "proxy refused", "%s: the server's own words stay", what)
			for _, cmd := range []string{"get", "set", "del", "evalsha", "eval"} {
				assert.NotContains(t, strings.ToLower(err.Error()), "refused: "+cmd, "%s: the command is not quoted", what)
			}
		}
	}
}

// Redis answers a command on a key of another type with WRONGTYPE: a
// temporary ErrTokenStore (an operator's mistake in a shared Redis, say).
func TestErrorsOfAWrongTypeKey(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	require.NoError(t, r.rdb.HSet(ctx, s.TokenKey(sessionKey), "f", secretRefresh).Err())
	_, err := s.Load(ctx, sessionKey)
	assertStoreError(t, err, "Load", s.TokenKey(sessionKey))
	assert.Contains(t, err.Error(), "WRONGTYPE", "the server's own words stay")

	unlock, err := s.Lock(ctx, sessionKey, time.Minute)
	require.NoError(t, err)
	require.NoError(t, r.rdb.Del(ctx, s.LockKey(sessionKey)).Err())
	require.NoError(t, r.rdb.RPush(ctx, s.LockKey(sessionKey), "x").Err())
	assertStoreError(t, unlock(ctx), "unlock", s.LockKey(sessionKey))
}

// A real redis-server that fails in the ways a production Redis does: a
// read-only replica refuses writes, CLIENT PAUSE WRITE holds them until the
// caller's deadline (a failover in progress), and a server killed with
// SIGKILL in the middle of the calls. Each is a temporary ErrTokenStore; a
// write paused or refused leaves the stored token as it was.
func TestErrorsOfARealRedis(t *testing.T) {
	p := startRedisServer(t)
	rdb := p.client(func(o *redis.Options) { o.MaxRetries, o.ContextTimeoutEnabled = -1, true })
	admin := p.client()
	s, err := redisstore.New(rdb)
	require.NoError(t, err)
	ctx := context.Background()
	tok := fullToken(time.Now())
	require.NoError(t, s.Store(ctx, sessionKey, tok))

	t.Run("ReadOnlyReplica", func(t *testing.T) {
		unlock, err := s.Lock(ctx, sessionKey, time.Minute)
		require.NoError(t, err)
		// A replica of a master that is not there: it keeps its data and
		// serves reads, and refuses writes with READONLY.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		deadPort := l.Addr().(*net.TCPAddr).Port
		require.NoError(t, l.Close())
		require.NoError(t, admin.ReplicaOf(ctx, "127.0.0.1", strconv.Itoa(deadPort)).Err())

		got, err := s.Load(ctx, sessionKey)
		require.NoError(t, err, "a replica serves reads")
		assert.Equal(t, tok.RefreshToken, got.RefreshToken)
		for _, method := range []string{"Store", "Delete", "Lock", "unlock"} {
			err := methods[method](ctx, s, unlock)
			assertStoreError(t, err, method)
			assert.Contains(t, err.Error(), "READONLY", method)
		}
		require.NoError(t, admin.ReplicaOf(ctx, "NO", "ONE").Err())
		require.NoError(t, unlock(ctx), "a failed unlock can be retried once the store is back")
	})

	t.Run("WritesPaused", func(t *testing.T) {
		require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", "5000", "WRITE").Err())
		defer func() { require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err()) }()
		got, err := s.Load(ctx, sessionKey)
		require.NoError(t, err, "reads go on during a write pause")
		assert.Equal(t, tok.RefreshToken, got.RefreshToken)
		for _, method := range []string{"Store", "Delete", "Lock"} {
			cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			err := methods[method](cctx, s, nil)
			cancel()
			assertStoreError(t, err, method)
			assert.ErrorIs(t, err, context.DeadlineExceeded, method)
		}
		require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err())
		got, err = s.Load(ctx, sessionKey)
		require.NoError(t, err)
		assert.Equal(t, tok.RefreshToken, got.RefreshToken, "no paused write took effect")
	})

	t.Run("KilledMidCall", func(t *testing.T) {
		unlock, err := s.Lock(ctx, sessionKey, time.Minute)
		require.NoError(t, err)
		// Every command waits in the pause; then the server dies under them.
		require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", "30000", "ALL").Err())
		done := make(chan map[string]error, 1)
		go func() { done <- everyMethod(ctx, s, unlock) }()
		time.Sleep(100 * time.Millisecond) // the first call is in the pause (a later one finds the port closed)
		p.kill()
		for method, err := range <-done {
			assertStoreError(t, err, method)
		}
	})
}
