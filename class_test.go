package enduser_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// faultCase produces the error of one row of SECURITY.md's fault table.
type faultCase struct {
	class enduser.ErrorClass
	run   func(t *testing.T) error
}

// mockedLogin answers an Apple login with status and body through httpmock.
func mockedLogin(status int, body string, opts ...enduser.Option) func(t *testing.T) error {
	return func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig(), append(opts, fastRetry)...)
		mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpAppleLogin), httpmock.NewStringResponder(status, body))
		return appleLogin(bg, c)
	}
}

// socketLogin runs an Apple login against a countingServer with handlers.
func socketLogin(opts []enduser.Option, handlers ...http.HandlerFunc) func(t *testing.T) error {
	return func(t *testing.T) error {
		srv, _ := countingServer(t, handlers...)
		return appleLogin(bg, socketClient(t, srv.URL, opts...))
	}
}

// rawLogin runs an Apple login against a rawServer doing fn.
func rawLogin(fn func(c *net.TCPConn), opts ...enduser.Option) func(t *testing.T) error {
	return func(t *testing.T) error {
		url, _ := rawServer(t, fn)
		return appleLogin(bg, socketClient(t, url, append(opts, fastRetry)...))
	}
}

// sessionSource logs in on the emulator and returns a TokenSource over the
// token that refreshes on every call.
func sessionSource(t *testing.T, srv *endusertest.Server, edit func(*enduser.Token)) *enduser.TokenSource {
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-class"})
	require.NoError(t, err)
	if edit != nil {
		edit(tok)
	}
	return c.TokenSource(tok, enduser.WithExpiryLeeway(1000*time.Hour))
}

