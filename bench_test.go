package enduser_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/baseline"
)

// The benchmarks compare each SDK call with a raw baseline that sends the
// identical request with net/http and encoding/json to the same server in
// the same run. BENCHMARKS.md records the ratios.

var (
	benchV2Body      = mustRead("testdata/v2/login_ok.json")
	benchGenAuthBody = mustRead("testdata/genauth/signin_ok.json")
)

func mustRead(path string) []byte {
	var b bytes.Buffer
	f, err := http.Dir(".").Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	_, _ = b.ReadFrom(f)
	return b.Bytes()
}

// benchServer answers every v2 call with a login and every GenAuth call
// with a sign-in, over real loopback sockets.
func benchServer(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			_, _ = w.Write(benchGenAuthBody)
			return
		}
		_, _ = w.Write(benchV2Body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func benchClient(tb testing.TB, srv *httptest.Server) *enduser.Client {
	cfg := testConfig()
	cfg.BaseURL, cfg.GenAuth.Host = srv.URL, srv.URL
	c, err := enduser.NewClient(cfg)
	require.NoError(tb, err)
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

var benchTwitter = enduser.TwitterLoginRequest{AppID: "tw-app-1", OAuthToken: "1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz", OAuthTokenSecret: "ZyXwVuTsRqPoNmLkJiHgFeDcBa0987654321"}

func rawClient() *http.Client { return baseline.NewClient(enduser.DefaultTimeout) }

func rawTwitterLogin(hc *http.Client, base string) error {
	r := benchTwitter
	return baseline.TwitterLogin(bg, hc, base, testDomain, testSecret, r.AppID, r.OAuthToken, r.OAuthTokenSecret)
}

func rawSignIn(hc *http.Client, base string) error {
	return baseline.SignInByMobile(bg, hc, base, testAppID, "wechat-mobile", "081AbCdEf0GhIjKl1MnOp2QrSt3UvWx")
}

var benchMobile = enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wechat-mobile", Payload: enduser.WechatPayload{Code: "081AbCdEf0GhIjKl1MnOp2QrSt3UvWx"}}

// benchPair runs the SDK call and the raw baseline as sub-benchmarks
// "sdk" and "raw" against the same server.
func benchPair(b *testing.B, sdk func(c *enduser.Client) error, raw func(hc *http.Client, base string) error) {
	srv := benchServer(b)
	b.Run("sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if err := sdk(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := rawClient()
		defer hc.CloseIdleConnections()
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if err := raw(hc, srv.URL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the process CPU time (user+system, client and
// in-process server together) per op as "cpu-ns/op": on a shared machine it
// moves less than wall-clock time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkV2Login(b *testing.B) {
	benchPair(b, func(c *enduser.Client) error {
		_, err := c.TwitterLogin(bg, benchTwitter)
		return err
	}, rawTwitterLogin)
}

func BenchmarkSignInByMobile(b *testing.B) {
	benchPair(b, func(c *enduser.Client) error {
		_, err := c.SignInByMobile(bg, benchMobile)
		return err
	}, rawSignIn)
}

func BenchmarkSign(b *testing.B) {
	r := benchTwitter
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = enduser.Sign(testSecret, r.AppID, r.OAuthToken, r.OAuthTokenSecret)
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		in := []byte(r.AppID + r.OAuthToken + r.OAuthTokenSecret + testSecret)
		for b.Loop() {
			sum := sha256.Sum256(in)
			_ = hex.EncodeToString(sum[:])
		}
	})
}

// TestAllocsNearRawBaseline is the non-timing regression guard of the
// performance work: per call, the SDK allocates at most 14 more times than
// the raw baseline measured in the same test.
func TestAllocsNearRawBaseline(t *testing.T) {
	srv := benchServer(t)
	c := benchClient(t, srv)
	hc := rawClient()
	defer hc.CloseIdleConnections()
	for _, tc := range []struct {
		name     string
		sdk, raw func()
	}{
		{"v2 login", func() { _, _ = c.TwitterLogin(bg, benchTwitter) }, func() { _ = rawTwitterLogin(hc, srv.URL) }},
		{"SignInByMobile", func() { _, _ = c.SignInByMobile(bg, benchMobile) }, func() { _ = rawSignIn(hc, srv.URL) }},
	} {
		tc.sdk()
		tc.raw()
		sdk := testing.AllocsPerRun(200, tc.sdk)
		raw := testing.AllocsPerRun(200, tc.raw)
		t.Logf("%s: sdk %.0f allocs, raw %.0f allocs", tc.name, sdk, raw)
		assert.LessOrEqual(t, sdk, raw+14, tc.name)
	}
	sign := testing.AllocsPerRun(100, func() { _ = enduser.Sign(testSecret, "a", "b", "c") })
	assert.Equal(t, 1.0, sign, "Sign allocates only its result")
}
