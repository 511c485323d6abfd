package downstream_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// Login, /me, logout, and /me again through the handlers: 204, 200, 204,
// then 401 (log in again).
func TestHandlersLoginMeLogout(t *testing.T) {
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	sessions := c.Sessions(enduser.NewMemoryStore())
	t.Cleanup(sessions.Close)
	api := httptest.NewServer(downstream.Handler(c, sessions))
	t.Cleanup(api.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := &http.Client{Jar: jar}
	t.Cleanup(hc.CloseIdleConnections)

	do := func(method, path, body string) int {
		req, err := http.NewRequestWithContext(t.Context(), method, api.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	// The handlers' cookie is Secure; the jar keeps it for this loopback test.
	assert.Equal(t, http.StatusNoContent, do(http.MethodPost, "/login", `{"IdentityToken":"apple-id-token"}`))
	assert.Equal(t, http.StatusOK, do(http.MethodGet, "/me", ""))
	assert.Equal(t, http.StatusNoContent, do(http.MethodPost, "/logout", ""))
	assert.Equal(t, 1, srv.Count(enduser.OpLogout), "revoked at its host")
	assert.Equal(t, http.StatusUnauthorized, do(http.MethodGet, "/me", ""), "the session is over: log in again")
}
