package endusertest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

var methods = []enduser.ClientAuthMethod{enduser.AuthNone, enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic}

func newFakeClock() *endusertest.Clock { return endusertest.NewClock(time.Unix(1_800_000_000, 0)) }

// answer is a decoded HTTP answer.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (a answer) str(key string) string { s, _ := a.body[key].(string); return s }

// do sends a request and decodes a JSON answer (if any).
func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if a.raw != "" {
		require.NoError(t, json.Unmarshal([]byte(a.raw), &a.body), a.raw)
	}
	return a
}

// oidcPost posts a form to an OIDC endpoint with the client authentication
// of the server's app.
func oidcPost(t *testing.T, srv *endusertest.Server, path string, form url.Values) answer {
	t.Helper()
	cfg := srv.Config().GenAuth
	form = cloneForm(form)
	var basic string
	switch cfg.AuthMethod {
	case enduser.AuthNone:
		form.Set("client_id", cfg.AppID)
	case enduser.AuthClientSecretPost:
		form.Set("client_id", cfg.AppID)
		form.Set("client_secret", cfg.AppSecret)
	case enduser.AuthClientSecretBasic:
		basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.AppID+":"+cfg.AppSecret))
	}
	return rawPost(t, srv, path, form, basic)
}

func rawPost(t *testing.T, srv *endusertest.Server, path string, form url.Values, authorization string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return do(t, req)
}

func cloneForm(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

func get(t *testing.T, srv *endusertest.Server, path, authorization string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, http.NoBody)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return do(t, req)
}

// genAuthLogin signs in with a fresh code and offline_access.
func genAuthLogin(t *testing.T, c *enduser.Client, code string) *enduser.Token {
	t.Helper()
	tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "conn-1", Payload: enduser.WechatPayload{Code: code},
		Options: &enduser.MobileSignInOptions{Scope: "openid profile email offline_access"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, tok.RefreshToken)
	return tok
}

// verifyIDToken checks raw against the emulator's JWKS and returns its
// claims and key id.
func verifyIDToken(t *testing.T, srv *endusertest.Server, raw string) (map[string]any, string) {
	t.Helper()
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	kid := jws.Signatures[0].Header.KeyID
	require.NotEmpty(t, kid, "the id token names its key")
	keys := get(t, srv, "/oidc/.well-known/jwks.json", "")
	require.Equal(t, 200, keys.status)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal([]byte(keys.raw), &set))
	found := set.Key(kid)
	require.Len(t, found, 1, "the JWKS serves the key")
	assert.True(t, found[0].IsPublic(), "the JWKS serves public keys only")
	payload, err := jws.Verify(found[0])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	return claims, kid
}

func TestOIDCRefreshRotatesUnderEveryClientAuthMethod(t *testing.T) {
	t.Parallel()
	for _, method := range methods {
		t.Run(method.String(), func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			srv := endusertest.NewServer(t, endusertest.WithGenAuthApp("app-7", "secret-7", method), endusertest.WithClock(clk.Now))
			c := newClient(t, srv.Config())
			tok := genAuthLogin(t, c, "code-"+method.String())

			clk.Advance(time.Minute)
			a := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
			require.Equal(t, 200, a.status, a.raw)
			assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
			assert.NotEqual(t, tok.AccessToken, a.str("access_token"))
			assert.NotEqual(t, tok.RefreshToken, a.str("refresh_token"), "refresh tokens rotate")
			assert.NotEmpty(t, a.str("refresh_token"))
			assert.Equal(t, "Bearer", a.str("token_type"))
			assert.Equal(t, "openid profile email offline_access", a.str("scope"))
			assert.InDelta(t, 7200, a.body["expires_in"], 0)
			_, hasEnvelope := a.body["statusCode"]
			assert.False(t, hasEnvelope, "a plain OAuth answer, no envelope")

			claims, _ := verifyIDToken(t, srv, a.str("id_token"))
			assert.Equal(t, srv.URL()+"/oidc", claims["iss"])
			assert.Equal(t, "app-7", claims["aud"])
			assert.InDelta(t, clk.Now().Unix(), claims["iat"], 0)
			assert.InDelta(t, clk.Now().Add(2*time.Hour).Unix(), claims["exp"], 0)
			first, _ := verifyIDToken(t, srv, tok.IDToken)
			assert.Equal(t, first["sub"], claims["sub"], "the same user after a refresh")

			again := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
			assert.Equal(t, 400, again.status)
			assert.Equal(t, "invalid_grant", again.str("error"))
			assert.Contains(t, again.str("error_description"), "already used")
			assert.NotContains(t, again.raw, tok.RefreshToken, "the answer never echoes the token")

			clk.Advance(31 * 24 * time.Hour)
			expired := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a.str("refresh_token")}})
			assert.Equal(t, "invalid_grant", expired.str("error"))
			assert.Contains(t, expired.str("error_description"), "expired")
			assert.Equal(t, 3, srv.Count(enduser.OpOIDCToken))
		})
	}
}

