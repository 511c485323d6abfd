package redisstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
)

// Token material the tests look for in errors and in Redis.
const (
	secretAccess  = "Bearer at-SECRET-7f3a9c"
	secretRefresh = "rt-SECRET-b81e44"
	secretID      = "idt-SECRET-0c2d"
)

func fullToken(now time.Time) *enduser.Token {
	return &enduser.Token{
		Family: enduser.FamilyV2, AccessToken: secretAccess, TokenType: "Bearer",
		Expiry: now.Add(2 * time.Hour).Truncate(time.Second), RefreshToken: secretRefresh,
		RefreshExpiry: now.Add(30 * 24 * time.Hour).Truncate(time.Second), IDToken: secretID, Scope: "openid",
	}
}

func newStore(t testing.TB, r *testRedis, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(r.rdb, append([]redisstore.Option{redisstore.WithPrefix(testPrefix(t, r))}, opts...)...)
	require.NoError(t, err)
	return s
}

func TestStoreLoadRoundTrip(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()

	got, err := s.Load(ctx, "absent")
	require.NoError(t, err)
	assert.Nil(t, got, "absent key: nil, nil")

	want := fullToken(time.Now())
	require.NoError(t, s.Store(ctx, "user:1", want))
	got, err = s.Load(ctx, "user:1")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, want.AccessToken, got.AccessToken)
	assert.Equal(t, want.RefreshToken, got.RefreshToken)
	assert.Equal(t, want.IDToken, got.IDToken)
	assert.Equal(t, want.Family, got.Family)
	assert.Equal(t, want.Scope, got.Scope)
	assert.True(t, want.Expiry.Equal(got.Expiry))
	assert.True(t, want.RefreshExpiry.Equal(got.RefreshExpiry))

	// Without encryption the value is the Token's own JSON.
	raw, err := r.rdb.Get(ctx, s.TokenKey("user:1")).Result()
	require.NoError(t, err)
	var decoded enduser.Token
	require.NoError(t, json.Unmarshal([]byte(raw), &decoded))
	assert.Equal(t, secretRefresh, decoded.RefreshToken)

	// Store replaces.
	next := fullToken(time.Now())
	next.AccessToken = "Bearer next"
	require.NoError(t, s.Store(ctx, "user:1", next))
	got, err = s.Load(ctx, "user:1")
	require.NoError(t, err)
	assert.Equal(t, "Bearer next", got.AccessToken)
}

func TestStoreTTLFollowsTheRefreshToken(t *testing.T) {
	r := newRedis(t)
	ctx := context.Background()
	now := time.Now()
	ttl := func(s *redisstore.Store, key string, tok *enduser.Token) time.Duration {
		t.Helper()
		require.NoError(t, s.Store(ctx, key, tok))
		d, err := r.rdb.PTTL(ctx, s.TokenKey(key)).Result()
		require.NoError(t, err)
		return d
	}
	s := newStore(t, r)

	tok := fullToken(now)
	assert.InDelta(t, (30 * 24 * time.Hour).Seconds(), ttl(s, "refresh", tok).Seconds(), 5, "TTL at the refresh expiry")

	tok = fullToken(now)
	tok.RefreshToken, tok.RefreshExpiry = "", time.Time{}
	assert.InDelta(t, (2 * time.Hour).Seconds(), ttl(s, "access-only", tok).Seconds(), 5, "no refresh token: TTL at the access expiry")

	tok = fullToken(now)
	tok.RefreshExpiry = time.Time{}
	assert.InDelta(t, redisstore.DefaultUnknownExpiryTTL.Seconds(), ttl(s, "unknown", tok).Seconds(), 5, "unknown refresh expiry: the default")

	tok = fullToken(now)
	tok.RefreshExpiry = now.Add(-time.Minute)
	d := ttl(s, "dead", tok)
	assert.Positive(t, d, "a dead session is still readable for a moment")
	assert.LessOrEqual(t, d, time.Second)

	keep := newStore(t, r, redisstore.WithUnknownExpiryTTL(0))
	tok = fullToken(now)
	tok.RefreshExpiry = time.Time{}
	assert.Equal(t, time.Duration(-1), ttl(keep, "forever", tok), "WithUnknownExpiryTTL(0): no TTL")

	short := newStore(t, r, redisstore.WithUnknownExpiryTTL(time.Hour))
	assert.InDelta(t, time.Hour.Seconds(), ttl(short, "hour", tok).Seconds(), 5)
}

func TestStoreExpiredTokenIsGone(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	tok := fullToken(time.Now())
	tok.RefreshExpiry = time.Now().Add(-time.Minute) // kept minTTL (1 s), then gone
	require.NoError(t, s.Store(ctx, "k", tok))
	require.Eventually(t, func() bool {
		got, err := s.Load(ctx, "k")
		return err == nil && got == nil
	}, 10*time.Second, 20*time.Millisecond)
}

