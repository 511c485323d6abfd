package enduser_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// mobileLogin signs in by mobile through c.
func mobileLogin(ctx context.Context, c *enduser.Client) error {
	_, err := c.SignInByMobile(ctx, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wechat-mobile", Payload: enduser.WechatPayload{Code: "CODE-retry-after"}})
	return err
}

// socketClientBoth is socketClient with both families on baseURL.
func socketClientBoth(t *testing.T, baseURL string, opts ...enduser.Option) *enduser.Client {
	t.Helper()
	cfg := testConfig()
	cfg.BaseURL, cfg.GenAuth.Host = baseURL, baseURL
	c, err := enduser.NewClient(cfg, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestRetryAfterLongWaitReturnsPromptly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		call   func(context.Context, *enduser.Client) error
		asAPI  bool // the answer is an envelope: *APIError, else *UnexpectedResponseError
	}{
		{"v2 HTTP 429, plain body", 429, "Too Many Requests", appleLogin, false},
		{"v2 HTTP 429, envelope", 429, `{"code":429,"msg":"too many requests"}`, appleLogin, true},
		{"GenAuth HTTP 429, plain body", 429, "Too Many Requests", mobileLogin, false},
		{"GenAuth HTTP 429, envelope", 429, `{"statusCode":429,"message":"throttled","requestId":"r1"}`, mobileLogin, true},
		{"GenAuth HTTP 200, envelope statusCode 429", 200, `{"statusCode":429,"message":"throttled","requestId":"r1"}`, mobileLogin, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, n := countingServer(t, answer(tt.status, tt.body, "Retry-After", "30"))
			c := socketClientBoth(t, srv.URL) // the default policy
			start := time.Now()
			err := tt.call(bg, c)
			assert.Less(t, time.Since(start), 5*time.Second, "a 30 s wait is the caller's, not the SDK's")
			assert.Equal(t, int32(1), n.Load(), "not retried")
			assert.ErrorIs(t, err, enduser.ErrRateLimited)
			assert.Equal(t, enduser.ClassRateLimited, enduser.Class(err))
			d, ok := enduser.RetryAfter(err)
			assert.True(t, ok)
			assert.Equal(t, 30*time.Second, d)
			if tt.asAPI {
				var ae *enduser.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 30*time.Second, ae.RetryAfter)
			} else {
				var ue *enduser.UnexpectedResponseError
				require.ErrorAs(t, err, &ue)
				assert.Equal(t, 30*time.Second, ue.RetryAfter)
			}
		})
	}
}

func TestRetryAfterShortWaitIsRetried(t *testing.T) {
	t.Parallel()
	const okMobile = `{"statusCode":200,"data":{"access_token":"a","id_token":"i","token_type":"Bearer","expire_in":7200}}`
	srv, n := countingServer(t, answer(200, `{"statusCode":429,"message":"throttled"}`, "Retry-After", "1"), answer(200, okMobile))
	c := socketClientBoth(t, srv.URL)
	start := time.Now()
	require.NoError(t, mobileLogin(bg, c))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "the 1 s Retry-After is waited")
	assert.Equal(t, int32(2), n.Load())
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	when := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	srv, _ := countingServer(t, answer(429, "slow down", "Retry-After", when))
	err := appleLogin(bg, socketClient(t, srv.URL))
	d, ok := enduser.RetryAfter(err)
	require.True(t, ok)
	assert.InDelta(t, time.Hour.Seconds(), d.Seconds(), 5)
}

func TestRateLimitWaitZeroReturnsEvery429(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down", "Retry-After", "1"), answer(200, okLogin))
	c := socketClient(t, srv.URL, enduser.WithRateLimitWait(0))
	err := appleLogin(bg, c)
	d, ok := enduser.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, time.Second, d)
	assert.Equal(t, int32(1), n.Load())

	_, err = enduser.NewClient(testConfig(), enduser.WithRateLimitWait(-time.Second))
	assert.ErrorIs(t, err, enduser.ErrInvalidConfig)
}

func TestRetryAfterWithoutHint(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down"))
	c := socketClient(t, srv.URL, enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	err := appleLogin(bg, c)
	assert.Equal(t, int32(2), n.Load(), "a 429 without Retry-After is retried after the backoff")
	assert.Equal(t, enduser.ClassRateLimited, enduser.Class(err))
	_, ok := enduser.RetryAfter(err)
	assert.False(t, ok, "no hint")
}

func TestRetryAfterOnlyFor429(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t, answer(502, "<html>bad gateway</html>", "Retry-After", "30"))
	err := appleLogin(bg, socketClient(t, srv.URL))
	require.Error(t, err)
	_, ok := enduser.RetryAfter(err)
	assert.False(t, ok, "a Retry-After on another status is not a rate limit")
	_, ok = enduser.RetryAfter(nil)
	assert.False(t, ok)
	_, ok = enduser.RetryAfter(&enduser.APIError{Op: enduser.OpAppleLogin, HTTPStatus: 200, Code: 5015, RetryAfter: time.Second})
	assert.False(t, ok)
}

// TestRetryAfterFromTheEmulator uses the emulator's scripted 429 (header and
// envelope, or envelope only at HTTP 200) on both families.
func TestRetryAfterFromTheEmulator(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	calls := map[string]func() error{
		enduser.OpAppleLogin: func() error {
			_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-429"})
			return err
		},
		enduser.OpSignInByMobile: func() error { return mobileLogin(bg, c) },
	}
	for op, call := range calls {
		for name, fault := range map[string]endusertest.Fault{
			"HTTP 429 and envelope": endusertest.RateLimited("30"),
			"envelope at HTTP 200":  endusertest.RateLimited("30").InEnvelopeOnly(),
		} {
			before := srv.Count(op)
			srv.Inject(op, fault)
			start := time.Now()
			err := call()
			assert.Less(t, time.Since(start), 5*time.Second, "%s %s", op, name)
			assert.Equal(t, 1, srv.Count(op)-before, "%s %s: not retried", op, name)
			assert.ErrorIs(t, err, enduser.ErrRateLimited, "%s %s", op, name)
			d, ok := enduser.RetryAfter(err)
			assert.True(t, ok, "%s %s", op, name)
			assert.Equal(t, 30*time.Second, d, "%s %s", op, name)
		}
	}
}
