package enduser_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// Secrets of a GenAuth session, markers the leak checks grep for.
const (
	gaAccess  = "GA-ACCESS-9f8e7d6c5b4a"
	gaRefresh = "GA-REFRESH-0a1b2c3d4e5f"
	gaIDToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"
)

func oidcURL(path string) string { return testGenHost + "/oidc/" + path }

func genAuthToken() *enduser.Token {
	return &enduser.Token{
		Family: enduser.FamilyGenAuth, AccessToken: gaAccess, TokenType: "Bearer", RefreshToken: gaRefresh,
		RefreshExpiry: time.Date(2036, 3, 1, 0, 0, 0, 0, time.UTC), IDToken: gaIDToken, Scope: "openid profile offline_access",
	}
}

// authMethods is every client authentication method, with what it adds to
// a form and the Authorization header it sends.
var authMethods = []struct {
	name   enduser.ClientAuthMethod
	form   map[string][]string
	header string
}{
	{enduser.AuthNone, map[string][]string{"client_id": {testAppID}}, ""},
	{enduser.AuthClientSecretPost, map[string][]string{"client_id": {testAppID}, "client_secret": {testAppSecret}}, ""},
	{enduser.AuthClientSecretBasic, map[string][]string{}, "Basic " + base64.StdEncoding.EncodeToString([]byte(testAppID+":"+testAppSecret))},
}

func genAuthConfig(m enduser.ClientAuthMethod) enduser.Config {
	cfg := testConfig()
	cfg.GenAuth.AuthMethod = m
	return cfg
}

// withAuth merges a method's client authentication into the expected form.
func withAuth(form, auth map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range form {
		out[k] = v
	}
	for k, v := range auth {
		out[k] = v
	}
	return out
}

// assertFormPost checks a form POST to the OIDC endpoint path.
func assertFormPost(t *testing.T, got seen, path string, form map[string][]string, authHeader string) {
	t.Helper()
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/oidc/"+path, got.URL.Path)
	assert.Empty(t, got.URL.RawQuery, "nothing in the URL")
	assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
	assert.Equal(t, authHeader, got.Header.Get("Authorization"))
	assert.Empty(t, got.Header.Get("x-authing-app-id"))
	body, err := urlParse(got.Body)
	require.NoError(t, err)
	assert.Equal(t, form, body)
}

func urlParse(b []byte) (map[string][]string, error) {
	v, err := url.ParseQuery(string(b))
	return map[string][]string(v), err
}

func TestRefreshGenAuthWire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, m := range authMethods {
		t.Run(m.name.String(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, genAuthConfig(m.name), enduser.WithClock(func() time.Time { return now }))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, oidcURL("token"), rec.responder(200, []byte(
				`{"access_token":"AT-2","id_token":"ID-2","refresh_token":"RT-2","expires_in":1209600,"token_type":"Bearer","scope":"openid offline_access"}`)))

			tok, err := c.Refresh(bg, genAuthToken())
			require.NoError(t, err)
			assert.Equal(t, &enduser.Token{
				Family: enduser.FamilyGenAuth, AccessToken: "AT-2", TokenType: "Bearer", Expiry: now.Add(1209600 * time.Second),
				RefreshToken: "RT-2", IDToken: "ID-2", Scope: "openid offline_access",
			}, tok, "a new refresh token's expiry is unknown")
			require.Len(t, rec.reqs, 1)
			assertFormPost(t, rec.last(t), "token", withAuth(map[string][]string{
				"grant_type": {"refresh_token"}, "refresh_token": {gaRefresh},
			}, m.form), m.header)
		})
	}
}

func TestRefreshGenAuthKeepsOldRefreshToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, mt := newTestClient(t, testConfig(), enduser.WithClock(func() time.Time { return now }))
	mt.RegisterResponder(http.MethodPost, oidcURL("token"), httpmock.NewStringResponder(200, `{"access_token":"AT-2","expires_in":"3600","token_type":"Bearer"}`))

	old := genAuthToken()
	tok, err := c.Refresh(bg, old)
	require.NoError(t, err)
	assert.Equal(t, "AT-2", tok.AccessToken)
	assert.Equal(t, now.Add(time.Hour), tok.Expiry)
	assert.Equal(t, old.RefreshToken, tok.RefreshToken, "RFC 6749 section 6: no new refresh token, the old one stays")
	assert.Equal(t, old.RefreshExpiry, tok.RefreshExpiry)
	assert.Equal(t, old.IDToken, tok.IDToken)
	assert.Equal(t, old.Scope, tok.Scope)
	assert.Equal(t, enduser.FamilyGenAuth, tok.Family)
}

func TestRefreshGenAuthErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		status     int
		body       string
		oauth      string
		dead       bool
		unexpected bool
	}{
		{"invalid_grant 400", 400, `{"error":"invalid_grant","error_description":"refresh token ` + gaRefresh + ` is expired"}`, "invalid_grant", true, false},
		{"invalid_grant 401", 401, `{"error":"invalid_grant"}`, "invalid_grant", true, false},
		{"invalid_client", 401, `{"error":"invalid_client","error_description":"bad secret"}`, "invalid_client", false, false},
		{"error in a 200", 200, `{"error":"invalid_grant"}`, "invalid_grant", true, false},
		{"success without access token", 200, `{"token_type":"Bearer"}`, "", false, true},
		{"negative lifetime", 200, `{"access_token":"a","expires_in":-5}`, "", false, true},
		{"gateway html", 502, `<html>bad gateway</html>`, "", false, true},
		{"empty 400", 400, ``, "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &logBuffer{}
			c, mt := newTestClient(t, genAuthConfig(enduser.AuthClientSecretPost), enduser.WithLogger(logs.Logger()))
			mt.RegisterResponder(http.MethodPost, oidcURL("token"), httpmock.NewStringResponder(tc.status, tc.body))
			_, err := c.Refresh(bg, genAuthToken())
			require.Error(t, err)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a refresh is never sent twice")
			assert.Equal(t, tc.dead, errors.Is(err, enduser.ErrTokenInvalid), "ErrTokenInvalid")
			assert.Equal(t, tc.unexpected, errors.Is(err, enduser.ErrUnexpectedResponse))
			if tc.oauth != "" {
				var ae *enduser.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.oauth, ae.OAuthError)
				assert.Equal(t, enduser.OpOIDCToken, ae.Op)
				assert.Equal(t, tc.status, ae.HTTPStatus)
				assert.Contains(t, err.Error(), tc.oauth)
			}
			for _, out := range []string{err.Error(), logs.String()} {
				assert.NotContains(t, out, gaRefresh)
				assert.NotContains(t, out, testAppSecret)
			}
		})
	}
}

func TestRefreshValidation(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	_, err := c.Refresh(bg, nil)
	assert.ErrorIs(t, err, enduser.ErrRefreshTokenRequired)
	gen := genAuthToken()
	gen.RefreshToken = ""
	_, err = c.Refresh(bg, gen)
	assert.ErrorIs(t, err, enduser.ErrRefreshTokenRequired)
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
	_, err = c.Refresh(bg, &enduser.Token{Family: "v3", RefreshToken: "rt"})
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.Equal(t, 0, mt.GetTotalCallCount())

	v2Only := testConfig()
	v2Only.GenAuth = enduser.GenAuthConfig{}
	c2, mt2 := newTestClient(t, v2Only)
	_, err = c2.Refresh(bg, genAuthToken())
	assert.ErrorIs(t, err, enduser.ErrNotConfigured)
	assert.Equal(t, 0, mt2.GetTotalCallCount())
}