// hashTag is the part of a key that Redis Cluster hashes (its
// specification): the text between the first '{' and the next '}', if not
// empty; otherwise the whole key.
func hashTag(key string) string {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return key
	}
	closing := strings.IndexByte(key[open+1:], '}')
	if closing <= 0 {
		return key
	}
	return key[open+1 : open+1+closing]
}

func TestTokenAndLockShareAClusterSlot(t *testing.T) {
	r := newRedis(t)
	for _, prefix := range []string{"", "enduser:", "app:tokens:"} {
		s, err := redisstore.New(r.rdb, redisstore.WithPrefix(prefix))
		require.NoError(t, err)
		for _, key := range []string{"user:1", "a{b", "{", "session:ABC", "x y"} {
			tag := hashTag(s.TokenKey(key))
			assert.Equal(t, key, tag, "prefix %q key %q: the session key is the hash tag", prefix, key)
			assert.Equal(t, tag, hashTag(s.LockKey(key)))
			assert.NotEqual(t, s.TokenKey(key), s.LockKey(key))
		}
	}
}

func TestInvalidInputIsRejectedBeforeRedis(t *testing.T) {
	// A client whose every command fails: nothing may reach it.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := redisstore.New(rdb)
	require.NoError(t, err)
	ctx := context.Background()
	// The caller's mistakes: ErrTokenStore like every store error, but
	// ClassInvalidRequest (trying again will not help), and nothing sent.
	invalid := func(err error, what string) {
		t.Helper()
		require.Error(t, err, what)
		assert.ErrorIs(t, err, enduser.ErrTokenStore, what)
		assert.ErrorIs(t, err, enduser.ErrInvalidRequest, what)
		assert.Equal(t, enduser.ClassInvalidRequest, enduser.Class(err), what)
		assert.NotContains(t, err.Error(), "dial", "%s: rejected before any command", what)
	}
	for _, key := range []string{"", "a}b", "}"} {
		_, err := s.Load(ctx, key)
		require.ErrorIs(t, err, redisstore.ErrInvalidKey, "Load %q", key)
		invalid(err, "Load "+key)
		err = s.Store(ctx, key, fullToken(time.Now()))
		require.ErrorIs(t, err, redisstore.ErrInvalidKey, "Store %q", key)
		invalid(err, "Store "+key)
		_, err = s.Lock(ctx, key, time.Second)
		require.ErrorIs(t, err, redisstore.ErrInvalidKey, "Lock %q", key)
		invalid(err, "Lock "+key)
		err = s.Delete(ctx, key)
		require.ErrorIs(t, err, redisstore.ErrInvalidKey, "Delete %q", key)
		invalid(err, "Delete "+key)
	}
	invalid(s.Store(ctx, "k", nil), "Store nil")
	_, err = s.Lock(ctx, "k", 0)
	invalid(err, "Lock ttl 0")

	_, err = redisstore.New(nil)
	require.Error(t, err)
	for _, p := range []string{"a{", "}b", "{x}"} {
		_, err = redisstore.New(rdb, redisstore.WithPrefix(p))
		require.Error(t, err, "prefix %q", p)
	}
	_, err = redisstore.New(rdb, redisstore.WithUnknownExpiryTTL(-time.Second))
	require.Error(t, err)
	_, err = redisstore.New(rdb, redisstore.WithLockBackoff(0, time.Second))
	require.Error(t, err)
	_, err = redisstore.New(rdb, redisstore.WithLockBackoff(time.Second, time.Millisecond))
	require.Error(t, err)
}

func TestRedisErrorsAreWrappedWithoutSecrets(t *testing.T) {
	// Nothing listens on a port we have just closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := redisstore.New(rdb)
	require.NoError(t, err)
	ctx := context.Background()

	errs := map[string]error{}
	_, errs["load"] = s.Load(ctx, "k")
	errs["store"] = s.Store(ctx, "k", fullToken(time.Now()))
	_, errs["lock"] = s.Lock(ctx, "k", time.Second)
	for op, err := range errs {
		require.Error(t, err, op)
		var opErr *net.OpError
		assert.True(t, errors.As(err, &opErr), "%s: wraps the dial error: %v", op, err)
		assertNoSecret(t, err)
	}

	require.NoError(t, rdb.Close())
	err = s.Store(ctx, "k", fullToken(time.Now()))
	require.ErrorIs(t, err, redis.ErrClosed)
}

