package enduser_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// Tests of the call path (call.go, response.go) run over real sockets.
// Each asserts the typed error, how many
// requests the server saw, and that the call returned within its deadline.

var fastRetry = enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Second})

const okLogin = `{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer a","expirationTime":4102444800},"refreshToken":{"token":"r","expirationTime":4102444800}}}`

func socketClient(t *testing.T, baseURL string, opts ...enduser.Option) *enduser.Client {
	t.Helper()
	cfg := testConfig()
	cfg.BaseURL = baseURL
	c, err := enduser.NewClient(cfg, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func appleLogin(ctx context.Context, c *enduser.Client) error {
	_, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-fault-test"})
	return err
}

// countingServer answers each request with the next handler in turn.
func countingServer(t *testing.T, handlers ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		_, _ = io.Copy(io.Discard, r.Body)
		handlers[min(i, len(handlers)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// rawServer accepts connections and hands each to fn after reading one
// request; it counts the requests read.
func rawServer(t *testing.T, fn func(c *net.TCPConn)) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var n atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				n.Add(1)
			}
			fn(conn.(*net.TCPConn))
		}
	}()
	t.Cleanup(func() { _ = l.Close(); <-done })
	return "http://" + l.Addr().String(), &n
}

func reset(c *net.TCPConn) {
	_ = c.SetLinger(0)
	_ = c.Close()
}

func TestFaultConnectionRefusedIsRetried(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	var logs logBuffer
	c := socketClient(t, "http://"+addr, fastRetry, enduser.WithLogger(logs.Logger()))
	start := time.Now()
	err = appleLogin(bg, c)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr)
	assert.NotErrorIs(t, err, enduser.ErrUnexpectedResponse)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 2, strings.Count(logs.String(), `"retry":"connection failed before the request was sent"`), "3 attempts: 2 retries")
	assert.Equal(t, 3, strings.Count(logs.String(), `"op":"appleAuthLogin"`))
}

func TestFaultResetAfterWriteIsNotRetried(t *testing.T) {
	t.Parallel()
	url, n := rawServer(t, reset)
	c := socketClient(t, url, fastRetry)
	err := appleLogin(bg, c)
	require.Error(t, err)
	assert.NotErrorIs(t, err, enduser.ErrUnexpectedResponse)
	assert.Equal(t, int32(1), n.Load(), "the server may have seen it: never sent again")
}

func TestFaultResetMidBody(t *testing.T) {
	t.Parallel()
	url, n := rawServer(t, func(c *net.TCPConn) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"code\":200,\"data\":{\"acc")
		time.Sleep(20 * time.Millisecond)
		reset(c)
	})
	c := socketClient(t, url, fastRetry)
	err := appleLogin(bg, c)
	assert.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
	assert.Equal(t, int32(1), n.Load())
}

func TestFaultTruncatedJSON(t *testing.T) {
	t.Parallel()
	url, n := rawServer(t, func(c *net.TCPConn) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"+okLogin[:60])
		_ = c.Close()
	})
	c := socketClient(t, url, fastRetry)
	err := appleLogin(bg, c)
	assert.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(1), n.Load())
}

func TestFaultGatewayHTML(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(502, "<html><body>502 Bad Gateway</body></html>", "Content-Type", "text/html"))
	c := socketClient(t, srv.URL, fastRetry)
	err := appleLogin(bg, c)
	var ue *enduser.UnexpectedResponseError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 502, ue.HTTPStatus)
	assert.Equal(t, "text/html", ue.ContentType)
	assert.Contains(t, ue.Excerpt, "502 Bad Gateway")
	assert.Equal(t, int32(1), n.Load(), "a 502 may have been processed: not retried")
}

func TestFaultSlowHeadersPastDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv, n := countingServer(t, func(http.ResponseWriter, *http.Request) { <-release })
	defer close(release)
	c := socketClient(t, srv.URL, fastRetry, enduser.WithTimeout(200*time.Millisecond))
	start := time.Now()
	err := appleLogin(bg, c)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, int32(1), n.Load(), "a timeout is never retried")
}

func TestFault429WithRetryAfter(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down", "Retry-After", "1"), answer(200, okLogin))
	c := socketClient(t, srv.URL, fastRetry)
	start := time.Now()
	require.NoError(t, appleLogin(bg, c))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After is honoured")
	assert.Equal(t, int32(2), n.Load(), "retried once")
}