func TestUserInfoGenAuthWire(t *testing.T) {
	t.Parallel()
	for _, m := range authMethods {
		t.Run(m.name.String(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, genAuthConfig(m.name))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodGet, oidcURL("me"), rec.responder(200, []byte(`{"sub":"u-42","name":"Ada L","nickname":"Ada",`+
				`"picture":"https://cdn.example.com/a.png","email":"ada@example.com","email_verified":true,`+
				`"phone_number":"+8613800138000","phone_number_verified":false,"custom":{"tier":"gold"}}`)))

			info, err := c.UserInfo(bg, genAuthToken())
			require.NoError(t, err)
			assert.Equal(t, "u-42", info.UID)
			assert.Equal(t, "Ada", info.Nickname)
			assert.Equal(t, "+8613800138000", info.Phone)
			assert.Equal(t, "ada@example.com", info.Email)
			assert.Equal(t, "https://cdn.example.com/a.png", info.HeadImg)
			var claims struct {
				Name          string `json:"name"`
				EmailVerified bool   `json:"email_verified"`
				Custom        struct {
					Tier string `json:"tier"`
				} `json:"custom"`
			}
			require.NoError(t, info.Claims(&claims))
			assert.Equal(t, "Ada L", claims.Name)
			assert.True(t, claims.EmailVerified)
			assert.Equal(t, "gold", claims.Custom.Tier)

			got := rec.last(t)
			assert.Equal(t, http.MethodGet, got.Method)
			assert.Equal(t, "/oidc/me", got.URL.Path)
			assert.Empty(t, got.URL.RawQuery)
			assert.Empty(t, got.Body)
			assert.Equal(t, "Bearer "+gaAccess, got.Header.Get("Authorization"), "the user's token, never client credentials")
		})
	}
}

func TestUserInfoGenAuthErrors(t *testing.T) {
	t.Parallel()
	t.Run("invalid_token in the challenge", func(t *testing.T) {
		t.Parallel()
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodGet, oidcURL("me"), (&recorder{}).responder(401, nil, "WWW-Authenticate", `Bearer realm="oidc", error="invalid_token", error_description="expired"`))
		_, err := c.UserInfo(bg, genAuthToken())
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
		var ae *enduser.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "invalid_token", ae.OAuthError)
	})
	t.Run("no sub", func(t *testing.T) {
		t.Parallel()
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodGet, oidcURL("me"), httpmock.NewStringResponder(200, `{"email":"a@b.c"}`))
		_, err := c.UserInfo(bg, genAuthToken())
		assert.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
	})
	t.Run("GenAuth envelope failure", func(t *testing.T) {
		t.Parallel()
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodGet, oidcURL("me"), httpmock.NewStringResponder(403, `{"statusCode":403,"message":"forbidden","apiCode":2011}`))
		_, err := c.UserInfo(bg, genAuthToken())
		assert.ErrorIs(t, err, enduser.ErrGenAuthAppNotFound)
	})
	t.Run("v2 profile has no claims", func(t *testing.T) {
		t.Parallel()
		var v map[string]any
		assert.Error(t, (&enduser.UserInfo{UID: "1"}).Claims(&v))
	})
}

func TestLogoutGenAuthWire(t *testing.T) {
	t.Parallel()
	for _, m := range authMethods {
		t.Run(m.name.String(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, genAuthConfig(m.name))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, oidcURL("token/revocation"), rec.responder(200, nil))

			require.NoError(t, c.Logout(bg, genAuthToken(), ""))
			require.Len(t, rec.reqs, 2)
			assertFormPost(t, rec.reqs[0], "token/revocation", withAuth(map[string][]string{
				"token": {gaRefresh}, "token_type_hint": {"refresh_token"},
			}, m.form), m.header)
			assertFormPost(t, rec.reqs[1], "token/revocation", withAuth(map[string][]string{
				"token": {gaAccess}, "token_type_hint": {"access_token"},
			}, m.form), m.header)
		})
	}
}

func TestLogoutGenAuthErrors(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	calls := 0
	mt.RegisterResponder(http.MethodPost, oidcURL("token/revocation"), func(*http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return httpmock.NewStringResponse(400, `{"error":"unsupported_token_type"}`), nil
		}
		return httpmock.NewStringResponse(200, ``), nil
	})
	err := c.Logout(bg, genAuthToken(), "")
	var ae *enduser.APIError
	require.ErrorAs(t, err, &ae, "the refresh token's revocation failed")
	assert.Equal(t, "unsupported_token_type", ae.OAuthError)
	assert.Equal(t, 2, calls, "the access token is revoked even so")

	c2, mt2 := newTestClient(t, testConfig())
	assert.ErrorIs(t, c2.Logout(bg, &enduser.Token{Family: enduser.FamilyGenAuth}, ""), enduser.ErrTokenRequired)
	assert.Equal(t, 0, mt2.GetTotalCallCount())
}

