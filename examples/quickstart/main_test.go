package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestQuickstartOnTheEmulator(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(string) string { return "" }))
	s := out.String()
	for _, name := range []string{"Twitter", "Apple", "WeChat Official Account", "GenAuth mobile (wechat)"} {
		assert.Contains(t, s, name)
	}
	assert.Equal(t, 5, strings.Count(s, "AccessToken:[redacted]"), "four logins and one GenAuth refresh, redacted")
	assert.Regexp(t, `verified id token\s+sub=uid-\S+\n\s+refreshed\s+enduser.Token\{Family:genauth`, s, "the GenAuth user from the verified id token, then one refresh")
	assert.NotContains(t, s, "emu-at-", "no token material is printed")
	assert.Contains(t, s, "errors.Is(err, enduser.ErrSignatureInvalid)")
	assert.Contains(t, s, "code 5420")
}

// quickstartSecrets are the credentials the hostile test hands the
// quickstart through its environment.
var quickstartSecrets = map[string]string{
	"ENDUSER_USER_DOMAIN_SECRET": "ud-secret-7f3a9c", "ENDUSER_TWITTER_OAUTH_TOKEN": "tw-oauth-token-5b1e",
	"ENDUSER_TWITTER_OAUTH_TOKEN_SECRET": "tw-oauth-secret-9d2c", "ENDUSER_APPLE_IDENTITY_TOKEN": "eyJhbGciOi.apple/identity+token",
	"ENDUSER_WECHAT_CODE": "wechat-code-3e8f", "ENDUSER_GENAUTH_APP_SECRET": "genauth-app-secret-6a4d",
	"ENDUSER_GENAUTH_WECHAT_CODE": "genauth-code-1c7b",
}

// hostileServer fails every call of both families, every text field
// carrying terminal escapes and every credential of the request, raw,
// URL-encoded and in base64.
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		echo := "denied\r\n\x1b[2J\x1b]0;owned\x07\u009b31m\u202e"
		for _, s := range quickstartSecrets {
			if strings.Contains(string(body), s) || strings.Contains(string(body), url.QueryEscape(s)) || strings.Contains(r.Header.Get("Authorization"), base64.StdEncoding.EncodeToString([]byte("app:"+s))) {
				echo += " " + s + " " + url.QueryEscape(s) + " " + base64.StdEncoding.EncodeToString([]byte(s))
			}
		}
		if sig := r.FormValue("signature"); sig != "" {
			echo += " " + sig
		}
		msg, _ := json.Marshal(echo)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/v2/") {
			_, _ = io.WriteString(w, `{"code":5420,"msg":`+string(msg)+`,"extMsg":`+string(msg)+`}`)
			return
		}
		_, _ = io.WriteString(w, `{"statusCode":400,"apiCode":2011,"message":`+string(msg)+`,"requestId":`+string(msg)+`}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestQuickstartPrintsNoSecretAndNoEscape(t *testing.T) {
	hs := hostileServer(t)
	base := map[string]string{"ENDUSER_BASE_URL": hs.URL, "ENDUSER_USER_DOMAIN": "ud", "ENDUSER_TWITTER_APP_ID": "tw",
		"ENDUSER_WECHAT_APP_ID": "wx", "ENDUSER_GENAUTH_HOST": hs.URL, "ENDUSER_GENAUTH_APP_ID": "app",
		"ENDUSER_GENAUTH_AUTH_METHOD": "client_secret_basic", "ENDUSER_GENAUTH_CONN_ID": "wechat-mobile"}
	for k, v := range quickstartSecrets {
		base[k] = v
	}
	for _, only := range []string{"ENDUSER_TWITTER_OAUTH_TOKEN", "ENDUSER_APPLE_IDENTITY_TOKEN", "ENDUSER_WECHAT_CODE", "ENDUSER_GENAUTH_WECHAT_CODE"} {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for _, k := range []string{"ENDUSER_TWITTER_OAUTH_TOKEN", "ENDUSER_APPLE_IDENTITY_TOKEN", "ENDUSER_WECHAT_CODE", "ENDUSER_GENAUTH_WECHAT_CODE"} {
			if k != only {
				delete(env, k)
			}
		}
		var out bytes.Buffer
		err := run(context.Background(), &out, func(k string) string { return env[k] })
		printed := out.String()
		if err != nil {
			printed += "quickstart: " + err.Error() + "\n" // what main prints
		}
		assert.Contains(t, printed, "denied", "%s: the server's text is shown", only)
		for _, s := range mapValues(quickstartSecrets) {
			for _, form := range []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s))} {
				assert.NotContains(t, printed, form, "%s", only)
			}
		}
		for _, r := range strings.ReplaceAll(printed, "\n", "") {
			if !assert.True(t, unicode.IsPrint(r), "%s: rune %U printed: %q", only, r, printed) {
				break
			}
		}
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestQuickstartSaysWhichHost: with only GenAuth's variables set, the
// quickstart logs in at that GenAuth host (here an emulator standing in for
// it), says the v2 API is skipped and why, and never starts its own
// emulator; a half-set family is an error naming the missing variable.
func TestQuickstartSaysWhichHost(t *testing.T) {
	srv := endusertest.NewServer(t)
	g := srv.Config().GenAuth
	env := map[string]string{
		"ENDUSER_GENAUTH_HOST": g.Host, "ENDUSER_GENAUTH_APP_ID": g.AppID, "ENDUSER_GENAUTH_APP_SECRET": g.AppSecret,
		"ENDUSER_GENAUTH_AUTH_METHOD": g.AuthMethod.String(), "ENDUSER_GENAUTH_WECHAT_CODE": "real-code", "ENDUSER_GENAUTH_CONN_ID": "wechat-mobile",
	}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(k string) string { return env[k] }))
	s := out.String()
	assert.Contains(t, s, "GenAuth: "+g.Host)
	assert.Contains(t, s, "v2 API: skipped, ENDUSER_BASE_URL is not set.")
	assert.NotContains(t, s, "embedded emulator")
	assert.Equal(t, 1, srv.Count(enduser.OpSignInByMobile), "the GenAuth login went to the configured host")
	assert.Zero(t, srv.Count(enduser.OpAppleLogin), "no v2 login without a v2 host")

	out.Reset()
	err := run(context.Background(), &out, func(k string) string {
		return map[string]string{"ENDUSER_BASE_URL": "https://iot-api.acceleronix.io"}[k]
	})
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "ENDUSER_USER_DOMAIN")
	assert.Empty(t, out.String(), "nothing runs, on no host")
}
