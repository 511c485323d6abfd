package downstream_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// Style 1: the emulator. Real HTTP, real signatures and rotating refresh
// tokens, scripted failures; the service runs its production wiring
// (one Client, one Sessions) against it.

// emulatorFamily is one way users log in to the service, with the emulator
// endpoints it ends up calling.
type emulatorFamily struct {
	name             string
	login            func(b *browser, credential string) answer
	refreshOp, endOp string
	revocations      int // calls of endOp per logout (GenAuth revokes the refresh and the access token)
}

var emulatorFamilies = []emulatorFamily{
	{"v2 (Apple)", (*browser).loginApple, enduser.OpRefreshToken, enduser.OpLogout, 1},
	{"GenAuth (WeChat)", (*browser).loginWechat, enduser.OpOIDCToken, enduser.OpOIDCRevocation, 2},
}

// service starts the emulator and the service on it, as main would: one
// Client and one Sessions for the process.
func service(t *testing.T, opts ...endusertest.Option) (*endusertest.Server, *enduser.Client, *enduser.Sessions, *browser) {
	t.Helper()
	srv := endusertest.NewServer(t, opts...)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	sessions := c.Sessions(enduser.NewMemoryStore())
	t.Cleanup(sessions.Close)
	return srv, c, sessions, newBrowser(t, downstream.Handler(c, sessions))
}

// Login, /me, logout and /me again, in both families: 204, 200 with the
// user, 204 with the token revoked at its host, then 401 (log in again).
func TestEmulatorLoginMeLogout(t *testing.T) {
	for _, f := range emulatorFamilies {
		t.Run(f.name, func(t *testing.T) {
			srv, _, _, b := service(t)
			srv.SeedUser(endusertest.Profile{UID: "u-ada", Nickname: "Ada"}, "ada-credential")

			require.Equal(t, http.StatusNoContent, f.login(b, "ada-credential").status)
			me := b.me()
			require.Equal(t, http.StatusOK, me.status)
			assert.Equal(t, "u-ada", me.body["uid"])
			assert.Equal(t, "Ada", me.body["nickname"])

			assert.Equal(t, http.StatusNoContent, b.logout().status)
			assert.Equal(t, f.revocations, srv.Count(f.endOp), "revoked at its host")
			assert.Equal(t, http.StatusUnauthorized, b.me().status, "the session is over: log in again")
			assert.Zero(t, srv.Count(f.refreshOp), "a fresh token is never refreshed")
		})
	}
}

// A token the platform revokes before its expiry: /me refreshes it once and
// answers; the next /me uses the new token without another refresh.
func TestEmulatorRevokedTokenRefreshedOnce(t *testing.T) {
	for _, f := range emulatorFamilies {
		t.Run(f.name, func(t *testing.T) {
			srv, _, sessions, b := service(t)
			srv.SeedUser(endusertest.Profile{UID: "u-ada"}, "ada-credential")
			require.Equal(t, http.StatusNoContent, f.login(b, "ada-credential").status)
			tok, err := sessions.Token(t.Context(), "session:u-ada")
			require.NoError(t, err)
			require.True(t, srv.RevokeToken(tok.AccessToken))

			for range 2 {
				me := b.me()
				require.Equal(t, http.StatusOK, me.status)
				assert.Equal(t, "u-ada", me.body["uid"])
			}
			assert.Equal(t, 1, srv.Count(f.refreshOp), "one refresh for one rejected token")
		})
	}
}

// The worst refresh failure: the server rotated the refresh token and the
// answer was lost (endusertest.ProcessThenDrop). /me fails loudly (502: the
// outcome is unknown), the possibly spent refresh token is never sent again
// (then 401: log in again), and a new login revives the session.
func TestEmulatorRefreshAnswerLost(t *testing.T) {
	for _, f := range emulatorFamilies {
		t.Run(f.name, func(t *testing.T) {
			clk := endusertest.NewClock(time.Now())
			srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
			c, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now))
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)
			sessions := c.Sessions(enduser.NewMemoryStore())
			t.Cleanup(sessions.Close)
			b := newBrowser(t, downstream.Handler(c, sessions))
			srv.SeedUser(endusertest.Profile{UID: "u-ada"}, "ada-credential-1", "ada-credential-2")

			require.Equal(t, http.StatusNoContent, f.login(b, "ada-credential-1").status)
			require.Equal(t, http.StatusOK, b.me().status)

			clk.Advance(3 * time.Hour) // the access token expired: the next /me refreshes
			srv.Inject(f.refreshOp, endusertest.ProcessThenDrop())
			assert.Equal(t, http.StatusBadGateway, b.me().status, "the refresh's outcome is unknown")
			assert.Equal(t, http.StatusUnauthorized, b.me().status, "the refresh token may be spent")
			assert.Equal(t, http.StatusUnauthorized, b.me().status)
			assert.Equal(t, 1, srv.Count(f.refreshOp), "the possibly spent refresh token is sent once")

			require.Equal(t, http.StatusNoContent, f.login(b, "ada-credential-2").status)
			assert.Equal(t, http.StatusOK, b.me().status, "a new login revives the session")
		})
	}
}

// A rate-limited login: the service passes the platform's wait on as its own
// Retry-After, and starts no session.
func TestEmulatorRateLimitedLogin(t *testing.T) {
	srv, _, _, b := service(t)
	srv.Inject(enduser.OpAppleLogin, endusertest.RateLimited("120"))
	a := b.loginApple("apple-identity-token")
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, "120", a.retryAfter)
	assert.Equal(t, http.StatusUnauthorized, b.me().status, "no session was started")
}