func TestOIDCClientAuthenticationFailures(t *testing.T) {
	t.Parallel()
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	tests := []struct {
		name   string
		method enduser.ClientAuthMethod
		form   url.Values
		auth   string
		want   string
	}{
		{"none without client_id", enduser.AuthNone, url.Values{}, "", "client_id"},
		{"none with a wrong client_id", enduser.AuthNone, url.Values{"client_id": {"other"}}, "", "client_id"},
		{"none with the secret", enduser.AuthNone, url.Values{"client_id": {"app-1"}, "client_secret": {"s-1"}}, "", "must not carry client_secret"},
		{"post without secret", enduser.AuthClientSecretPost, url.Values{"client_id": {"app-1"}}, "", "client_secret"},
		{"post with a wrong secret", enduser.AuthClientSecretPost, url.Values{"client_id": {"app-1"}, "client_secret": {"nope"}}, "", "client_secret"},
		{"post with Basic too", enduser.AuthClientSecretPost, url.Values{"client_id": {"app-1"}, "client_secret": {"s-1"}}, basic("app-1", "s-1"), "Basic"},
		{"basic without header", enduser.AuthClientSecretBasic, url.Values{}, "", "no Basic"},
		{"basic with a wrong secret", enduser.AuthClientSecretBasic, url.Values{}, basic("app-1", "nope"), "base64"},
		{"basic with the secret in the form", enduser.AuthClientSecretBasic, url.Values{"client_secret": {"s-1"}}, basic("app-1", "s-1"), "client_secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t, endusertest.WithGenAuthApp("app-1", "s-1", tt.method))
			for _, path := range []string{"/oidc/token", "/oidc/token/revocation", "/oidc/token/introspection"} {
				form := cloneForm(tt.form)
				form.Set("grant_type", "refresh_token")
				form.Set("refresh_token", "rt")
				form.Set("token", "rt")
				a := rawPost(t, srv, path, form, tt.auth)
				assert.Equal(t, 401, a.status, path)
				assert.Equal(t, "invalid_client", a.str("error"), path)
				assert.Contains(t, a.str("error_description"), tt.want, path)
				assert.NotContains(t, a.raw, "s-1", "the answer never echoes the secret")
			}
		})
	}
}

func TestOIDCTokenRequestErrors(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	a := oidcPost(t, srv, "/oidc/token", url.Values{"refresh_token": {"x"}})
	assert.Equal(t, 400, a.status)
	assert.Equal(t, "invalid_request", a.str("error"))
	a = oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}})
	assert.Equal(t, "unsupported_grant_type", a.str("error"))
	a = oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}})
	assert.Equal(t, "invalid_request", a.str("error"))
	a = oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"never-issued"}})
	assert.Equal(t, "invalid_grant", a.str("error"))
	assert.Contains(t, a.str("error_description"), "unknown")

	// A v2 refresh token is not a GenAuth one.
	c := newClient(t, srv.Config())
	v2, err := logins[enduser.OpAppleLogin](c, "cross")
	require.NoError(t, err)
	a = oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {v2.RefreshToken}})
	assert.Equal(t, "invalid_grant", a.str("error"))
	assert.Contains(t, a.str("error_description"), "other API family")
	a = get(t, srv, "/oidc/me", v2.AccessToken)
	assert.Equal(t, 401, a.status, "a v2 access token does not work on /oidc/me")

	// JSON is not a form.
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/oidc/token", strings.NewReader(`{"grant_type":"refresh_token"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, "invalid_request", do(t, req).str("error"))
}

func TestOIDCWithoutRotationKeepsTheRefreshToken(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t, endusertest.WithRefreshRotation(false))
	tok := genAuthLogin(t, newClient(t, srv.Config()), "c")
	for range 2 {
		a := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
		require.Equal(t, 200, a.status, a.raw)
		_, has := a.body["refresh_token"]
		assert.False(t, has, "no new refresh token: the old one stays")
	}
}

