package enduser_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// hostRecorder is a real server that answers every call of one family and
// records the paths it saw.
type hostRecorder struct {
	srv   *httptest.Server
	mu    sync.Mutex
	paths []string
}

func (h *hostRecorder) seen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...)
}

func newHostRecorder(t *testing.T, answer func(path string) (int, string)) *hostRecorder {
	h := &hostRecorder{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.paths = append(h.paths, r.Method+" "+r.URL.Path)
		h.mu.Unlock()
		status, b := answer(r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, b)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func v2Answer(path string) (int, string) {
	switch {
	case strings.HasSuffix(path, "/refreshToken"):
		return 200, `{"code":200,"data":{"accessToken":{"token":"Bearer V2-AT-2","expirationTime":4102444800},"refreshToken":{"token":"V2-RT-2","expirationTime":4102444800}}}`
	case strings.HasSuffix(path, "/userInfo"):
		return 200, `{"code":200,"data":{"uid":"v2-user"}}`
	}
	return 200, `{"code":200,"msg":"ok"}`
}

func genAuthAnswer(path string) (int, string) {
	switch path {
	case "/oidc/token":
		return 200, `{"access_token":"GA-AT-2","refresh_token":"GA-RT-2","expires_in":3600,"token_type":"Bearer"}`
	case "/oidc/me":
		return 200, `{"sub":"ga-user"}`
	case "/oidc/token/introspection":
		return 200, `{"active":true,"sub":"ga-user"}`
	}
	return 200, ``
}

// twoHosts starts a v2 and a GenAuth server and a client configured for
// both (or for the families asked).
func twoHosts(t *testing.T, v2, genAuth bool) (*enduser.Client, *hostRecorder, *hostRecorder) {
	t.Helper()
	v2Srv, gaSrv := newHostRecorder(t, v2Answer), newHostRecorder(t, genAuthAnswer)
	cfg := enduser.Config{}
	if v2 {
		cfg.BaseURL, cfg.UserDomain, cfg.UserDomainSecret = v2Srv.srv.URL, testDomain, testSecret
	}
	if genAuth {
		cfg.GenAuth = enduser.GenAuthConfig{Host: gaSrv.srv.URL, AppID: testAppID, AppSecret: testAppSecret, AuthMethod: enduser.AuthClientSecretPost}
	}
	c, err := enduser.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, v2Srv, gaSrv
}

// everyCall runs every call that takes a token and returns the errors.
func everyCall(c *enduser.Client, tok *enduser.Token) map[string]error {
	errs := map[string]error{}
	cp := *tok
	_, errs["Refresh"] = c.Refresh(bg, &cp)
	cp = *tok
	_, errs["UserInfo"] = c.UserInfo(bg, &cp)
	cp = *tok
	_, errs["Introspect"] = c.Introspect(bg, &cp)
	cp = *tok
	cp.Expiry = time.Now().Add(-time.Hour) // expired: the source refreshes
	_, errs["TokenSource"] = c.TokenSource(&cp).Token(bg)
	cp = *tok
	errs["Logout"] = c.Logout(bg, &cp, "") // a device id is v2-only (TestLogoutGenAuthRefusesDeviceID)
	return errs
}

func TestGenAuthTokenReachesOnlyGenAuthHost(t *testing.T) {
	t.Parallel()
	c, v2Srv, gaSrv := twoHosts(t, true, true)
	for name, err := range everyCall(c, genAuthToken()) {
		assert.NoError(t, err, name)
	}
	v2Paths := v2Srv.seen()
	assert.Empty(t, v2Paths, "the v2 host saw nothing")
	gaPaths := gaSrv.seen()
	assert.Equal(t, []string{
		"POST /oidc/token", "GET /oidc/me", "POST /oidc/token/introspection", "POST /oidc/token",
		"POST /oidc/token/revocation", "POST /oidc/token/revocation",
	}, gaPaths)
}

func TestV2TokenReachesOnlyV2Host(t *testing.T) {
	t.Parallel()
	c, v2Srv, gaSrv := twoHosts(t, true, true)
	tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer V2-AT", TokenType: "Bearer", RefreshToken: "V2-RT"}
	errs := everyCall(c, tok)
	assert.ErrorIs(t, errs["Introspect"], enduser.ErrInvalidRequest, "v2 has no introspection")
	delete(errs, "Introspect")
	for name, err := range errs {
		assert.NoError(t, err, name)
	}
	gaPaths := gaSrv.seen()
	assert.Empty(t, gaPaths, "the GenAuth host saw nothing")
	v2Paths := v2Srv.seen()
	assert.Equal(t, []string{
		"PUT /v2/enduser/enduserapi/refreshToken", "GET /v2/enduser/enduserapi/userInfo",
		"PUT /v2/enduser/enduserapi/refreshToken", "DELETE /v2/enduser/enduserapi/userLogout",
	}, v2Paths)
}

// A token stored before Token.Family existed follows DESIGN.md's rule.
func TestTokenWithoutFamily(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		tok         enduser.Token
		v2, genAuth bool   // configured families
		want        string // "v2", "genauth" or "" (refused)
	}{
		{"Bearer access token", enduser.Token{AccessToken: "Bearer X", RefreshToken: "R", IDToken: "I"}, true, true, "v2"},
		{"lowercase bearer", enduser.Token{AccessToken: "bearer X", RefreshToken: "R"}, true, true, "v2"},
		{"id token", enduser.Token{AccessToken: "X", RefreshToken: "R", IDToken: "I"}, true, true, "genauth"},
		{"scope", enduser.Token{AccessToken: "X", RefreshToken: "R", Scope: "openid"}, true, true, "genauth"},
		{"bare, both configured", enduser.Token{AccessToken: "X", RefreshToken: "R"}, true, true, ""},
		{"bare, v2 only", enduser.Token{AccessToken: "X", RefreshToken: "R"}, true, false, "v2"},
		{"bare, GenAuth only", enduser.Token{AccessToken: "X", RefreshToken: "R"}, false, true, "genauth"},
		{"unknown family", enduser.Token{Family: "v3", AccessToken: "Bearer X", RefreshToken: "R"}, true, true, ""},
		{"explicit family wins", enduser.Token{Family: enduser.FamilyGenAuth, AccessToken: "Bearer X", RefreshToken: "R"}, true, true, "genauth"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, v2Srv, gaSrv := twoHosts(t, tc.v2, tc.genAuth)
			tok := tc.tok
			_, refreshErr := c.Refresh(bg, &tok)
			_, infoErr := c.UserInfo(bg, &tok)
			logoutErr := c.Logout(bg, &tok, "")
			v2Paths := v2Srv.seen()
			gaPaths := gaSrv.seen()
			switch tc.want {
			case "v2":
				require.NoError(t, refreshErr)
				assert.NoError(t, infoErr)
				assert.NoError(t, logoutErr)
				assert.Len(t, v2Paths, 3)
				assert.Empty(t, gaPaths)
			case "genauth":
				require.NoError(t, refreshErr)
				assert.NoError(t, infoErr)
				assert.NoError(t, logoutErr)
				assert.Empty(t, v2Paths)
				assert.Len(t, gaPaths, 4)
			default:
				for _, err := range []error{refreshErr, infoErr, logoutErr} {
					assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
				}
				assert.Empty(t, v2Paths, "refused before sending")
				assert.Empty(t, gaPaths, "refused before sending")
			}
		})
	}
}