func TestFault429PastDeadlineIsNotWaited(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down", "Retry-After", "30"))
	c := socketClient(t, srv.URL, enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 3, MaxBackoff: time.Minute}))
	ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := appleLogin(ctx, c)
	assert.ErrorIs(t, err, enduser.ErrRateLimited)
	assert.Less(t, time.Since(start), time.Second, "a wait that outlives the deadline is not started")
	assert.Equal(t, int32(1), n.Load())
}

// A gateway answers 503 after forwarding a request whose upstream failed:
// the code may have been redeemed, so a login is not sent again.
func TestFault503LoginIsSentOnce(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(503, "upstream reset"))
	c := socketClient(t, srv.URL, fastRetry)
	var ue *enduser.UnexpectedResponseError
	require.ErrorAs(t, appleLogin(bg, c), &ue)
	assert.Equal(t, 503, ue.HTTPStatus)
	assert.Equal(t, int32(1), n.Load(), "a 503 is no proof the login was not processed")
	_, err := c.RefreshToken(bg, "RT-503")
	require.Error(t, err)
	assert.Equal(t, int32(2), n.Load(), "nor a refresh")
}

// A user-info read is idempotent: a 503 is retried.
func TestFault503UserInfoIsRetried(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(503, "busy"), answer(200, `{"code":200,"msg":"ok","data":{"uid":"u-1"}}`))
	c := socketClient(t, srv.URL, fastRetry)
	info, err := c.UserInfo(bg, &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer a"})
	require.NoError(t, err)
	assert.Equal(t, "u-1", info.UID)
	assert.Equal(t, int32(2), n.Load())
}

func TestFaultNoRetryPolicy(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(503, "busy"), answer(200, okLogin))
	c := socketClient(t, srv.URL, enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	var ue *enduser.UnexpectedResponseError
	require.ErrorAs(t, appleLogin(bg, c), &ue)
	assert.Equal(t, 503, ue.HTTPStatus)
	assert.Equal(t, int32(1), n.Load())
}

func TestFaultNeverAnswersCancelledContext(t *testing.T) {
	t.Parallel()
	url, _ := rawServer(t, func(c *net.TCPConn) {
		time.Sleep(500 * time.Millisecond)
		_ = c.Close()
	})
	c := socketClient(t, url, fastRetry)
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := appleLogin(ctx, c)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.Less(t, time.Since(start), 400*time.Millisecond)
}

func TestOneConnectionForSequentialCalls(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(answer(200, okLogin))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := socketClient(t, srv.URL)
	for range 200 {
		require.NoError(t, appleLogin(bg, c))
	}
	assert.Equal(t, int32(1), conns.Load(), "keep-alive: 200 sequential logins over one TCP connection")
}

// TestNoRedirectNoCookie: a login answered with a redirect and a cookie is
// not followed and the cookie is never sent back, even when the caller's
// *http.Client has a cookie jar and follows redirects; every request
// carries the configured User-Agent and asks for JSON.
func TestNoRedirectNoCookie(t *testing.T) {
	t.Parallel()
	var redirected atomic.Int32
	var cookies, agents, accepts []string
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { redirected.Add(1) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, r.Header.Get("Cookie"))
		agents, accepts = append(agents, r.Header.Get("User-Agent")), append(accepts, r.Header.Get("Accept"))
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "server-session"})
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	clients := map[string][]enduser.Option{
		"default":         nil,
		"caller's client": {enduser.WithHTTPClient(&http.Client{Jar: jar})},
	}
	for name, opts := range clients {
		c := socketClient(t, srv.URL, append(opts, enduser.WithUserAgent("ua-under-test"))...)
		for range 2 {
			var ue *enduser.UnexpectedResponseError
			require.ErrorAs(t, appleLogin(bg, c), &ue, name)
			assert.Equal(t, http.StatusFound, ue.HTTPStatus, name)
		}
	}
	assert.Zero(t, redirected.Load(), "no redirect is followed")
	require.Len(t, cookies, 2*len(clients))
	for i := range cookies {
		assert.Empty(t, cookies[i], "no cookie is sent back")
		assert.Equal(t, "ua-under-test", agents[i])
		assert.Equal(t, "application/json", accepts[i])
	}
	req, err := http.NewRequestWithContext(bg, http.MethodGet, srv.URL, http.NoBody)
	require.NoError(t, err)
	assert.Empty(t, jar.Cookies(req.URL), "the caller's jar is not used")
}
