package enduser_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// nxdomainResolver answers every DNS question with NXDOMAIN from a local
// UDP server, so that "no such host" is tested without the network.
func nxdomainResolver(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			end := 12 // the question: labels, then type and class
			for end < n && buf[end] != 0 {
				end += int(buf[end]) + 1
			}
			end += 5
			if end > n {
				continue
			}
			resp := append([]byte(nil), buf[:end]...)
			resp[2] = 0x80 | buf[2]&0x01 // a response, recursion desired as asked
			resp[3] = 0x83               // recursion available, NXDOMAIN
			clear(resp[6:12])            // no answer, authority or additional records
			_, _ = pc.WriteTo(resp, addr)
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(t *testing.T) (baseURL string, opts []enduser.Option, served func() int32)
		written  bool
		class    enduser.ErrorClass
		attempts int
		check    func(t *testing.T, err error)
	}{
		{
			name: "connection refused: nothing sent, retried",
			setup: func(t *testing.T) (string, []enduser.Option, func() int32) {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				addr := l.Addr().String()
				require.NoError(t, l.Close())
				return "http://" + addr, nil, func() int32 { return 0 }
			},
			written: false, class: enduser.ClassTemporary, attempts: 3,
			check: func(t *testing.T, err error) {
				var op *net.OpError
				require.ErrorAs(t, err, &op)
				assert.Equal(t, "dial", op.Op)
				var ne net.Error
				require.ErrorAs(t, err, &ne)
				assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the errno is kept")
			},
		},
		{
			name: "DNS not found: nothing sent, retried",
			setup: func(t *testing.T) (string, []enduser.Option, func() int32) {
				tr := &http.Transport{DialContext: (&net.Dialer{Resolver: nxdomainResolver(t)}).DialContext}
				return "https://enduser-test.invalid.", []enduser.Option{enduser.WithHTTPClient(&http.Client{Transport: tr})}, func() int32 { return 0 }
			},
			written: false, class: enduser.ClassTemporary, attempts: 3,
			check: func(t *testing.T, err error) {
				var dns *net.DNSError
				require.ErrorAs(t, err, &dns)
				assert.True(t, dns.IsNotFound, "%v", dns)
			},
		},
		{
			name: "TLS bad certificate: nothing sent, not transient",
			setup: func(t *testing.T) (string, []enduser.Option, func() int32) {
				srv, n := countingTLSServer(t)
				return srv.URL, nil, n
			},
			written: false, class: enduser.ClassMisconfigured, attempts: 1,
			check: func(t *testing.T, err error) {
				var cv *tls.CertificateVerificationError
				require.ErrorAs(t, err, &cv)
			},
		},
		{
			name: "reset after the request was written: maybe processed",
			setup: func(t *testing.T) (string, []enduser.Option, func() int32) {
				url, n := rawServer(t, reset)
				return url, nil, n.Load
			},
			written: true, class: enduser.ClassMaybeProcessed, attempts: 1,
			check: func(t *testing.T, err error) { assert.NotErrorIs(t, err, enduser.ErrUnexpectedResponse) },
		},
		{
			name: "timeout waiting for the answer: maybe processed",
			setup: func(t *testing.T) (string, []enduser.Option, func() int32) {
				release := make(chan struct{})
				srv, n := countingServer(t, func(http.ResponseWriter, *http.Request) { <-release })
				t.Cleanup(func() { close(release) })
				return srv.URL, []enduser.Option{enduser.WithTimeout(200 * time.Millisecond)}, n.Load
			},
			written: true, class: enduser.ClassMaybeProcessed, attempts: 1,
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				var ne net.Error
				require.ErrorAs(t, err, &ne)
				assert.True(t, ne.Timeout())
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, opts, served := tt.setup(t)
			h := &recHook{}
			c := socketClient(t, url, append(opts, fastRetry, enduser.WithHook(h))...)
			start := time.Now()
			err := appleLogin(bg, c)
			assert.Less(t, time.Since(start), 10*time.Second)

			var te *enduser.TransportError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, enduser.OpAppleLogin, te.Op)
			assert.Equal(t, tt.written, te.Written)
			assert.Equal(t, tt.class, enduser.Class(err))
			assert.Len(t, h.Attempts(), tt.attempts)
			if !tt.written {
				assert.Equal(t, int32(0), served(), "nothing reached the server")
				assert.Contains(t, err.Error(), "nothing was sent")
			} else {
				assert.Equal(t, int32(1), served(), "the server may have seen it: never sent again")
				assert.Contains(t, err.Error(), "may have reached the server")
			}
			assert.NotContains(t, err.Error(), "/v2/", "no URL in the error")
			tt.check(t, err)
		})
	}
}

