package enduser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/go-resty/resty/v2"

	"github.com/seed1804ee03/enduser/internal/netcause"
	"github.com/seed1804ee03/enduser/internal/tuned"
)

// newResty builds the one resty client of a Client around a private copy
// of the caller's *http.Client (or internal/tuned's transport): no cookie jar, no
// redirects, no resty retries, no resty logging, no rewindable body.
func newResty(o options) *resty.Client {
	hc := &http.Client{Transport: tuned.Transport()}
	if o.httpClient != nil {
		cp := *o.httpClient
		hc = &cp
		if hc.Transport == nil {
			hc.Transport = tuned.Transport()
		}
	}
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return resty.NewWithClient(hc).SetRetryCount(0).SetLogger(silentRestyLogger{}).
		SetPreRequestHook(noReplay).SetDoNotParseResponse(true)
}

// noReplay runs on every request just before it goes to the transport. It
// removes GetBody: with it, net/http resends a request on its own (HTTP/2
// after a RST_STREAM PROTOCOL_ERROR or REFUSED_STREAM, or a GOAWAY; HTTP/1
// when it thinks nothing was written), and so can a retrying RoundTripper a
// caller plugs in. A written body must not be sent again, so only the
// Client's retry loop decides what is resent ([Client.shouldRetry]).
// net/http also resends a request without a body, so every method but GET
// and HEAD gets a non-nil one.
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

// silentRestyLogger keeps resty from writing to stderr; the Client logs
// through its own slog.Logger.
type silentRestyLogger struct{}

func (silentRestyLogger) Errorf(string, ...any) {}
func (silentRestyLogger) Warnf(string, ...any)  {}
func (silentRestyLogger) Debugf(string, ...any) {}

// TransportError is a call that got no answer: the connection could not be
// made, broke, or the context ended first. It wraps the cause and, when
// the context ended, the context's error too, so errors.Is and errors.As
// see both: [context.Canceled], [context.DeadlineExceeded], a
// [*net.OpError] (with its [syscall.Errno]), a [*net.DNSError], a
// [*tls.CertificateVerificationError], [os.ErrDeadlineExceeded], [io.EOF],
// a [net.Error] that times out. The cause is rebuilt from those pieces: no
// layer of it holds text a server or a URL wrote (net/http quotes a
// malformed answer, which a hostile server makes an echo of the request
// line; a *url.Error prints the URL with its query).
//
// Written is false only when the failure provably came before any byte was
// written: a failed dial (refused, unreachable, DNS, a proxy's dial) or a
// failed TLS handshake. Then the request can be sent again
// ([ClassTemporary]; the SDK retries it itself), except after a bad
// certificate ([ClassMisconfigured]). Otherwise (a reset after writing, a
// timeout waiting for the answer, an unknown error from a custom
// transport) do not resend the credential ([ClassMaybeProcessed]).
type TransportError struct {
	Op      string // the endpoint, e.g. "appleAuthLogin"
	Written bool   // the request may have reached the server
	Err     error  // the cause, rebuilt from closed-set pieces (see above)
	ctxErr  error  // the context's error when it ended and is not already in Err
}

// newTransportError wraps a failure of op's attempt: Written is read from
// the raw failure, the kept cause rebuilt by netcause.Safe, the context's
// error kept beside it when the context ended.
func newTransportError(ctx context.Context, op string, err error) *TransportError {
	e := &TransportError{Op: op, Err: netcause.Safe(err), Written: !netcause.BeforeWrite(err)}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(e.Err, cerr) {
		e.ctxErr = cerr
	}
	return e
}

// Error names the op, the cause and whether the request was sent, in the
// SDK's or the operating system's words only (netcause.Safe).
func (e *TransportError) Error() string {
	s := "enduser: " + e.Op + ": "
	if e.ctxErr != nil {
		s += e.ctxErr.Error() + " ("
	}
	if e.Err != nil {
		s += e.Err.Error()
	}
	if e.ctxErr != nil {
		s += ")"
	}
	if e.Written {
		return s + " (the request may have reached the server)"
	}
	return s + " (nothing was sent)"
}

// Unwrap returns the context's error (if it ended) and the cause.
func (e *TransportError) Unwrap() []error {
	if e.ctxErr != nil {
		return []error{e.ctxErr, e.Err}
	}
	return []error{e.Err}
}

// retryable reports whether the attempt may be sent again: nothing was
// written and the failure may pass (a bad certificate will not).
func (e *TransportError) retryable() bool { return !e.Written && !netcause.BadPeer(e.Err) }

func (e *TransportError) errorClass() ErrorClass {
	switch {
	case e.Written:
		return ClassMaybeProcessed
	case netcause.BadPeer(e.Err):
		return ClassMisconfigured
	default:
		return ClassTemporary
	}
}

// Format prints Error for every verb and flag (%#v included).
func (e *TransportError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string.
func (e *TransportError) MarshalJSON() ([]byte, error) { return marshalError(e) }