// A token never reaches a host of the other family, even when only the
// other family is configured, nor when its family is unknown or it is nil
// or empty: every call (the sources included) refuses it before sending.
func TestTokenNeverReachesTheOtherFamilysHost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		tok         *enduser.Token
		v2, genAuth bool
	}{
		{"GenAuth token, v2 only", genAuthToken(), true, false},
		{"v2 token, GenAuth only", &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer V2-AT", RefreshToken: "V2-RT"}, false, true},
		{"legacy v2 token, GenAuth only", &enduser.Token{AccessToken: "Bearer V2-AT", RefreshToken: "V2-RT", IDToken: "I"}, false, true},
		{"legacy GenAuth token, v2 only", &enduser.Token{AccessToken: "GA-AT", RefreshToken: "GA-RT", Scope: "openid"}, true, false},
		{"unknown family", &enduser.Token{Family: "GenAuth", AccessToken: "GA-AT", RefreshToken: "GA-RT", Scope: "openid"}, true, true},
		{"empty family string of spaces", &enduser.Token{Family: " v2", AccessToken: "Bearer V2-AT", RefreshToken: "V2-RT"}, true, true},
		{"empty token", &enduser.Token{}, true, true},
		{"nil token", nil, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, v2Srv, gaSrv := twoHosts(t, tc.v2, tc.genAuth)
			errs := map[string]error{}
			if tc.tok != nil {
				errs = everyCall(c, tc.tok)
				store := enduser.NewMemoryStore()
				cp := *tc.tok
				cp.Expiry = time.Now().Add(-time.Hour)
				require.NoError(t, store.Store(bg, "s", &cp))
				_, errs["SharedTokenSource"] = c.SharedTokenSource(store, "s").Token(bg)
				_, errs["ForceRefresh"] = c.TokenSource(tc.tok).ForceRefresh(bg, tc.tok)
			} else {
				_, errs["Refresh"] = c.Refresh(bg, nil)
				_, errs["UserInfo"] = c.UserInfo(bg, nil)
				_, errs["Introspect"] = c.Introspect(bg, nil)
				errs["Logout"] = c.Logout(bg, nil, "")
				_, errs["TokenSource"] = c.TokenSource(nil).Token(bg)
				_, errs["ForceRefresh"] = c.TokenSource(nil).ForceRefresh(bg, nil)
			}
			for name, err := range errs {
				assert.Error(t, err, name)
			}
			assert.Empty(t, v2Srv.seen(), "the v2 host saw nothing")
			assert.Empty(t, gaSrv.seen(), "the GenAuth host saw nothing")
		})
	}
}