func TestIntrospectWire(t *testing.T) {
	t.Parallel()
	for _, m := range authMethods {
		t.Run(m.name.String(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, genAuthConfig(m.name))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, oidcURL("token/introspection"), rec.responder(200, []byte(
				`{"active":true,"sub":"u-42","client_id":"`+testAppID+`","scope":"openid profile","token_type":"Bearer","exp":1767229200,"iat":1767225600,"aud":"x"}`)))

			in, err := c.Introspect(bg, genAuthToken())
			require.NoError(t, err)
			assert.True(t, in.Active)
			assert.Equal(t, "u-42", in.Subject)
			assert.Equal(t, testAppID, in.ClientID)
			assert.Equal(t, "openid profile", in.Scope)
			assert.Equal(t, "Bearer", in.TokenType)
			assert.Equal(t, time.Unix(1767229200, 0), in.Expiry)
			assert.Equal(t, time.Unix(1767225600, 0), in.IssuedAt)
			var extra struct {
				Aud string `json:"aud"`
			}
			require.NoError(t, in.Claims(&extra))
			assert.Equal(t, "x", extra.Aud)
			assertFormPost(t, rec.last(t), "token/introspection", withAuth(map[string][]string{
				"token": {gaAccess}, "token_type_hint": {"access_token"},
			}, m.form), m.header)
		})
	}
}

func TestIntrospectInactiveAndRefusals(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, oidcURL("token/introspection"), httpmock.NewStringResponder(200, `{"active":false}`))
	in, err := c.Introspect(bg, &enduser.Token{Family: enduser.FamilyGenAuth, RefreshToken: gaRefresh})
	require.NoError(t, err)
	assert.False(t, in.Active)
	assert.Equal(t, 1, mt.GetTotalCallCount())

	_, err = c.Introspect(bg, v2Token)
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest, "v2 has no introspection")
	_, err = c.Introspect(bg, &enduser.Token{Family: enduser.FamilyGenAuth})
	assert.ErrorIs(t, err, enduser.ErrTokenRequired)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// A 503 may come from a gateway that forwarded the request: a refresh
// (rotating refresh token) is never sent again; reads and revocations,
// which may be repeated, are retried. A 429 is retried for every call.
func TestOIDCRetryRules(t *testing.T) {
	t.Parallel()
	fast := enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	cases := []struct {
		name, method, path string
		status, wantCalls  int
		run                func(c *enduser.Client) error
	}{
		{"refresh 503", http.MethodPost, "token", 503, 1, func(c *enduser.Client) error { _, err := c.Refresh(bg, genAuthToken()); return err }},
		{"refresh 429", http.MethodPost, "token", 429, 2, func(c *enduser.Client) error { _, err := c.Refresh(bg, genAuthToken()); return err }},
		{"user info 503", http.MethodGet, "me", 503, 2, func(c *enduser.Client) error { _, err := c.UserInfo(bg, genAuthToken()); return err }},
		{"introspection 503", http.MethodPost, "token/introspection", 503, 2, func(c *enduser.Client) error { _, err := c.Introspect(bg, genAuthToken()); return err }},
		{"revocation 503", http.MethodPost, "token/revocation", 503, 3, func(c *enduser.Client) error { return c.Logout(bg, genAuthToken(), "") }},
	}
	ok := map[string]string{
		"token": `{"access_token":"AT-2","expires_in":60}`, "me": `{"sub":"u"}`,
		"token/introspection": `{"active":true}`, "token/revocation": ``,
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig(), fast)
			var mu sync.Mutex
			calls := 0
			mt.RegisterResponder(tc.method, oidcURL(tc.path), func(*http.Request) (*http.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == 1 {
					return httpmock.NewStringResponse(tc.status, `{"error":"temporarily_unavailable"}`), nil
				}
				return httpmock.NewStringResponse(200, ok[tc.path]), nil
			})
			err := tc.run(c)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tc.wantCalls, calls)
			if tc.wantCalls == 1 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// A hostile server echoes the token in its profile or introspection