// faultCases has one case per row of SECURITY.md's fault table, keyed by the
// row's first column.
var faultCases = map[string]faultCase{
	"empty required field (appId, oauthToken, code, …)": {enduser.ClassInvalidRequest, func(t *testing.T) error {
		c, _ := newTestClient(t, testConfig())
		_, err := c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "a"})
		return err
	}},
	"MCC negative or over three digits": {enduser.ClassInvalidRequest, func(t *testing.T) error {
		c, _ := newTestClient(t, testConfig())
		_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "x", MCC: 1000})
		return err
	}},
	"GenAuth payload missing its credential, nil payload, no identifier, scope without `openid`": {enduser.ClassInvalidRequest, func(t *testing.T) error {
		c, _ := newTestClient(t, testConfig())
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{}})
		return err
	}},
	"GenAuth not configured": {enduser.ClassMisconfigured, func(t *testing.T) error {
		cfg := testConfig()
		cfg.GenAuth = enduser.GenAuthConfig{}
		c, _ := newTestClient(t, cfg)
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
		return err
	}},
	"bad config (relative URL, `http://` to a remote host, a URL ending in `?` or `#`, `https://:443`, a control character in the app id or user agent, missing secret, …)": {enduser.ClassMisconfigured, func(*testing.T) error {
		_, err := enduser.NewClient(enduser.Config{BaseURL: "http://iot-api.example.test", UserDomain: "d", UserDomainSecret: "s"})
		return err
	}},
	"base URL or GenAuth host with a port outside 1–65535 or an empty one (`https://h:/`), whitespace anywhere, `;` in the host, a `.` or `..` segment": {enduser.ClassMisconfigured, func(*testing.T) error {
		_, err := enduser.NewClient(enduser.Config{BaseURL: "https://iot-api.example.test:99999/", UserDomain: "d", UserDomainSecret: "s"})
		return err
	}},
	"HTTP/1.1 server answers a malformed status line, header or response that echoes the request (`WithQueryParams`)": {enduser.ClassMaybeProcessed, func(t *testing.T) error {
		url, _ := rawServer(t, func(c *net.TCPConn) {
			_, _ = c.Read(make([]byte, 4096))
			_, _ = c.Write([]byte("HTTP/1.1 2x0 echo\r\n\r\n"))
			_ = c.Close()
		})
		return appleLogin(bg, socketClient(t, url, enduser.WithQueryParams()))
	}},
	"a server echoes credentials in `msg`/`extMsg`/`message`/`requestId`/`error_description`, a page or a content type, in any encoding": {
		enduser.ClassMisconfigured, mockedLogin(200, `{"code":5420,"msg":"IDTOKEN-fault-test","extMsg":"IDTOKEN-fault-test"}`)},
	"a success cut mid-token, over the body limit, or with an undecodable field": {enduser.ClassMaybeProcessed, mockedLogin(200, okLogin[:90])},
	// Each code's class: TestSentinelRowsAreConsistent. Here: a wrong secret.
	"v2 failure envelope (any HTTP status)": {enduser.ClassMisconfigured, mockedLogin(401, `{"code":5420,"msg":"signature verification failed"}`)},
	"GenAuth failure (HTTP 200, statusCode ≠ 200, apiCode number or string)": {enduser.ClassMisconfigured, func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, `{"statusCode":400,"apiCode":"2011","requestId":"r"}`))
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
		return err
	}},
	"GenAuth MFA (1636) or first login (1639) with a continuation token in `data`": {enduser.ClassDenied, func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, `{"statusCode":401,"apiCode":1636,"requestId":"r","data":{"mfaToken":"MFA-class"}}`))
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
		return err
	}},
	"`Options.Context`/`CustomData` that cannot be encoded (a func, NaN, a failing `MarshalJSON`)": {enduser.ClassInvalidRequest, func(t *testing.T) error {
		c, _ := newTestClient(t, testConfig())
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"},
			Options: &enduser.MobileSignInOptions{CustomData: map[string]any{"f": func() {}}}})
		return err
	}},
	"token without a family, both families configured, no `Bearer ` prefix, id token or scope": {enduser.ClassInvalidRequest, func(t *testing.T) error {
		c, _ := newTestClient(t, testConfig())
		_, err := c.UserInfo(bg, &enduser.Token{AccessToken: "AT", RefreshToken: "RT"})
		return err
	}},
	"GenAuth refresh answered `invalid_grant` (400/401, or in a 200)": {enduser.ClassReLogin, func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodPost, oidcURL("token"), httpmock.NewStringResponder(400, `{"error":"invalid_grant"}`))
		_, err := c.Refresh(bg, genAuthToken())
		return err
	}},
	"GenAuth `/oidc/me` answered 401 with `WWW-Authenticate: Bearer error=\"invalid_token\"`": {enduser.ClassReLogin, func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodGet, oidcURL("me"), (&recorder{}).responder(401, nil, "WWW-Authenticate", `Bearer error="invalid_token"`))
		_, err := c.UserInfo(bg, genAuthToken())
		return err
	}},
	"an OIDC endpoint echoes the tokens, the app secret or the Basic credential": {enduser.ClassMisconfigured, func(t *testing.T) error {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodPost, oidcURL("token"), httpmock.NewStringResponder(401, `{"error":"invalid_client","error_description":"`+gaRefresh+`"}`))
		_, err := c.Refresh(bg, genAuthToken())
		return err
	}},
	"1,000 forged id tokens with random key ids, then 1,000 tampered tokens of the known key id": {enduser.ClassReLogin, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config())
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		raw, err := srv.SignIDToken(nil)
		require.NoError(t, err)
		parts := strings.Split(raw, ".")
		_, err = c.VerifyIDToken(bg, parts[0]+"."+parts[1]+".Zm9yZ2Vk")
		return err
	}},
	"a wrong GenAuth app secret or client authentication method (a sign-in's 401)": {enduser.ClassMisconfigured, func(t *testing.T) error {
		srv := endusertest.NewServer(t, endusertest.WithGenAuthApp(endusertest.DefaultAppID, endusertest.DefaultAppSecret, enduser.AuthClientSecretPost))
		cfg := srv.Config()
		cfg.GenAuth.AppSecret = "APPSECRET-wrong"
		c, err := enduser.NewClient(cfg)
		require.NoError(t, err)
		_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
		return err
	}},
	"a wrong base path: a 404 (or other 4xx) HTML or text page without the API's envelope": {enduser.ClassMisconfigured, mockedLogin(404, "<html>404 page not found</html>")},
	"id token with a wrong audience or issuer, expired by the client's clock, tampered, of an unknown key, `alg: none`, HS256 when RS256 is configured, garbage, over 64 KiB": {enduser.ClassReLogin, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config())
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		raw, err := srv.SignIDToken(map[string]any{"aud": "another-app"})
		require.NoError(t, err)
		_, err = c.VerifyIDToken(bg, raw)
		return err
	}},
	"id token keys unreachable or over the body limit": {enduser.ClassTemporary, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config(), enduser.WithResponseBodyLimit(16))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		raw, err := srv.SignIDToken(nil)
		require.NoError(t, err)
		_, err = c.VerifyIDToken(bg, raw)
		return err
	}},
	"HTML 502 from a gateway":               {enduser.ClassServer, mockedLogin(502, "<html>502 Bad Gateway</html>")},
	"empty, truncated or non-envelope JSON": {enduser.ClassMaybeProcessed, mockedLogin(200, okLogin[:60])},
	"body over the limit":                   {enduser.ClassMaybeProcessed, mockedLogin(200, okLogin, enduser.WithResponseBodyLimit(64))},
	"connection refused": {enduser.ClassTemporary, func(t *testing.T) error {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return appleLogin(bg, socketClient(t, "http://"+addr, fastRetry))
	}},
	"DNS name not found": {enduser.ClassTemporary, func(t *testing.T) error {
		tr := &http.Transport{DialContext: (&net.Dialer{Resolver: nxdomainResolver(t)}).DialContext}
		return appleLogin(bg, socketClient(t, "https://enduser-test.invalid.", fastRetry, enduser.WithHTTPClient(&http.Client{Transport: tr})))
	}},
	"TLS certificate that does not verify": {enduser.ClassMisconfigured, func(t *testing.T) error {
		srv, _ := countingTLSServer(t)
		return appleLogin(bg, socketClient(t, srv.URL, fastRetry))
	}},
	"reset after the request was written": {enduser.ClassMaybeProcessed, rawLogin(reset)},
	"reset in the middle of the body": {enduser.ClassMaybeProcessed, rawLogin(func(c *net.TCPConn) {
		w := bufio.NewWriter(c)
		_, _ = w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"code\":200,\"data\":{\"acc")
		_ = w.Flush()
		time.Sleep(20 * time.Millisecond)
		reset(c)
	})},
	"headers slower than the timeout": {enduser.ClassMaybeProcessed, func(t *testing.T) error {
		release := make(chan struct{})
		defer close(release)
		return socketLogin([]enduser.Option{enduser.WithTimeout(200 * time.Millisecond)}, func(http.ResponseWriter, *http.Request) { <-release })(t)
	}},
	"429 with `Retry-After` up to `WithRateLimitWait` (1 s)": {enduser.ClassNone, socketLogin([]enduser.Option{fastRetry}, answer(429, "slow down", "Retry-After", "1"), answer(200, okLogin))},
	"429 with a longer `Retry-After`":                        {enduser.ClassRateLimited, socketLogin(nil, answer(429, "slow down", "Retry-After", "30"))},
	"429 whose wait would pass the deadline": {enduser.ClassRateLimited, func(t *testing.T) error {
		srv, _ := countingServer(t, answer(429, "slow down", "Retry-After", "1"))
		ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
		defer cancel()
		return appleLogin(ctx, socketClient(t, srv.URL))
	}},
	"503 (gateway) to a login or refresh": {enduser.ClassServer, socketLogin([]enduser.Option{fastRetry}, answer(503, "busy"), answer(200, okLogin))},
	"503 then success to a user-info read": {enduser.ClassNone, func(t *testing.T) error {
		srv, _ := countingServer(t, answer(503, "busy"), answer(200, `{"code":200,"data":{"uid":"u1"}}`))
		_, err := socketClient(t, srv.URL, fastRetry).UserInfo(bg, &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer a"})
		return err
	}},
	"HTTP/2 peer resets each stream (`RST_STREAM` PROTOCOL_ERROR) after reading it whole": {enduser.ClassMaybeProcessed, enduser.H2ResetLoginForTest},
	"server never answers, context cancelled": {enduser.ClassMaybeProcessed, func(t *testing.T) error {
		url, _ := rawServer(t, func(c *net.TCPConn) { time.Sleep(500 * time.Millisecond); _ = c.Close() })
		ctx, cancel := context.WithCancel(bg)
		time.AfterFunc(100*time.Millisecond, cancel)
		return appleLogin(ctx, socketClient(t, url, fastRetry))
	}},
	"token saver hangs until its context ends": {enduser.ClassTemporary, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config(), enduser.WithTimeout(300*time.Millisecond))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-class"})
		require.NoError(t, err)
		ts := c.TokenSource(tok, enduser.WithExpiryLeeway(1000*time.Hour),
			enduser.WithTokenSwap(func(ctx context.Context, _, _ *enduser.Token) error { <-ctx.Done(); return ctx.Err() }))
		_, err = ts.Token(bg)
		return err
	}},
	"shared token store unreachable (load or lock)": {enduser.ClassTemporary, func(t *testing.T) error {
		c, err := enduser.NewClient(endusertest.NewServer(t).Config())
		require.NoError(t, err)
		_, err = c.SharedTokenSource(downStore{}, "session:1").Token(bg)
		return err
	}},
	"replica dies holding the refresh lock": {enduser.ClassNone, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config())
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-class"})
		require.NoError(t, err)
		store := enduser.NewMemoryStore()
		require.NoError(t, store.Store(bg, "session:1", tok))
		_, err = store.Lock(bg, "session:1", 200*time.Millisecond) // its owner died
		require.NoError(t, err)
		_, err = c.SharedTokenSource(store, "session:1", enduser.WithExpiryLeeway(1000*time.Hour)).Token(bg)
		return err
	}},
	"refresh token expired": {enduser.ClassReLogin, func(t *testing.T) error {
		ts := sessionSource(t, endusertest.NewServer(t), func(tok *enduser.Token) { tok.RefreshExpiry = time.Now().Add(-time.Second) })
		_, err := ts.Token(bg)
		return err
	}},
	"refresh rejected (5032)": {enduser.ClassReLogin, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		ts := sessionSource(t, srv, nil)
		srv.Inject(enduser.OpRefreshToken, endusertest.FailCode(5032))
		_, err := ts.Token(bg)
		return err
	}},
	"refresh processed, then the connection drops (answer lost)": {enduser.ClassReLogin, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		ts := sessionSource(t, srv, nil)
		require.NoError(t, srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop()))
		_, err := ts.Token(bg)
		require.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err), "%v", err)
		_, err = ts.Token(bg) // from then on, without a request
		return err
	}},
	"a gateway's 502/503/504 page to a refresh (it may have forwarded it)": {enduser.ClassReLogin, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		ts := sessionSource(t, srv, nil)
		require.NoError(t, srv.Inject(enduser.OpRefreshToken, endusertest.GatewayHTML(504)))
		_, err := ts.Token(bg)
		require.Equal(t, enduser.ClassServer, enduser.Class(err), "%v", err)
		_, err = ts.Token(bg) // from then on, without a request
		return err
	}},
	"token store or saver error quoting the token": {enduser.ClassTemporary, func(t *testing.T) error {
		srv := endusertest.NewServer(t)
		c, err := enduser.NewClient(srv.Config())
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-class"})
		require.NoError(t, err)
		store := &echoStore{TokenStore: enduser.NewMemoryStore()}
		require.NoError(t, store.Store(bg, "session:1", tok))
		store.fail.Store(true)
		_, err = c.SharedTokenSource(store, "session:1", enduser.WithExpiryLeeway(1000*time.Hour)).Token(bg)
		return err
	}},
}