func TestOIDCUserInfoSeededProfile(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	uid := srv.SeedUser(endusertest.Profile{
		Nickname: "Ada", Name: "Ada Lovelace", Email: "ada@example.com", EmailVerified: true,
		Phone: "+44 20 0000", Picture: "https://example.com/ada.png", Claims: map[string]any{"locale": "en-GB"},
	}, "ada-code", "ada-identity-token")
	c := newClient(t, srv.Config())
	tok := genAuthLogin(t, c, "ada-code")

	a := get(t, srv, "/oidc/me", "Bearer "+tok.AccessToken)
	require.Equal(t, 200, a.status, a.raw)
	assert.Equal(t, uid, a.str("sub"))
	assert.Equal(t, "Ada Lovelace", a.str("name"))
	assert.Equal(t, "Ada", a.str("nickname"))
	assert.Equal(t, "ada@example.com", a.str("email"))
	assert.Equal(t, true, a.body["email_verified"])
	assert.Equal(t, "+44 20 0000", a.str("phone_number"))
	assert.Equal(t, "https://example.com/ada.png", a.str("picture"))
	assert.Equal(t, "en-GB", a.str("locale"))
	claims, _ := verifyIDToken(t, srv, tok.IDToken)
	assert.Equal(t, uid, claims["sub"], "the id token's sub is the user id")
	assert.Equal(t, "ada@example.com", claims["email"], "email scope puts the email in the id token")

	// POST works too (Authing's Go SDK uses it).
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/oidc/me", http.NoBody)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	assert.Equal(t, uid, do(t, req).str("sub"))

	// The same seeded user through the v2 family.
	v2, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "ada-identity-token"})
	require.NoError(t, err)
	info, err := c.UserInfo(bg, v2)
	require.NoError(t, err)
	assert.Equal(t, uid, info.UID)
	assert.Equal(t, "Ada", info.Nickname)
	assert.Equal(t, "ada@example.com", info.Email)

	none := get(t, srv, "/oidc/me", "")
	assert.Equal(t, 401, none.status)
	assert.Contains(t, none.header.Get("WWW-Authenticate"), `error="invalid_token"`)
}

func TestOIDCRevocationEndsTheSessionEverywhere(t *testing.T) {
	t.Parallel()
	for _, method := range methods {
		t.Run(method.String(), func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t, endusertest.WithGenAuthApp("app-r", "secret-r", method))
			tok := genAuthLogin(t, newClient(t, srv.Config()), "c")

			in := oidcPost(t, srv, "/oidc/token/introspection", url.Values{"token": {tok.AccessToken}})
			require.Equal(t, 200, in.status, in.raw)
			assert.Equal(t, true, in.body["active"])
			assert.Equal(t, "app-r", in.str("client_id"))
			assert.NotEmpty(t, in.str("sub"))
			assert.Equal(t, "Bearer", in.str("token_type"))
			assert.Contains(t, in.str("scope"), "offline_access")
			assert.NotZero(t, in.body["exp"])

			rv := oidcPost(t, srv, "/oidc/token/revocation", url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"}})
			assert.Equal(t, 200, rv.status)
			assert.Empty(t, rv.raw)

			a := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
			assert.Equal(t, "invalid_grant", a.str("error"))
			assert.Contains(t, a.str("error_description"), "revoked")
			assert.Equal(t, 401, get(t, srv, "/oidc/me", "Bearer "+tok.AccessToken).status, "revoking the refresh token ends its access tokens")
			for _, tk := range []string{tok.AccessToken, tok.RefreshToken, "never-issued"} {
				in = oidcPost(t, srv, "/oidc/token/introspection", url.Values{"token": {tk}})
				assert.Equal(t, map[string]any{"active": false}, in.body)
			}
			assert.Equal(t, 200, oidcPost(t, srv, "/oidc/token/revocation", url.Values{"token": {"never-issued"}}).status, "RFC 7009: unknown tokens too")
			assert.Equal(t, "unsupported_token_type", oidcPost(t, srv, "/oidc/token/revocation", url.Values{"token": {"x"}, "token_type_hint": {"id_token"}}).str("error"))
		})
	}
}

func TestOIDCRevokingAnAccessTokenKeepsTheRefreshToken(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	tok := genAuthLogin(t, newClient(t, srv.Config()), "c")
	require.Equal(t, 200, oidcPost(t, srv, "/oidc/token/revocation", url.Values{"token": {tok.AccessToken}}).status)
	assert.Equal(t, 401, get(t, srv, "/oidc/me", "Bearer "+tok.AccessToken).status)
	assert.Equal(t, 200, oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).status)
}