func TestCorruptValueIsAnErrorWithoutItsText(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	for _, val := range []string{"garbage " + secretRefresh, `{"access_token": "` + secretAccess + `"`, "e1.nokeys"} {
		require.NoError(t, r.rdb.Set(ctx, s.TokenKey("k"), val, time.Minute).Err())
		_, err := s.Load(ctx, "k")
		require.ErrorIs(t, err, redisstore.ErrCorrupt, "%q", val)
		assertNoSecret(t, err)
	}
}

func TestStorePrintsNoKeys(t *testing.T) {
	r := newRedis(t)
	secret := []byte("0123456789abcdef0123456789abcdef")
	s, err := redisstore.New(r.rdb, redisstore.WithEncryption(redisstore.Key{ID: "k1", Secret: secret}))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, s)
		assert.NotContains(t, out, string(secret), verb)
		assert.Contains(t, out, "Encrypted:true", verb)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{secretAccess, "at-SECRET", secretRefresh, secretID} {
		assert.NotContains(t, err.Error(), s)
		assert.NotContains(t, fmt.Sprintf("%+v", err), s)
	}
}

func TestDelete(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	require.NoError(t, s.Store(ctx, "a", fullToken(time.Now())))
	require.NoError(t, s.Store(ctx, "b", fullToken(time.Now())))
	require.NoError(t, s.Delete(ctx, "a"))
	got, err := s.Load(ctx, "a")
	require.NoError(t, err)
	assert.Nil(t, got, "deleted")
	got, err = s.Load(ctx, "b")
	require.NoError(t, err)
	assert.NotNil(t, got, "only that session")
	require.NoError(t, s.Delete(ctx, "a"), "deleting twice is fine")
	require.ErrorIs(t, s.Delete(ctx, ""), redisstore.ErrInvalidKey)
}

// echoServer is a hostile Redis (or a proxy in front of one) that answers
// every command with an error quoting the command's arguments, except the
// lock's SET NX, which it grants. It remembers the lock's owner value.
type echoServer struct {
	l     net.Listener
	owner atomic.Value // string
}

func newEchoServer(t *testing.T) *echoServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := &echoServer{l: l}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				e.serve(conn)
			}()
		}
	}()
	return e
}

func (e *echoServer) serve(conn net.Conn) {
	rd := bufio.NewReader(conn)
	for {
		args, err := readCommand(rd)
		if err != nil {
			return
		}
		reply := "-ERR proxy refused: " + strings.ReplaceAll(strings.Join(args, " "), "\r\n", " ") + "\r\n"
		if len(args) >= 4 && strings.EqualFold(args[0], "set") && slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, "nx") }) {
			e.owner.Store(args[2])
			reply = "+OK\r\n"
		}
		if _, err := io.WriteString(conn, reply); err != nil {
			return
		}
	}
}

// readCommand reads one RESP array of bulk strings.
func readCommand(rd *bufio.Reader) ([]string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil {
		return nil, err
	}
	args := make([]string, 0, n)
	for range n {
		line, err := rd.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "$")))
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		args = append(args, string(buf[:size]))
	}
	return args, nil
}

// A Redis or proxy that quotes the command in its error never gets the
// token, the lock's owner value or the ciphertext into the store's errors.
func TestRedisErrorsQuotingTheCommandShowNoSecrets(t *testing.T) {
	e := newEchoServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: e.l.Addr().String(), MaxRetries: -1, Protocol: 2})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	tok := fullToken(time.Now())
	plain, err := json.Marshal(tok)
	require.NoError(t, err)

	for name, opts := range map[string][]redisstore.Option{
		"plain":     nil,
		"encrypted": {redisstore.WithEncryption(redisstore.Key{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")})},
	} {
		s, err := redisstore.New(rdb, opts...)
		require.NoError(t, err)
		err = s.Store(ctx, "session:user-42", tok)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "user-42", "%s: nor the session key", name)
		assert.Contains(t, err.Error(), "proxy refused", "%s: the server's words stay", name)
		assertNoSecret(t, err)
		assert.NotContains(t, err.Error(), string(plain), name)
		assert.NotContains(t, err.Error(), "e1.k1.", "%s: nor the ciphertext", name)

		_, err = s.Load(ctx, "session:user-42")
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "user-42", "%s: nor the session key", name)

		unlock, err := s.Lock(ctx, "session:user-42", time.Minute)
		require.NoError(t, err, name)
		owner, _ := e.owner.Load().(string)
		require.NotEmpty(t, owner)
		err = unlock(ctx)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "proxy refused", name)
		assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), owner, "%s: the lock's owner value is a capability: never in an error", name)
		assert.NotContains(t, err.Error(), "user-42", "%s: nor the session key", name)
	}
}