// answer: printing or logging the result (any verb, slog) never shows it.
// Claims, asked for explicitly, still has every member.
func TestGenAuthResultsNeverPrintEchoedTokens(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	echo := `"access_token":"` + gaAccess + `","refresh_token":"` + gaRefresh + `"`
	mt.RegisterResponder(http.MethodGet, oidcURL("me"), httpmock.NewStringResponder(200, `{"sub":"u-42",`+echo+`}`))
	mt.RegisterResponder(http.MethodPost, oidcURL("token/introspection"), httpmock.NewStringResponder(200, `{"active":true,"sub":"u-42",`+echo+`}`))
	info, err := c.UserInfo(bg, genAuthToken())
	require.NoError(t, err)
	in, err := c.Introspect(bg, genAuthToken())
	require.NoError(t, err)

	for name, v := range map[string]any{"UserInfo": info, "Introspection": in} {
		var logged bytes.Buffer
		slog.New(slog.NewTextHandler(&logged, nil)).Info("result", "v", v)
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("result", "v", v)
		text := logged.String()
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			text += fmt.Sprintf(verb, v) + fmt.Sprintf(verb, reflect.ValueOf(v).Elem().Interface())
		}
		for _, secret := range []string{gaAccess, gaRefresh, hex.EncodeToString([]byte(gaAccess)), hex.EncodeToString([]byte(gaRefresh))} {
			assert.NotContains(t, text, secret, name)
		}
		asBytes := fmt.Sprint([]byte(gaAccess)) //nolint:staticcheck // QF1010: the bytes as fmt prints a []byte field
		assert.NotContains(t, text, asBytes[1:20], "%s: the raw answer is not printed as bytes either", name)
		var claims map[string]any
		require.NoError(t, v.(interface{ Claims(any) error }).Claims(&claims))
		assert.Equal(t, gaAccess, claims["access_token"], "%s: Claims still has every member", name)
	}
}

// Whatever a server echoes back of what it was sent, no token and no
// client secret reaches an error or a log line of the OIDC calls.
func TestOIDCErrorsNeverEchoSecrets(t *testing.T) {
	t.Parallel()
	basic := base64.StdEncoding.EncodeToString([]byte(testAppID + ":" + testAppSecret))
	calls := map[string]struct {
		method, path string
		clientAuth   bool // the call authenticates the client (else the user's bearer token)
		run          func(c *enduser.Client) error
	}{
		"refresh":    {http.MethodPost, "token", true, func(c *enduser.Client) error { _, err := c.Refresh(bg, genAuthToken()); return err }},
		"user info":  {http.MethodGet, "me", false, func(c *enduser.Client) error { _, err := c.UserInfo(bg, genAuthToken()); return err }},
		"introspect": {http.MethodPost, "token/introspection", true, func(c *enduser.Client) error { _, err := c.Introspect(bg, genAuthToken()); return err }},
		"logout":     {http.MethodPost, "token/revocation", true, func(c *enduser.Client) error { return c.Logout(bg, genAuthToken(), "") }},
	}
	for callName, call := range calls {
		for _, m := range authMethods {
			secrets := []string{gaAccess, gaRefresh}
			if call.clientAuth && m.name != enduser.AuthNone {
				secrets = append(secrets, testAppSecret)
			}
			if call.clientAuth && m.name == enduser.AuthClientSecretBasic {
				secrets = append(secrets, basic)
			}
			echo := strings.Join(secrets, " ")
			bodies := map[string]struct {
				status int
				body   string
			}{
				"oauth error":      {400, `{"error":"invalid_request","error_description":"got ` + echo + `"}`},
				"gateway html":     {502, `<html>` + echo + `</html>`},
				"genauth envelope": {403, `{"statusCode":403,"message":"` + echo + `","apiCode":2011}`},
			}
			for bodyName, b := range bodies {
				t.Run(callName+"/"+bodyName+"/"+m.name.String(), func(t *testing.T) {
					t.Parallel()
					logs := &logBuffer{}
					c, mt := newTestClient(t, genAuthConfig(m.name), enduser.WithLogger(logs.Logger()),
						enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
					mt.RegisterResponder(call.method, oidcURL(call.path), httpmock.NewStringResponder(b.status, b.body))
					err := call.run(c)
					require.Error(t, err)
					for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
						for _, secret := range secrets {
							assert.NotContains(t, out, secret)
						}
					}
				})
			}
		}
	}
}

