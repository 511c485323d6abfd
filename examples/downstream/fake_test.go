package downstream_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// Style 3: handler unit tests with endusertest.FakeSessions and a fake
// Platform: no store, no HTTP to the API at all.

// fakePlatform accepts the access tokens it was told to and names their
// user; any other token is refused as the platform refuses a revoked one.
type fakePlatform struct {
	mu       sync.Mutex
	accepted map[string]bool // access tokens UserInfo accepts
	seen     []string        // access tokens UserInfo was called with, in order
}

func (p *fakePlatform) accept(accessTokens ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accepted = map[string]bool{}
	for _, at := range accessTokens {
		p.accepted[at] = true
	}
}

func (p *fakePlatform) AppleLogin(context.Context, enduser.AppleLoginRequest) (*enduser.Token, error) {
	return &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer at-1", Expiry: time.Now().Add(time.Hour)}, nil
}

func (p *fakePlatform) SignInByMobile(context.Context, enduser.MobileSignInRequest) (*enduser.Token, error) {
	return nil, errors.New("fakePlatform: GenAuth is not used by these tests")
}

func (p *fakePlatform) VerifyIDToken(context.Context, string) (*enduser.IDToken, error) {
	return nil, enduser.ErrIDTokenInvalid
}

func (p *fakePlatform) UserInfo(_ context.Context, t *enduser.Token) (*enduser.UserInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, t.AccessToken)
	if !p.accepted[t.AccessToken] {
		return nil, enduser.ErrTokenInvalid
	}
	return &enduser.UserInfo{UID: "u-ada", Nickname: "Ada"}, nil
}

// fakeService logs a user in on fakes and returns the session's key.
func fakeService(t *testing.T) (*fakePlatform, *endusertest.FakeSessions, *browser) {
	t.Helper()
	p := &fakePlatform{}
	p.accept("Bearer at-1")
	sessions := endusertest.NewFakeSessions()
	b := newBrowser(t, downstream.Handler(p, sessions))
	require.Equal(t, http.StatusNoContent, b.loginApple("apple-identity-token").status)
	require.NotNil(t, sessions.Session("session:u-ada"), "login started the user's session")
	return p, sessions, b
}

// /me refreshes a refused token once, and only once: the table says which
// tokens the platform accepts (FakeSessions' ForceRefresh mints
// "<token>-refreshed-1").
func TestFakeMeForceRefreshOnce(t *testing.T) {
	for _, tc := range []struct {
		name     string
		accepted []string // after login
		status   int
		seen     []string // tokens /me sent to UserInfo
	}{
		{"fresh token", []string{"Bearer at-1"}, http.StatusOK, []string{"Bearer at-1"}},
		{"refused, refreshed", []string{"Bearer at-1-refreshed-1"}, http.StatusOK, []string{"Bearer at-1", "Bearer at-1-refreshed-1"}},
		{"refused after refresh", nil, http.StatusUnauthorized, []string{"Bearer at-1", "Bearer at-1-refreshed-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, sessions, b := fakeService(t)
			p.accept(tc.accepted...)
			p.seen = nil

			me := b.me()
			assert.Equal(t, tc.status, me.status)
			assert.Equal(t, tc.seen, p.seen)
			_, refreshes := sessions.Session("session:u-ada").Calls()
			assert.Equal(t, len(tc.seen)-1, refreshes, "one ForceRefresh per refused token")
		})
	}
}

// A session that fails with err: /me answers what enduser.HTTPStatus
// says, with the server's wait as Retry-After, and refreshes nothing.
func TestFakeErrorStatuses(t *testing.T) {
	rateLimited := &enduser.APIError{Op: enduser.OpRefreshToken, Family: enduser.FamilyV2,
		HTTPStatus: http.StatusTooManyRequests, Code: 429, RetryAfter: 1500 * time.Millisecond}
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		retryAfter string
	}{
		{"session over", enduser.ErrTokenInvalid, http.StatusUnauthorized, ""},
		{"store down", fmt.Errorf("load: %w", enduser.ErrTokenStore), http.StatusServiceUnavailable, ""},
		{"rate limited", rateLimited, http.StatusTooManyRequests, "2"}, // 1.5 s, rounded up
		{"server broken", fmt.Errorf("refresh: %w", enduser.ErrUnexpectedResponse), http.StatusBadGateway, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sessions, b := fakeService(t)
			sessions.Session("session:u-ada").Fail(tc.err)

			me := b.me()
			assert.Equal(t, tc.status, me.status)
			assert.Equal(t, tc.retryAfter, me.retryAfter)
			wantStatus, _ := enduser.HTTPStatus(tc.err)
			assert.Equal(t, wantStatus, me.status, "the SDK's mapping, not the handler's")
			_, refreshes := sessions.Session("session:u-ada").Calls()
			assert.Zero(t, refreshes, "only a token the platform refused is refreshed")
		})
	}
}

// endFails is a Sessions whose End fails with err, as a store that is down.
type endFails struct {
	*endusertest.FakeSessions
	err error
}

func (s endFails) End(context.Context, string) error { return s.err }

// Logout ends the session (204, cookie cleared, /me then 401). When the
// store is down nothing was deleted: 503, the session still serves, and
// the client may retry. A failed revocation at the host comes after the
// delete: the session is over all the same (204).
func TestFakeLogout(t *testing.T) {
	_, sessions, b := fakeService(t)
	assert.Equal(t, http.StatusNoContent, b.logout().status)
	assert.True(t, sessions.Ended("session:u-ada"))
	assert.Equal(t, http.StatusUnauthorized, b.me().status, "the cookie is cleared and the session over")

	for _, tc := range []struct {
		name   string
		err    error
		status int
	}{
		{"store down", fmt.Errorf("delete: %w", enduser.ErrTokenStore), http.StatusServiceUnavailable},
		{"revocation failed", &enduser.APIError{Op: enduser.OpLogout, Family: enduser.FamilyV2, HTTPStatus: http.StatusOK, Code: 5000}, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &fakePlatform{}
			p.accept("Bearer at-1")
			b := newBrowser(t, downstream.Handler(p, endFails{endusertest.NewFakeSessions(), tc.err}))
			require.Equal(t, http.StatusNoContent, b.loginApple("apple-identity-token").status)
			assert.Equal(t, tc.status, b.logout().status)
		})
	}
}

// A request without a session (no cookie) is told to log in, and the
// fakes show no API call was made for it.
func TestFakeMeWithoutLogin(t *testing.T) {
	p := &fakePlatform{}
	b := newBrowser(t, downstream.Handler(p, endusertest.NewFakeSessions()))
	assert.Equal(t, http.StatusUnauthorized, b.me().status)
	assert.Empty(t, p.seen)
}
