package enduser_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// recHook records everything a Hook sees, in order.
type recHook struct {
	mu        sync.Mutex
	events    []string
	starts    []enduser.CallInfo
	attempts  []enduser.AttemptInfo
	ends      []enduser.CallEndInfo
	refreshes []enduser.RefreshInfo
	ctxSeen   []any // the marker value found in each Attempt/CallEnd context
}

type markerKey struct{}

func (h *recHook) CallStart(ctx context.Context, info enduser.CallInfo) context.Context {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, "start "+info.Op)
	h.starts = append(h.starts, info)
	return context.WithValue(ctx, markerKey{}, fmt.Sprintf("call-%d", len(h.starts)))
}

func (h *recHook) Attempt(ctx context.Context, info enduser.AttemptInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, fmt.Sprintf("attempt %d retry=%v", info.Attempt, info.Retry))
	h.attempts = append(h.attempts, info)
	h.ctxSeen = append(h.ctxSeen, ctx.Value(markerKey{}))
}

func (h *recHook) CallEnd(ctx context.Context, info enduser.CallEndInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, "end "+info.Class.String())
	h.ends = append(h.ends, info)
	h.ctxSeen = append(h.ctxSeen, ctx.Value(markerKey{}))
}

func (h *recHook) Refresh(_ context.Context, info enduser.RefreshInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, "refresh "+info.Class.String())
	h.refreshes = append(h.refreshes, info)
}

func (h *recHook) Events() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

func (h *recHook) Attempts() []enduser.AttemptInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]enduser.AttemptInfo(nil), h.attempts...)
}

func TestHookSeesEveryAttemptOfACall(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	srv.Inject(enduser.OpAppleLogin, endusertest.HTTPStatus(429, ""), endusertest.HTTPStatus(429, "0"))
	h := &recHook{}
	c, err := enduser.NewClient(srv.Config(), enduser.WithHook(h), fastRetry)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	_, err = c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-hook"})
	require.NoError(t, err)
	assert.Equal(t, []string{"start appleAuthLogin", "attempt 1 retry=true", "attempt 2 retry=true", "attempt 3 retry=false", "end none"}, h.Events())

	start := h.starts[0]
	assert.Equal(t, enduser.CallInfo{Op: enduser.OpAppleLogin, Family: enduser.FamilyV2, Method: "POST", Host: start.Host}, start)
	assert.Contains(t, srv.URL(), start.Host)
	a := h.Attempts()
	assert.Equal(t, 429, a[0].HTTPStatus)
	assert.Equal(t, enduser.ClassRateLimited, a[0].Class)
	assert.Positive(t, a[0].Wait, "without Retry-After: the policy's backoff")
	assert.Equal(t, 429, a[1].HTTPStatus)
	assert.Equal(t, enduser.ClassRateLimited, a[1].Class)
	assert.Equal(t, 200, a[2].HTTPStatus)
	assert.Equal(t, 200, a[2].Code)
	assert.Equal(t, enduser.ClassNone, a[2].Class)
	require.NoError(t, a[2].Err)
	for _, at := range a {
		assert.Equal(t, start, at.CallInfo)
		assert.Positive(t, at.Duration)
	}
	end := h.ends[0]
	assert.Equal(t, 3, end.Attempts)
	assert.Equal(t, 200, end.HTTPStatus)
	assert.GreaterOrEqual(t, end.Duration, a[0].Duration+a[1].Duration+a[2].Duration)
	assert.Equal(t, []any{"call-1", "call-1", "call-1", "call-1"}, h.ctxSeen, "Attempt and CallEnd get CallStart's context")
}

func TestHookSeesFailureClassAndCode(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	srv.Inject(enduser.OpSignInByMobile, endusertest.FailAPICode(400, 2011))
	h := &recHook{}
	c, err := enduser.NewClient(srv.Config(), enduser.WithHook(h))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	err = mobileLogin(bg, c)
	require.ErrorIs(t, err, enduser.ErrGenAuthAppNotFound)

	a := h.Attempts()
	require.Len(t, a, 1)
	assert.Equal(t, enduser.FamilyGenAuth, a[0].Family)
	assert.Equal(t, 400, a[0].Code)
	assert.Equal(t, 2011, a[0].APICode)
	assert.Equal(t, enduser.ClassMisconfigured, a[0].Class)
	assert.False(t, a[0].Retry)
	assert.Equal(t, enduser.ClassMisconfigured, h.ends[0].Class)
	assert.Equal(t, err, h.ends[0].Err, "CallEnd sees the error the caller gets")
}

func TestHookNotCalledWithoutARequest(t *testing.T) {
	t.Parallel()
	h := &recHook{}
	c, err := enduser.NewClient(testConfig(), enduser.WithHook(h))
	require.NoError(t, err)
	_, err = c.AppleLogin(bg, enduser.AppleLoginRequest{})
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.Empty(t, h.Events(), "a request rejected locally is not a call")
}

func TestHookSeesTokenSourceRefresh(t *testing.T) {
	t.Parallel()
	now := time.Now()
	srv := endusertest.NewServer(t, endusertest.WithTokenLifetimes(time.Minute, time.Hour))
	h := &recHook{}
	c, err := enduser.NewClient(srv.Config(), enduser.WithHook(h))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-refresh"})
	require.NoError(t, err)
	ts := c.TokenSource(tok, enduser.WithExpiryLeeway(2*time.Minute)) // always due
	_, err = ts.Token(bg)
	require.NoError(t, err)
	h.mu.Lock()
	defer h.mu.Unlock()
	require.Len(t, h.refreshes, 1)
	assert.Equal(t, enduser.FamilyV2, h.refreshes[0].Family)
	assert.Equal(t, enduser.ClassNone, h.refreshes[0].Class)
	assert.Less(t, h.refreshes[0].Duration, time.Since(now)+time.Millisecond)
	assert.Equal(t, []string{"start appleAuthLogin", "attempt 1 retry=false", "end none",
		"start refreshToken", "attempt 1 retry=false", "end none", "refresh none"}, h.events)
}

func TestWithHookChainsHooks(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	h1, h2 := &recHook{}, &recHook{}
	c, err := enduser.NewClient(srv.Config(), enduser.WithHook(h1), enduser.WithHook(h2), enduser.WithHook(enduser.NopHook{}))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-chain"})
	require.NoError(t, err)
	assert.Equal(t, h1.Events(), h2.Events())
	assert.Len(t, h1.Events(), 3)

	_, err = enduser.NewClient(testConfig(), enduser.WithHook(nil))
	assert.ErrorIs(t, err, enduser.ErrInvalidConfig)
}

func TestHookSeesTheKeyFetch(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	h := &recHook{}
	c := j.client(t, enduser.WithHook(h))
	_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer())))
	require.NoError(t, err)
	assert.Equal(t, []string{"start " + enduser.OpOIDCKeys, "attempt 1 retry=false", "end none"}, h.Events())
	a := h.Attempts()
	require.Len(t, a, 1)
	assert.Equal(t, 200, a[0].HTTPStatus)
	assert.Equal(t, enduser.FamilyGenAuth, a[0].Family)
	assert.Equal(t, "GET", a[0].Method)
}

// infos returns every info the hook was given, in kind order.
func (h *recHook) infos() []any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []any
	for _, i := range h.starts {
		out = append(out, i)
	}
	for i := range h.attempts {
		out = append(out, h.attempts[i])
	}
	for i := range h.ends {
		out = append(out, h.ends[i])
	}
	for _, i := range h.refreshes {
		out = append(out, i)
	}
	return out
}