// downStore is a TokenStore that cannot be reached.
type downStore struct{}

var errDown = errors.New("dial tcp 10.0.0.7:6379: connection refused")

func (downStore) Load(context.Context, string) (*enduser.Token, error) { return nil, errDown }
func (downStore) Store(context.Context, string, *enduser.Token) error  { return errDown }
func (downStore) Delete(context.Context, string) error                 { return errDown }
func (downStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return nil, errDown
}

// TestClassOfEveryFault walks every row of SECURITY.md's fault table through
// Class. A new row fails here until it has a case.
func TestClassOfEveryFault(t *testing.T) {
	t.Parallel()
	rows := faultRows(t)
	require.NotEmpty(t, rows)
	for _, row := range rows {
		fc, ok := faultCases[row]
		if !assert.True(t, ok, "SECURITY.md fault row %q has no case in faultCases (class_test.go)", row) {
			continue
		}
		t.Run(row, func(t *testing.T) {
			t.Parallel()
			err := fc.run(t)
			assert.Equal(t, fc.class.String(), enduser.Class(err).String(), "%v", err)
		})
	}
}

// faultRows returns the first column of each row of SECURITY.md's "Bad
// input and faults" table.
func faultRows(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("SECURITY.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(b), "## Bad input and faults")
	require.True(t, ok)
	var rows []string
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		first := strings.TrimSpace(strings.Split(line, "|")[1])
		if first == "input or fault" {
			continue
		}
		rows = append(rows, first)
	}
	return rows
}

