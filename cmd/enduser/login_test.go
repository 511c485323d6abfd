package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/endusertest"
)

func TestLoginEveryProvider(t *testing.T) {
	srv := endusertest.NewServer(t)
	for name, tc := range map[string]struct {
		env  []string
		args []string
	}{
		"twitter":     {[]string{"ENDUSER_TWITTER_OAUTH_TOKEN", "ot", "ENDUSER_TWITTER_OAUTH_TOKEN_SECRET", "ots"}, []string{"--app-id", "tw"}},
		"apple":       {[]string{"ENDUSER_APPLE_IDENTITY_TOKEN", "idt"}, []string{"--mcc", "262"}},
		"wechat":      {[]string{"ENDUSER_WECHAT_CODE", "c1"}, []string{"--app-id", "wx"}},
		"facebook":    {[]string{"ENDUSER_FACEBOOK_CODE", "c2"}, []string{"--app-id", "fb"}},
		"alipay":      {[]string{"ENDUSER_ALIPAY_AUTH_CODE", "c3"}, []string{"--app-id", "al"}},
		"miniprogram": {[]string{"ENDUSER_MINIPROGRAM_JS_CODE", "c4"}, []string{"--app-id", "mp", "--query"}},
		"qq":          {[]string{"ENDUSER_QQ_ACCESS_TOKEN", "qat"}, nil},
		"phone-one-tap": {[]string{"ENDUSER_CARRIER_APP_SECRET", endusertest.DefaultCarrierAppSecret, "ENDUSER_CARRIER_TOKEN", "STsid-cli"},
			[]string{"--app-id", endusertest.DefaultCarrierAppID, "--version", "2.0", "--strict-check"}},
		"mobile": {[]string{"ENDUSER_MOBILE_ACCESS_TOKEN", "at"}, []string{"--conn-id", "x", "--connection", "facebook", "--scope", "openid offline_access"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, with(emulatorEnv(srv), tc.env...), "", append([]string{"login", name}, tc.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			var tok map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &tok))
			assert.Equal(t, "[redacted]", tok["access_token"])
			assert.Equal(t, "[redacted]", tok["refresh_token"])
			assert.NotEmpty(t, tok["expiry"])
			assert.NotEmpty(t, tok["family"])
			assert.NotContains(t, r.stdout, "emu-")
		})
	}
	assert.Len(t, srv.Requests(), len(providers()), "one request per login")
}

func TestLoginShowTokens(t *testing.T) {
	srv := endusertest.NewServer(t)
	r := runCLI(t, with(emulatorEnv(srv), "ENDUSER_APPLE_IDENTITY_TOKEN", "x"), "", "login", "apple", "--show-tokens")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"access_token": "Bearer emu-at-`)
}

func TestLoginFailureExitsOne(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := with(emulatorEnv(srv), "ENDUSER_USER_DOMAIN_SECRET", "wrong-user-domain-secret", "ENDUSER_APPLE_IDENTITY_TOKEN", "apple-identity-token")
	r := runCLI(t, env, "", "login", "apple")
	assert.Equal(t, exitFail, r.code)
	assert.Contains(t, r.stderr, "5420")
	assert.Contains(t, r.stderr, "signature verification failed")
	assert.NotContains(t, r.stderr, "wrong-user-domain-secret")
	assert.NotContains(t, r.stderr, "apple-identity-token")
	assert.Empty(t, r.stdout)
}

func TestLoginMissingInputExitsTwo(t *testing.T) {
	srv := endusertest.NewServer(t)
	r := runCLI(t, emulatorEnv(srv), "", "login", "wechat", "--app-id", "wx")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "code")
	assert.Equal(t, 0, srv.Count("wechatOffiaccountAuthLogin"))

	r = runCLI(t, map[string]string{"ENDUSER_APPLE_IDENTITY_TOKEN": "x"}, "", "login", "apple")
	assert.Equal(t, exitUsage, r.code, "no config")

	r = runCLI(t, emulatorEnv(srv), "", "login", "mobile", "--auth-method", "nope")
	assert.Equal(t, exitUsage, r.code, "bad auth method")
	assert.Empty(t, srv.Requests())
}

// hostile is server text that would forge a line, clear the screen,
// retitle the terminal, start a C1 control sequence, reverse the text and
// break the line, if printed raw.
const hostile = "denied\r\nenduser: login ok\x1b[2J\x1b]0;owned\x07\u009b31m\u202eevil\u2028\x7f\x00end"