// countingTLSServer is an HTTPS server whose certificate the client does
// not trust.
func countingTLSServer(t *testing.T) (*httptest.Server, func() int32) {
	t.Helper()
	srv, n := countingServer(t, answer(200, okLogin))
	srv.Close()
	tlsSrv := httptest.NewUnstartedServer(srv.Config.Handler)
	tlsSrv.Config.ErrorLog = discardLog()
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	return tlsSrv, n.Load
}

func TestTransportErrorUnwrapsCauseAndContext(t *testing.T) {
	t.Parallel()
	cause := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	te := &enduser.TransportError{Op: "x", Written: true, Err: cause}
	var op *net.OpError
	require.ErrorAs(t, te, &op)
	assert.Same(t, cause, op)
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(fmtWrap(te)))

	// Cancelled while the server holds the answer: both the context's
	// error and the cause are in the chain.
	url, _ := rawServer(t, func(c *net.TCPConn) { time.Sleep(300 * time.Millisecond); _ = c.Close() })
	c := socketClient(t, url)
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(50*time.Millisecond, cancel)
	err := appleLogin(ctx, c)
	require.ErrorIs(t, err, context.Canceled)
	var te2 *enduser.TransportError
	require.ErrorAs(t, err, &te2)
	assert.True(t, te2.Written)
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

func fmtWrap(err error) error { return fmt.Errorf("wrapped: %w", err) }

func TestDoneContextSendsNothing(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(200, okLogin))
	h := &recHook{}
	c := socketClient(t, srv.URL, enduser.WithHook(h))
	ctx, cancel := context.WithCancel(bg)
	cancel()
	err := appleLogin(ctx, c)
	require.ErrorIs(t, err, context.Canceled)
	var te *enduser.TransportError
	require.ErrorAs(t, err, &te)
	assert.False(t, te.Written)
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err), "nothing was sent: the credential is still good")
	assert.Zero(t, n.Load())
	assert.Empty(t, h.Events(), "not a call")
}

// TestTransportErrorNeverQuotesTheServer: a hostile HTTP/1.1 server reads
// the login and answers with a malformed status line or header that echoes
// the request. net/http quotes the bytes it could not parse in its error;
// the TransportError's text must not carry the credentials in them.
func TestTransportErrorNeverQuotesTheServer(t *testing.T) {
	t.Parallel()
	const secret = "MALFORMED-ud-secret-0001"
	for name, answer := range map[string]func(req string) string{
		"status line": func(req string) string { return "HTTP/1.1 2x0 " + req + "\r\n\r\n" },
		"header":      func(req string) string { return "HTTP/1.1 200 OK\r\n" + req + "\r\n\r\n" },
		"response":    func(req string) string { return req + "\r\n\r\n" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { _ = ln.Close() })
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					go func() {
						defer conn.Close()
						r := bufio.NewReader(conn)
						req, err := http.ReadRequest(r)
						if err != nil {
							return
						}
						body, _ := io.ReadAll(req.Body)
						echo := string(body) + " " + req.URL.RawQuery
						_, _ = io.WriteString(conn, answer(strings.NewReplacer("\r", "", "\n", "").Replace(echo)))
					}()
				}
			}()
			c, err := enduser.NewClient(enduser.Config{BaseURL: "http://" + ln.Addr().String(), UserDomain: "E.SP.7", UserDomainSecret: secret},
				enduser.WithInsecureHTTP(), enduser.WithQueryParams())
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)
			_, err = c.WechatOfficialAccountLogin(context.Background(), enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "MALFORMED-code-0002"})
			var te *enduser.TransportError
			require.ErrorAs(t, err, &te)
			layers := unwrapAll(err)
			require.Greater(t, len(layers), 1, "the chain has a cause")
			sig := enduser.Sign(secret, "wx", "MALFORMED-code-0002")
			for _, layer := range layers {
				text := fmt.Sprintf("%v %+v %#v %s %q %x %X", layer, layer, layer, layer, layer, layer, layer)
				for _, s := range []string{"MALFORMED-code-0002", sig[:16], "signature=", "code="} {
					assert.NotContains(t, strings.ToLower(text), strings.ToLower(s), "layer %T", layer)
				}
			}
		})
	}
}

// unwrapAll returns err and every error below it, through Unwrap() error
// and Unwrap() []error, depth first.
func unwrapAll(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) { //nolint:errorlint // one layer at a time, on purpose
	case interface{ Unwrap() error }:
		out = append(out, unwrapAll(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
	}
	return out
}