func TestClassOfOtherErrors(t *testing.T) {
	t.Parallel()
	assert.Equal(t, enduser.ClassNone, enduser.Class(nil))
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(context.Canceled), "a wait that ended lost nothing")
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(os.ErrClosed), "unknown: never resend")
	assert.Equal(t, enduser.ClassRateLimited, enduser.Class(&enduser.APIError{Op: enduser.OpAppleLogin, HTTPStatus: 429, Code: 5000}), "HTTP 429 wins over the code")
	assert.Equal(t, enduser.ClassServer, enduser.Class(&enduser.APIError{Op: enduser.OpAppleLogin, HTTPStatus: 200, Code: 5999}), "an undocumented code")
	assert.Equal(t, enduser.ClassServer, enduser.Class(&enduser.APIError{Op: enduser.OpSignInByMobile, HTTPStatus: 200, Code: 500}))
	assert.Equal(t, enduser.ClassDenied, enduser.Class(&enduser.APIError{Op: enduser.OpSignInByMobile, HTTPStatus: 200, Code: 403, APICode: 99999}), "an unknown apiCode: by its statusCode")
	assert.Equal(t, enduser.ClassServer, enduser.Class(&enduser.UnexpectedResponseError{Op: enduser.OpAppleLogin, HTTPStatus: 503}))

	_, err := enduser.NewClient(testConfig(), enduser.WithTimeout(-1))
	assert.Equal(t, enduser.ClassMisconfigured, enduser.Class(err))
}

