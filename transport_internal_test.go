package enduser

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Resetter is a hostile HTTP/2 server: it reads every request whole
// (HEADERS and DATA up to END_STREAM), counts it by path, and answers
// RST_STREAM(PROTOCOL_ERROR), which net/http's HTTP/2 transport takes as
// an invitation to resend whatever it can rewind.
type h2Resetter struct {
	url   string
	roots *x509.CertPool

	mu   sync.Mutex
	seen map[string]int // path -> complete requests read
}

func newH2Resetter(t *testing.T) *h2Resetter {
	t.Helper()
	// Borrow httptest's certificate (valid for 127.0.0.1) and its pool.
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.StartTLS()
	cert := ts.TLS.Certificates[0]
	roots := ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	ts.Close()

	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12,
	})
	require.NoError(t, err)
	s := &h2Resetter{url: "https://" + ln.Addr().String(), roots: roots, seen: map[string]int{}}
	var wg sync.WaitGroup
	var connsMu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns = append(conns, c)
			connsMu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		connsMu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		connsMu.Unlock()
		wg.Wait()
	})
	return s
}

func (s *h2Resetter) serve(c net.Conn) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	paths := map[uint32]string{}
	done := func(id uint32) {
		s.mu.Lock()
		s.seen[paths[id]]++
		s.mu.Unlock()
		delete(paths, id)
		_ = fr.WriteRSTStream(id, http2.ErrCodeProtocol)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				_ = fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				_ = fr.WritePing(true, f.Data)
			}
		case *http2.MetaHeadersFrame:
			path, _, _ := strings.Cut(f.PseudoValue("path"), "?")
			paths[f.StreamID] = path
			if f.StreamEnded() {
				done(f.StreamID)
			}
		case *http2.DataFrame:
			if n := uint32(len(f.Data())); n > 0 {
				_ = fr.WriteWindowUpdate(0, n)
			}
			if f.StreamEnded() {
				done(f.StreamID)
			}
		case *http2.GoAwayFrame:
			return
		}
	}
}

func (s *h2Resetter) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.seen))
	for k, v := range s.seen {
		out[k] = v
	}
	return out
}

// TestAtMostOnceOverHTTP2 is issue 12's hostile test: every call that
// carries a single-use or rotating credential reaches a server that resets
// each stream after reading it exactly once, in form and query mode, over
// the SDK's own transport and over a caller's HTTP/2 transport.
func TestAtMostOnceOverHTTP2(t *testing.T) {
	srv := newH2Resetter(t)
	tok := &Token{Family: FamilyV2, AccessToken: "Bearer h2-access", RefreshToken: "h2-refresh"}
	calls := []struct {
		path string
		call func(ctx context.Context, c *Client) error
	}{
		{"/v2/enduser/enduserapi/twitterAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.TwitterLogin(ctx, TwitterLoginRequest{AppID: "a", OAuthToken: "ot", OAuthTokenSecret: "ots"})
			return err
		}},
		{"/v2/enduser/enduserapi/appleAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.AppleLogin(ctx, AppleLoginRequest{IdentityToken: "idt"})
			return err
		}},
		{"/v2/enduser/enduserapi/wechatOffiaccountAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.WechatOfficialAccountLogin(ctx, WechatOfficialAccountLoginRequest{AppID: "a", Code: "c"})
			return err
		}},
		{"/v2/enduser/enduserapi/facebookAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.FacebookLogin(ctx, FacebookLoginRequest{AppID: "a", Code: "c"})
			return err
		}},
		{"/v2/enduser/enduserapi/alipayAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.AlipayLogin(ctx, AlipayLoginRequest{AppID: "a", AuthCode: "c"})
			return err
		}},
		{"/v2/enduser/enduserapi/wechatMiniprogramAuthLogin", func(ctx context.Context, c *Client) error {
			_, err := c.WechatMiniProgramLogin(ctx, WechatMiniProgramLoginRequest{AppID: "a", JSCode: "c"})
			return err
		}},
		{"/v2/enduser/enduserapi/refreshToken", func(ctx context.Context, c *Client) error {
			_, err := c.RefreshToken(ctx, "rt")
			return err
		}},
		{"/v2/enduser/enduserapi/userLogout", func(ctx context.Context, c *Client) error {
			return c.Logout(ctx, tok, "")
		}},
		{"/oidc/token", func(ctx context.Context, c *Client) error {
			_, err := c.Refresh(ctx, &Token{Family: FamilyGenAuth, AccessToken: "ga-at", RefreshToken: "ga-rt"})
			return err
		}},
		{"/api/v3/signin-by-mobile", func(ctx context.Context, c *Client) error {
			_, err := c.SignInByMobile(ctx, MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: WechatPayload{Code: "c"}})
			return err
		}},
	}
	transports := map[string]func() Option{
		"default transport": nil,
		"caller's HTTP/2 transport": func() Option {
			return WithHTTPClient(&http.Client{Transport: &http.Transport{
				ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: srv.roots, MinVersion: tls.VersionTLS12},
			}})
		},
		"caller's x/net/http2 transport": func() Option {
			return WithHTTPClient(&http.Client{Transport: &http2.Transport{
				TLSClientConfig: &tls.Config{RootCAs: srv.roots, MinVersion: tls.VersionTLS12},
			}})
		},
		"caller's retrying RoundTripper": func() Option {
			return WithHTTPClient(&http.Client{Transport: rewindingRetrier{&http2.Transport{
				TLSClientConfig: &tls.Config{RootCAs: srv.roots, MinVersion: tls.VersionTLS12},
			}}})
		},
	}
	cfg := Config{BaseURL: srv.url, UserDomain: "E.SP.1", UserDomainSecret: "s",
		GenAuth: GenAuthConfig{Host: srv.url, AppID: "app", AppSecret: "as", AuthMethod: AuthClientSecretPost}}
	for name, tr := range transports {
		for _, query := range []bool{false, true} {
			var opts []Option
			if tr != nil {
				opts = append(opts, tr())
			}
			if query {
				opts = append(opts, WithQueryParams())
			}
			c, err := NewClient(cfg, append(opts, WithTimeout(5*time.Second))...)
			require.NoError(t, err)
			if tr == nil {
				ht, ok := c.rc.GetClient().Transport.(*http.Transport)
				require.True(t, ok, "the default transport is an *http.Transport")
				ht.TLSClientConfig = &tls.Config{RootCAs: srv.roots, MinVersion: tls.VersionTLS12}
			}
			for _, tc := range calls {
				before := srv.counts()[tc.path]
				err := tc.call(context.Background(), c)
				require.Error(t, err, "%s query=%v %s", name, query, tc.path)
				assert.False(t, errors.Is(err, context.DeadlineExceeded), "%s query=%v %s: answered, not timed out: %v", name, query, tc.path, err)
				assert.Equal(t, 1, srv.counts()[tc.path]-before, "%s query=%v %s reached the server once", name, query, tc.path)
			}
			c.CloseIdleConnections()
		}
	}
}

