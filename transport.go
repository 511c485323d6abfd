package enduser

import (
	"io"
	"net"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"
)

// maxResponseHeaderBytes bounds the header block of an answer on the
// default transport (net/http's own default is 10 MiB).
const maxResponseHeaderBytes = 64 << 10

// newResty builds the one resty client of a Client: a private copy of the
// caller's *http.Client (or a tuned transport), no cookie jar, no redirects,
// no resty retries, no resty logging, and no rewindable request bodies.
func newResty(o options) *resty.Client {
	hc := &http.Client{Transport: newTransport()}
	if o.httpClient != nil {
		cp := *o.httpClient
		hc = &cp
		if hc.Transport == nil {
			hc.Transport = newTransport()
		}
	}
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return resty.NewWithClient(hc).
		SetRetryCount(0).
		SetDebug(false).
		SetDisableWarn(true).
		SetLogger(silentRestyLogger{}).
		SetPreRequestHook(noReplay).
		SetHeader("User-Agent", o.userAgent).
		SetHeader("Accept", "application/json")
}

// noReplay runs on every request just before it goes to the transport. It
// removes the request's GetBody, which resty always sets: with it, net/http
// resends a request on its own (HTTP/2 after a peer's RST_STREAM
// PROTOCOL_ERROR or REFUSED_STREAM, or a GOAWAY; HTTP/1 when it thinks
// nothing was written), and a retrying RoundTripper a caller plugs in can
// do the same. A body that has been written then cannot be sent again, so
// only the Client's own retry loop decides what is resent
// ([Client.shouldRetry]). net/http also resends a request without a body,
// so every method but GET and HEAD gets a non-nil one (resty 2.17 already
// replaces a missing body by an empty buffer; this does not rely on it).
func noReplay(_ *resty.Client, r *http.Request) error {
	r.GetBody = nil
	if (r.Body == nil || r.Body == http.NoBody) && r.Method != http.MethodGet && r.Method != http.MethodHead {
		r.Body = emptyBody{}
	}
	return nil
}

// emptyBody is a zero-length body that net/http cannot rewind. On the wire
// it is an empty DATA frame with END_STREAM (HTTP/2), and an empty chunked
// body for POST and PUT or no body at all for DELETE (HTTP/1.1).
type emptyBody struct{}

func (emptyBody) Read([]byte) (int, error) { return 0, io.EOF }
func (emptyBody) Close() error             { return nil }

// newTransport is sized for one long-lived Client shared by many goroutines
// calling one or two hosts: up to 64 connections per host, all kept alive
// when idle. Past 64 concurrent calls to a host, a call waits for a free
// connection instead of dialing more (bench/load: without the cap, 64
// goroutines opened 100+ connections through pool churn; with it, 64).
// Answers' headers are capped at 64 KiB. It speaks HTTP/2 where the server
// offers it (BENCHMARKS.md, "HTTP/2"). WithHTTPClient replaces all of this.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    64,
		MaxConnsPerHost:        64,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
}

// silentRestyLogger keeps resty from writing to stderr; the Client logs
// through its own slog.Logger.
type silentRestyLogger struct{}

func (silentRestyLogger) Errorf(string, ...any) {}
func (silentRestyLogger) Warnf(string, ...any)  {}
func (silentRestyLogger) Debugf(string, ...any) {}