// TestNonEnvelope4xxIsMisconfigured: a host whose base path is wrong
// answers a 404 page (HTML or text), or another 4xx page: no retry can
// help, so it is ClassMisconfigured, and the message names the URL called
// (scheme, host and path; never the query, where WithQueryParams puts the
// signature) and says it answered without the API's envelope.
func TestNonEnvelope4xxIsMisconfigured(t *testing.T) {
	t.Parallel()
	for _, status := range []int{404, 400, 403, 405} {
		for _, contentType := range []string{"text/html", "text/plain"} {
			srv, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", contentType)
				w.WriteHeader(status)
				_, _ = w.Write([]byte("<html>404 page not found</html>"))
			})
			cfg := enduser.Config{BaseURL: srv.URL + "/wrong", UserDomain: testDomain, UserDomainSecret: testSecret,
				GenAuth: enduser.GenAuthConfig{Host: srv.URL + "/wrong", AppID: testAppID}}
			c, err := enduser.NewClient(cfg, enduser.WithQueryParams())
			require.NoError(t, err)
			_, v2Err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-404"})
			_, gaErr := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "CODE-404"}})
			for path, err := range map[string]error{"/wrong/v2/enduser/enduserapi/appleAuthLogin": v2Err, "/wrong/api/v3/signin-by-mobile": gaErr} {
				require.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
				assert.Equal(t, enduser.ClassMisconfigured, enduser.Class(err), "HTTP %d %s", status, contentType)
				assert.Contains(t, err.Error(), srv.URL+path+" answered HTTP "+strconv.Itoa(status)+" without the API's envelope")
				for _, secret := range []string{"IDTOKEN-404", "CODE-404", "?", "signature="} {
					assert.NotContains(t, err.Error(), secret)
				}
			}
			c.CloseIdleConnections()
		}
	}
	// A 429 or a 5xx page is no wrong URL.
	assert.Equal(t, enduser.ClassRateLimited, enduser.Class(&enduser.UnexpectedResponseError{HTTPStatus: 429}))
	assert.Equal(t, enduser.ClassServer, enduser.Class(&enduser.UnexpectedResponseError{HTTPStatus: 502}))
}