// echoingServer answers every v2 call and every GenAuth sign-in with a
// failure whose message, extMsg and request id carry hostile text and echo
// the request's credentials raw, URL-encoded and in base64.
func echoingServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var creds []string
		if strings.Contains(r.URL.Path, "/v2/") {
			form, _ := url.ParseQuery(string(body))
			for k, v := range form {
				if k != "userDomain" && k != "appId" && k != "mcc" && k != "timestamp" && k != "nonce" && k != "signature" {
					creds = append(creds, v...)
				}
			}
		} else {
			var m any
			_ = json.Unmarshal(body, &m)
			var walk func(v any, key string)
			walk = func(v any, key string) {
				switch v := v.(type) {
				case map[string]any:
					for k, x := range v {
						walk(x, k)
					}
				case string:
					if key != "connection" && key != "extIdpConnidentifier" && key != "client_id" {
						creds = append(creds, v)
					}
				}
			}
			walk(m, "")
			creds = append(creds, r.Header.Get("Authorization"))
		}
		echo := hostile
		for _, c := range creds {
			echo += " " + c + " " + url.QueryEscape(c) + " " + base64.StdEncoding.EncodeToString([]byte(c))
		}
		w.Header().Set("Content-Type", "application/json")
		msg, _ := json.Marshal(echo)
		if strings.Contains(r.URL.Path, "/v2/") {
			_, _ = io.WriteString(w, `{"code":5420,"msg":`+string(msg)+`,"extMsg":`+string(msg)+`}`)
			return
		}
		_, _ = io.WriteString(w, `{"statusCode":400,"apiCode":2011,"message":`+string(msg)+`,"requestId":`+string(msg)+`}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// assertTerminalSafe fails if out has anything but printable runes and
// the final newline of each line.
func assertTerminalSafe(t *testing.T, out string, lines int) {
	t.Helper()
	assert.True(t, utf8.ValidString(out), "%q", out)
	assert.Equal(t, lines, strings.Count(out, "\n"), "%q", out)
	for _, r := range strings.ReplaceAll(out, "\n", "") {
		assert.True(t, unicode.IsPrint(r), "rune %U in %q", r, out)
	}
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\r")
}

func TestServerTextIsSanitised(t *testing.T) {
	hs := echoingServer(t)
	env := map[string]string{
		"ENDUSER_BASE_URL": hs.URL, "ENDUSER_USER_DOMAIN": "ud", "ENDUSER_USER_DOMAIN_SECRET": "user-domain-secret-0123",
		"ENDUSER_GENAUTH_HOST": hs.URL, "ENDUSER_GENAUTH_APP_ID": "app-id", "ENDUSER_GENAUTH_APP_SECRET": "genauth-app-secret-0123",
		"ENDUSER_APPLE_IDENTITY_TOKEN": "eyJhbGciOi.apple+identity/token==", "ENDUSER_WECHAT_CODE": "wechat-code-0123",
		"ENDUSER_TWITTER_OAUTH_TOKEN": "twitter-oauth-token-0123", "ENDUSER_TWITTER_OAUTH_TOKEN_SECRET": "twitter-oauth-secret-0123",
		"ENDUSER_MOBILE_CODE": "mobile-code-0123", "ENDUSER_MOBILE_PHONE_CODE": "mobile-phone-code-0123",
	}
	secrets := []string{"user-domain-secret-0123", "genauth-app-secret-0123", "eyJhbGciOi.apple+identity/token==", "wechat-code-0123",
		"twitter-oauth-token-0123", "twitter-oauth-secret-0123", "mobile-code-0123", "mobile-phone-code-0123"}
	for _, args := range [][]string{
		{"login", "apple"},
		{"login", "wechat", "--app-id", "wx", "--query"},
		{"login", "twitter", "--app-id", "tw"},
		{"login", "mobile", "--conn-id", "c", "--connection", "wechat"},
		{"login", "mobile", "--conn-id", "c", "--connection", "wechat_mini_program_code_and_phone", "--auth-method", "client_secret_basic"},
		{"login", "mobile", "--conn-id", "c", "--connection", "wechat", "--auth-method", "client_secret_post"},
	} {
		r := runCLI(t, env, "", args...)
		require.Equal(t, exitFail, r.code, "%v: %s", args, r.stderr)
		assertTerminalSafe(t, r.stderr, 1)
		assert.True(t, strings.HasPrefix(r.stderr, "enduser: "), "%v", args)
		assert.False(t, strings.HasPrefix(r.stderr, "enduser: enduser:"), "%v: one prefix: %q", args, r.stderr)
		assert.Contains(t, r.stderr, "denied", "%v: the message is still shown", args)
		for _, s := range secrets {
			for _, form := range []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s))} {
				assert.NotContains(t, r.stderr, form, "%v", args)
			}
		}
		assert.NotContains(t, r.stderr, base64.StdEncoding.EncodeToString([]byte("app-id:genauth-app-secret-0123")), "%v: the Basic credential", args)
		assert.Empty(t, r.stdout)
	}
}

func TestTokenOutputIsSanitised(t *testing.T) {
	const code = "mobile-code-4567"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		scope, _ := json.Marshal("openid " + code)
		tt, _ := json.Marshal("Bearer\x1b[2J\u009b\u202e\x7f")
		_, _ = io.WriteString(w, `{"statusCode":200,"message":"ok","data":{"access_token":"at-issued-0123","id_token":"idt-issued-0123",`+
			`"refresh_token":"rt-issued-0123","token_type":`+string(tt)+`,"scope":`+string(scope)+`,"expire_in":3600}}`)
	}))
	defer hs.Close()
	env := map[string]string{"ENDUSER_GENAUTH_HOST": hs.URL, "ENDUSER_GENAUTH_APP_ID": "app", "ENDUSER_MOBILE_CODE": code}
	r := runCLI(t, env, "", "login", "mobile", "--conn-id", "c", "--connection", "wechat")
	require.Equal(t, exitOK, r.code, r.stderr)
	assertTerminalSafe(t, r.stdout, strings.Count(r.stdout, "\n"))
	var tok map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tok), r.stdout)
	assert.Equal(t, "[redacted]", tok["scope"], "a public field echoing the code is redacted")
	assert.Equal(t, "Bearer\x1b[2J\u009b\u202e\x7f", tok["token_type"], "escaped in the JSON text, intact once decoded")
	for _, s := range []string{code, "at-issued", "idt-issued", "rt-issued"} {
		assert.NotContains(t, r.stdout, s)
	}

	r = runCLI(t, env, "", "login", "mobile", "--conn-id", "c", "--connection", "wechat", "--show-tokens")
	require.Equal(t, exitOK, r.code, r.stderr)
	assertTerminalSafe(t, r.stdout, strings.Count(r.stdout, "\n"))
	assert.Contains(t, r.stdout, "at-issued-0123")
	assert.NotContains(t, r.stdout, code, "--show-tokens shows issued tokens, not the request's credentials")
}

func TestTokenOutputHidesIssuedTokensEchoedInPublicFields(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"statusCode":200,"message":"ok","data":{"access_token":"at-issued-0123","id_token":"idt-issued-0123",`+
			`"refresh_token":"rt-issued-0123","token_type":"Bearer at-issued-0123","scope":"openid rt-issued-0123","expire_in":3600}}`)
	}))
	defer hs.Close()
	env := map[string]string{"ENDUSER_GENAUTH_HOST": hs.URL, "ENDUSER_GENAUTH_APP_ID": "app", "ENDUSER_MOBILE_CODE": "mobile-code-4567"}
	r := runCLI(t, env, "", "login", "mobile", "--conn-id", "c", "--connection", "wechat")
	require.Equal(t, exitOK, r.code, r.stderr)
	var tok map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tok), r.stdout)
	assert.Equal(t, "[redacted]", tok["token_type"])
	assert.Equal(t, "[redacted]", tok["scope"])
	assert.NotContains(t, r.stdout, "issued")
}

