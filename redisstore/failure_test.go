package redisstore_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// TestRedisDown: when Redis goes away, a replica keeps handing out its
// cached token while it is valid; once the token is due for refresh, Token
// fails with enduser.ErrTokenStore wrapping the go-redis error, and the
// refresh token is not spent. (A Redis of its own, stopped by the test: a
// miniredis, so that the shared server of the other tests stays up.)
func TestRedisDown(t *testing.T) {
	m := miniredis.NewMiniRedis()
	require.NoError(t, m.Start())
	t.Cleanup(m.Close)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	store, err := redisstore.New(rdb)
	require.NoError(t, err)

	now := time.Now()
	clock := func() time.Time { return now }
	srv := endusertest.NewServer(t)
	client, err := enduser.NewClient(srv.Config(), enduser.WithClock(clock))
	require.NoError(t, err)
	ctx := context.Background()
	tok, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "redis-down"})
	require.NoError(t, err)
	require.NoError(t, store.Store(ctx, "s", tok))
	ts := client.SharedTokenSource(store, "s")
	got, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, tok.AccessToken, got.AccessToken)

	m.Close() // Redis is gone
	got, err = ts.Token(ctx)
	require.NoError(t, err, "a valid cached token needs no Redis")
	assert.Equal(t, tok.AccessToken, got.AccessToken)

	now = tok.Expiry // due for refresh
	_, err = ts.Token(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, enduser.ErrTokenStore)
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "wraps the go-redis dial error: %v", err)
	assert.NotContains(t, err.Error(), tok.RefreshToken)
	assert.NotContains(t, err.Error(), tok.AccessToken)
	assert.Zero(t, srv.Count(refreshEndpoint), "no refresh token spent without the store")
}