// rewindingRetrier is a RoundTripper a careless caller may wrap around a
// transport: it resends, up to 5 times, every failed request it can rewind
// (it has GetBody) or that has no body.
type rewindingRetrier struct{ next http.RoundTripper }

func (r rewindingRetrier) RoundTrip(req *http.Request) (*http.Response, error) {
	for i := 0; ; i++ {
		resp, err := r.next.RoundTrip(req)
		if err == nil || i == 4 {
			return resp, err
		}
		switch {
		case req.Body == nil || req.Body == http.NoBody:
		case req.GetBody != nil:
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		default:
			return nil, err
		}
	}
}

func TestNoReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		body     io.Reader
		wantBody bool // a non-nil body that is not http.NoBody
	}{
		{"form POST", http.MethodPost, strings.NewReader("a=b"), true},
		{"bodyless POST (query mode)", http.MethodPost, nil, true},
		{"bodyless PUT", http.MethodPut, http.NoBody, true},
		{"bodyless DELETE", http.MethodDelete, nil, true},
		{"GET read", http.MethodGet, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := http.NewRequestWithContext(context.Background(), tt.method, "https://h/x", tt.body)
			require.NoError(t, err)
			r.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
			require.NoError(t, noReplay(nil, r))
			assert.Nil(t, r.GetBody, "no transport may rewind it")
			assert.Equal(t, tt.wantBody, r.Body != nil && r.Body != http.NoBody)
			if tt.body == nil && tt.wantBody {
				n, err := r.Body.Read(make([]byte, 8))
				assert.Equal(t, 0, n)
				assert.ErrorIs(t, err, io.EOF)
			}
		})
	}
}

// BenchmarkTransport compares the default transport over TLS speaking
// HTTP/1.1 and HTTP/2 to the same server, one goroutine and 64
// (BENCHMARKS.md, "HTTP/2").
func BenchmarkTransport(b *testing.B) {
	body := []byte(`{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer eyJhbGciOiJIUzI1NiJ9.e30.x","expirationTime":4102444800},"refreshToken":{"token":"r-0123456789","expirationTime":4102444800}}}`)
	for _, proto := range []string{"h1", "h2"} {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
		srv.EnableHTTP2 = proto == "h2"
		srv.StartTLS()
		roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		cfg := Config{BaseURL: srv.URL, UserDomain: "E.SP.1", UserDomainSecret: "s"}
		for _, par := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", proto, par), func(b *testing.B) {
				c, err := NewClient(cfg)
				require.NoError(b, err)
				c.rc.GetClient().Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
				defer c.CloseIdleConnections()
				req := AppleLoginRequest{IdentityToken: "eyJraWQiOiJBSURPUEsxIn0.IDTOKEN.sig"}
				if _, err := c.AppleLogin(context.Background(), req); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.SetParallelism(max(1, par/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := c.AppleLogin(context.Background(), req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
		srv.Close()
	}
}

// BenchmarkScrub measures what scrubbing costs, which only failures pay
// (BENCHMARKS.md): the scrubber of a GenAuth call with client_secret_basic
// (configured secrets, Authorization, a two-credential payload), then a
// 512-byte failure message, then a 1 MiB body cut to an excerpt.
func BenchmarkScrub(b *testing.B) {
	c, err := NewClient(Config{GenAuth: GenAuthConfig{Host: "https://g.example", AppID: "app-0123456789",
		AppSecret: "APPSECRET-2fe7c87a81f867", AuthMethod: AuthClientSecretBasic}})
	if err != nil {
		b.Fatal(err)
	}
	k := &call{op: OpSignInByMobile, auth: c.keys().basicAuth, payload: LinePayload{AccessToken: "line-access-token-0123456789", IDToken: "eyJhbGciOiJSUzI1NiJ9.line-id.sig"}}
	msg := strings.Repeat("the server says no, ", 26)[:512]
	big := `{"statusCode":200,"data":{"access_token":"` + strings.Repeat("A", 1<<20) + `"}}`
	b.Run("scrubber", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.scrubberFor(k)
		}
	})
	b.Run("message 512 B", func(b *testing.B) {
		sc := c.scrubberFor(k)
		b.ReportAllocs()
		for b.Loop() {
			_ = sc.Scrub(msg, maxServerText)
		}
	})
	b.Run("excerpt of 1 MiB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sc := c.scrubberFor(k)
			_ = sc.Scrub(sc.AddAnswer(big), excerptLen)
		}
	})
}
