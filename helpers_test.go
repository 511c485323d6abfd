package enduser_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// Credentials of the mocked deployment. The secret values are markers that
// leak tests grep for.
const (
	testBase      = "https://iot-api.example.test"
	testDomain    = "E.SP.4294967410"
	testSecret    = "UDSECRET-57Fk69oYgbs2aWWN"
	testGenHost   = "https://app.genauth.example.test"
	testAppID     = "6063fb2f3c0000000000aaaa"
	testAppSecret = "APPSECRET-2fe7c87a81f867"
)

func v2URL(endpoint string) string { return testBase + "/v2/enduser/enduserapi/" + endpoint }

const mobileURL = testGenHost + "/api/v3/signin-by-mobile"

func testConfig() enduser.Config {
	return enduser.Config{
		BaseURL: testBase, UserDomain: testDomain, UserDomainSecret: testSecret,
		GenAuth: enduser.GenAuthConfig{Host: testGenHost, AppID: testAppID, AppSecret: testAppSecret},
	}
}

// newTestClient returns a client whose HTTP goes to a fresh httpmock
// transport (never the global one). Unmatched requests fail the test.
func newTestClient(t testing.TB, cfg enduser.Config, opts ...enduser.Option) (*enduser.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Error))
	opts = append([]enduser.Option{enduser.WithHTTPClient(&http.Client{Transport: mt})}, opts...)
	c, err := enduser.NewClient(cfg, opts...)
	require.NoError(t, err)
	return c, mt
}

// seen is a request as the server saw it.
type seen struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// Form returns the parameters from the body or, without a body, the query.
func (s seen) Form() url.Values {
	if len(s.Body) > 0 {
		v, _ := url.ParseQuery(string(s.Body))
		return v
	}
	return s.URL.Query()
}

// recorder answers with a fixed response and keeps every request.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) responder(status int, body []byte, header ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{Method: req.Method, URL: req.URL, Header: req.Header.Clone(), Body: b})
		r.mu.Unlock()
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

func (r *recorder) last(t testing.TB) seen {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.reqs, "no request reached the server")
	return r.reqs[len(r.reqs)-1]
}

// logBuffer is a debug-level JSON slog destination safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

var bg = context.Background()