// oidcEndpoints calls each OIDC endpoint with client authentication once
// for a fresh session's token.
var oidcEndpoints = []struct {
	op   string
	call func(c *enduser.Client, t *enduser.Token) error
}{
	{enduser.OpOIDCToken, func(c *enduser.Client, t *enduser.Token) error { _, err := c.Refresh(bg, t); return err }},
	{enduser.OpOIDCIntrospection, func(c *enduser.Client, t *enduser.Token) error { _, err := c.Introspect(bg, t); return err }},
	{enduser.OpOIDCRevocation, func(c *enduser.Client, t *enduser.Token) error { return c.Logout(bg, t, "") }},
}

// TestPerEndpointClientAuthAgainstEmulator: for each OIDC endpoint and each
// method, an app that demands that method there and another one for its
// sign-in is served by a client configured so; a client with the app's one
// method is refused (invalid_client, ClassMisconfigured) at that endpoint.
func TestPerEndpointClientAuthAgainstEmulator(t *testing.T) {
	t.Parallel()
	for _, ep := range oidcEndpoints {
		for m := enduser.AuthNone; m <= enduser.AuthClientSecretBasic; m++ {
			appMethod := (m + 1) % (enduser.AuthClientSecretBasic + 1)
			t.Run(ep.op+"/"+m.String(), func(t *testing.T) {
				t.Parallel()
				srv := endusertest.NewServer(t,
					endusertest.WithGenAuthApp(endusertest.DefaultAppID, endusertest.DefaultAppSecret, appMethod),
					endusertest.WithEndpointAuthMethod(ep.op, m))
				for _, perEndpoint := range []bool{true, false} {
					cfg := srv.Config()
					if !perEndpoint {
						cfg.GenAuth.TokenEndpointAuthMethod, cfg.GenAuth.IntrospectionEndpointAuthMethod, cfg.GenAuth.RevocationEndpointAuthMethod = "", "", ""
					}
					c, err := enduser.NewClient(cfg)
					require.NoError(t, err)
					tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x",
						Payload: enduser.WechatPayload{Code: fmt.Sprint("c-", perEndpoint)}, Options: &enduser.MobileSignInOptions{Scope: "openid offline_access"}})
					require.NoError(t, err, "the sign-in uses the app's method")
					err = ep.call(c, tok)
					if perEndpoint {
						assert.NoError(t, err)
					} else {
						var apiErr *enduser.APIError
						require.ErrorAs(t, err, &apiErr)
						assert.Equal(t, "invalid_client", apiErr.OAuthError)
						assert.Equal(t, enduser.ClassMisconfigured, enduser.Class(err))
					}
					c.CloseIdleConnections()
				}
				assert.GreaterOrEqual(t, srv.Count(ep.op), 2, "both clients reached the endpoint")
			})
		}
	}
}

func TestPerEndpointClientAuthConfig(t *testing.T) {
	t.Parallel()
	cfg := genAuthConfig(enduser.AuthNone)
	cfg.GenAuth.RevocationEndpointAuthMethod = "client_secret_jwt"
	_, err := enduser.NewClient(cfg)
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "RevocationEndpointAuthMethod")

	cfg = genAuthConfig(enduser.AuthNone)
	cfg.GenAuth.AppSecret = ""
	cfg.GenAuth.IntrospectionEndpointAuthMethod = "client_secret_basic"
	_, err = enduser.NewClient(cfg)
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "AppSecret")

	cfg.GenAuth.IntrospectionEndpointAuthMethod = "none"
	_, err = enduser.NewClient(cfg)
	require.NoError(t, err)
}

// TestLogoutGenAuthRefusesDeviceID: GenAuth has no device to log out, so a
// device id is the caller's mistake, refused before anything is sent (the
// mock fails the test on any request), never silently dropped.
func TestLogoutGenAuthRefusesDeviceID(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, genAuthConfig(enduser.AuthClientSecretPost))
	err := c.Logout(bg, genAuthToken(), "device-1")
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.Equal(t, enduser.ClassInvalidRequest, enduser.Class(err))
	assert.Contains(t, err.Error(), "deviceID")
	assert.Zero(t, mt.GetTotalCallCount())
}
