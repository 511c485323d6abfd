package downstream_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// browser is a user agent of the service under test: it keeps the service's
// cookie between calls, as a browser or mobile app does.
type browser struct {
	t   *testing.T
	url string
	hc  *http.Client
}

// answer is what the service answered one call.
type answer struct {
	status     int
	retryAfter string
	body       map[string]string // JSON body of a 200
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := &http.Client{Jar: jar}
	t.Cleanup(hc.CloseIdleConnections)
	return &browser{t: t, url: srv.URL, hc: hc}
}

func (b *browser) do(method, path, body string) answer {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.url+path, strings.NewReader(body))
	require.NoError(b.t, err)
	resp, err := b.hc.Do(req)
	require.NoError(b.t, err)
	defer func() { _ = resp.Body.Close() }()
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if resp.StatusCode == http.StatusOK {
		require.NoError(b.t, json.NewDecoder(resp.Body).Decode(&a.body))
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return a
}

func (b *browser) loginApple(identityToken string) answer {
	return b.do(http.MethodPost, "/login", `{"IdentityToken":"`+identityToken+`"}`)
}

func (b *browser) loginWechat(code string) answer {
	return b.do(http.MethodPost, "/login", `{"WechatCode":"`+code+`"}`)
}

func (b *browser) me() answer     { return b.do(http.MethodGet, "/me", "") }
func (b *browser) logout() answer { return b.do(http.MethodPost, "/logout", "") }