func TestTokenFieldsAreRedactedUnlessPublic(t *testing.T) {
	for _, k := range []string{"access_token", "refresh_token", "id_token", "some_future_field"} {
		assert.False(t, publicTokenField(k), k)
	}
	for _, k := range []string{"family", "token_type", "expiry", "refresh_expiry", "scope"} {
		assert.True(t, publicTokenField(k), k)
	}
}

func TestTokenOutputCannotAssembleASecretByEscaping(t *testing.T) {
	// The code holds a backslash sequence; the server echoes it with the
	// raw control characters, which the JSON output would escape back
	// into the code's text.
	const code = `c0de\r\u009bX-91`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"statusCode":200,"message":"ok","data":{"access_token":"at-issued-0123",`+
			`"token_type":"Bearer","scope":"openid c0de\r\u009bX-91","expire_in":3600}}`)
	}))
	defer hs.Close()
	env := map[string]string{"ENDUSER_GENAUTH_HOST": hs.URL, "ENDUSER_GENAUTH_APP_ID": "app", "ENDUSER_MOBILE_CODE": code}
	r := runCLI(t, env, "", "login", "mobile", "--conn-id", "c", "--connection", "wechat")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, code)
	assert.Contains(t, r.stdout, `"scope": "[redacted]"`)
}

// TestLoginPhoneOneTapFromStdin: the carrier secret and token come from
// standard input in command-line order; a wrong secret fails without the
// secret or the token reaching the output.
func TestLoginPhoneOneTapFromStdin(t *testing.T) {
	srv := endusertest.NewServer(t)
	args := []string{"login", "phone-one-tap", "--app-id", endusertest.DefaultCarrierAppID, "--version", "2.0", "--app-secret", "-", "--token", "-"}
	r := runCLI(t, emulatorEnv(srv), endusertest.DefaultCarrierAppSecret+"\nSTsid-stdin\n", args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"family": "v2"`)

	r = runCLI(t, emulatorEnv(srv), "WRONG-CARRIER-SECRET\nSTsid-stdin-2\n", args...)
	assert.Equal(t, exitFail, r.code)
	assert.Contains(t, r.stderr, "5221")
	for _, s := range []string{"WRONG-CARRIER-SECRET", "STsid-stdin-2"} {
		assert.NotContains(t, r.stdout+r.stderr, s)
	}
}