func TestOIDCDiscoveryAndJWKS(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	d := get(t, srv, "/oidc/.well-known/openid-configuration", "")
	require.Equal(t, 200, d.status)
	assert.Equal(t, srv.Issuer(), d.str("issuer"))
	assert.Equal(t, srv.URL()+"/oidc/.well-known/jwks.json", d.str("jwks_uri"))
	assert.Equal(t, srv.URL()+"/oidc/token", d.str("token_endpoint"))
	assert.Equal(t, srv.URL()+"/oidc/me", d.str("userinfo_endpoint"))
	assert.Equal(t, srv.URL()+"/oidc/token/revocation", d.str("revocation_endpoint"))
	assert.Equal(t, srv.URL()+"/oidc/token/introspection", d.str("introspection_endpoint"))

	raw, err := srv.SignIDToken(map[string]any{"sub": "u-1"})
	require.NoError(t, err)
	claims, kid := verifyIDToken(t, srv, raw)
	assert.Equal(t, "u-1", claims["sub"])
	assert.Equal(t, srv.Issuer(), claims["iss"])

	require.NoError(t, srv.RotateSigningKey(nil))
	rotated, err := srv.SignIDToken(map[string]any{"exp": nil})
	require.NoError(t, err)
	claims, newKid := verifyIDToken(t, srv, rotated)
	assert.NotEqual(t, kid, newKid, "a rotated key has a new key id")
	assert.NotContains(t, claims, "exp", "a nil claim is left out")
	_, oldStill := verifyIDToken(t, srv, raw)
	assert.Equal(t, kid, oldStill, "the JWKS keeps the old key")
}

func TestHS256IDTokens(t *testing.T) {
	t.Parallel()
	const secret = "hs256-secret-of-at-least-32-bytes"
	_, err := endusertest.Start(endusertest.WithHS256IDTokens())
	require.ErrorContains(t, err, "32 bytes", "the default secret is too short for HS256")
	srv := endusertest.NewServer(t, endusertest.WithHS256IDTokens(), endusertest.WithGenAuthApp("app-h", secret, enduser.AuthNone))
	tok := genAuthLogin(t, newClient(t, srv.Config()), "c")
	jws, err := jose.ParseSignedCompact(tok.IDToken, []jose.SignatureAlgorithm{jose.HS256})
	require.NoError(t, err)
	payload, err := jws.Verify([]byte(secret))
	require.NoError(t, err)
	assert.Contains(t, string(payload), `"aud":"app-h"`)
}

func TestGenAuthCodesAreSingleUse(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config())
	sign := func(p enduser.MobilePayload) error {
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: p})
		return err
	}
	require.NoError(t, sign(enduser.GooglePayload{Code: "once"}))
	err := sign(enduser.GooglePayload{Code: "once"})
	var apiErr *enduser.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.Code)
	assert.Contains(t, apiErr.Message, "already redeemed")
	require.NoError(t, sign(enduser.GithubPayload{Code: "once"}), "codes are per connection")
	require.NoError(t, sign(enduser.FacebookPayload{AccessToken: "at"}))
	require.NoError(t, sign(enduser.FacebookPayload{AccessToken: "at"}), "provider access tokens are not single-use")
}

func TestLifetimeKeys(t *testing.T) {
	t.Parallel()
	keys := func(k endusertest.LifetimeKey, n int) [][2]bool {
		srv := endusertest.NewServer(t, endusertest.WithLifetimeKey(k))
		var out [][2]bool
		for i := range n {
			body := `{"extIdpConnidentifier":"x","connection":"google","googlePayload":{"code":"c` + string(rune('a'+i)) + `"}}`
			req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v3/signin-by-mobile", strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("x-authing-app-id", srv.Config().GenAuth.AppID)
			data, _ := do(t, req).body["data"].(map[string]any)
			_, a := data["expire_in"]
			_, b := data["expires_in"]
			out = append(out, [2]bool{a, b})
		}
		return out
	}
	assert.Equal(t, [][2]bool{{true, false}, {true, false}}, keys(endusertest.LifetimeKeyExpireIn, 2))
	assert.Equal(t, [][2]bool{{false, true}, {false, true}}, keys(endusertest.LifetimeKeyExpiresIn, 2))
	assert.Equal(t, [][2]bool{{true, false}, {false, true}, {true, false}}, keys(endusertest.LifetimeKeyAlternate, 3))
	assert.Equal(t, [][2]bool{{true, true}}, keys(endusertest.LifetimeKeyBoth, 1))
}
