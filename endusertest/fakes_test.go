package endusertest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// The method sets a handler's code declares: the real types and the fakes
// both satisfy them, so a test swaps one for the other.
type (
	tokens interface {
		Token(ctx context.Context) (*enduser.Token, error)
		ForceRefresh(ctx context.Context, rejected *enduser.Token) (*enduser.Token, error)
	}
	sessions interface {
		Start(ctx context.Context, key string, t *enduser.Token) error
		Token(ctx context.Context, key string) (*enduser.Token, error)
		ForceRefresh(ctx context.Context, key string, rejected *enduser.Token) (*enduser.Token, error)
		End(ctx context.Context, key string) error
	}
)

var (
	_ tokens   = (*enduser.TokenSource)(nil)
	_ tokens   = (*endusertest.FakeTokenSource)(nil)
	_ sessions = (*enduser.Sessions)(nil)
	_ sessions = (*endusertest.FakeSessions)(nil)
)

func TestFakeTokenSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first := &enduser.Token{AccessToken: "Bearer a1", Expiry: time.Now().Add(time.Hour)}
	second := &enduser.Token{AccessToken: "Bearer a2", Expiry: time.Now().Add(time.Hour)}
	var ts tokens = endusertest.NewFakeTokenSource(first, second)
	fake := ts.(*endusertest.FakeTokenSource)

	got, err := ts.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, first.AccessToken, got.AccessToken)
	got, err = ts.ForceRefresh(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, second.AccessToken, got.AccessToken, "the queued token comes next")
	again, err := ts.ForceRefresh(ctx, first)
	require.NoError(t, err)
	assert.Equal(t, second.AccessToken, again.AccessToken, "an older rejected token: another caller refreshed already")
	minted, err := ts.ForceRefresh(ctx, second)
	require.NoError(t, err)
	assert.NotEqual(t, second.AccessToken, minted.AccessToken, "past the queue a new token is minted")
	assert.True(t, minted.Valid())

	fake.Fail(enduser.ErrTokenInvalid)
	_, err = ts.Token(ctx)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, enduser.ClassReLogin, enduser.Class(err))
	fake.Fail(nil)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = ts.Token(cancelled)
	require.ErrorIs(t, err, context.Canceled)
	nToken, nRefresh := fake.Calls()
	assert.Equal(t, 2, nToken, "a call with an ended context is not counted")
	assert.Equal(t, 3, nRefresh)
}

func TestFakeSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := endusertest.NewFakeSessions()
	_, err := s.Token(ctx, "session:u-1")
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "never started")
	require.ErrorIs(t, s.Start(ctx, "session:u-1", nil), enduser.ErrInvalidRequest)

	tok := &enduser.Token{AccessToken: "Bearer a1", Expiry: time.Now().Add(time.Hour)}
	require.NoError(t, s.Start(ctx, "session:u-1", tok))
	got, err := s.Token(ctx, "session:u-1")
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	fresh, err := s.ForceRefresh(ctx, "session:u-1", got)
	require.NoError(t, err)
	assert.NotEqual(t, got.AccessToken, fresh.AccessToken)
	_, n := s.Session("session:u-1").Calls()
	assert.Equal(t, 1, n)

	require.NoError(t, s.End(ctx, "session:u-1"))
	assert.True(t, s.Ended("session:u-1"))
	_, err = s.Token(ctx, "session:u-1")
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "ended")
	assert.NotContains(t, err.Error(), "u-1", "the session key is not echoed")
	require.NoError(t, s.End(ctx, "session:absent"))
	assert.False(t, s.Ended("session:absent"))
}

// TestKeySetWithHTTPMock: VerifyIDToken accepts a token the key set signed,
// fetching its keys once from the httpmock Responder, and refuses a token
// for another app.
func TestKeySetWithHTTPMock(t *testing.T) {
	t.Parallel()
	cfg := enduser.Config{GenAuth: enduser.GenAuthConfig{Host: "https://example.genauth.ai", AppID: "app-1"}}
	keys := endusertest.NewKeySet(nil)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, keys.JWKSURL(cfg.GenAuth), keys.Respond)
	c, err := enduser.NewClient(cfg, enduser.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		raw, err := keys.SignIDToken(cfg.GenAuth, map[string]any{"sub": "u-42", "email": "ada@example.com"})
		require.NoError(t, err)
		id, err := c.VerifyIDToken(ctx, raw)
		require.NoError(t, err)
		assert.Equal(t, "u-42", id.Subject)
		assert.Equal(t, "https://example.genauth.ai/oidc", id.Issuer)
	}
	assert.Equal(t, 1, keys.Fetches(), "the keys are fetched once")

	other := cfg.GenAuth
	other.AppID = "app-2"
	raw, err := keys.SignIDToken(other, nil)
	require.NoError(t, err)
	_, err = c.VerifyIDToken(ctx, raw)
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
	expired, err := keys.SignIDToken(cfg.GenAuth, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})
	require.NoError(t, err)
	_, err = c.VerifyIDToken(ctx, expired)
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
}

// TestKeySetWithHTTPTest: the key set as an http.Handler behind httptest.
func TestKeySetWithHTTPTest(t *testing.T) {
	t.Parallel()
	keys := endusertest.NewKeySet(nil)
	srv := httptest.NewServer(keys)
	t.Cleanup(srv.Close)
	cfg := enduser.Config{GenAuth: enduser.GenAuthConfig{Host: srv.URL, AppID: "app-1"}}
	c, err := enduser.NewClient(cfg)
	require.NoError(t, err)
	raw, err := keys.SignIDToken(cfg.GenAuth, nil)
	require.NoError(t, err)
	id, err := c.VerifyIDToken(context.Background(), raw)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/oidc", id.Issuer)
	assert.Equal(t, 1, keys.Fetches())

	resp, err := http.Get(srv.URL + "/oidc/me") //nolint:noctx // a test's one request
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the key set answers only JWKS requests")
}
