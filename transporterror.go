package enduser

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// TransportError is a call that got no answer: the connection could not be
// made, broke, or the context ended first. It wraps the cause and, when
// the context ended, the context's error too, so errors.Is and errors.As
// see both: [context.Canceled], [context.DeadlineExceeded], a
// [*net.OpError] (its Op, Net and address, and the [syscall.Errno] under
// it), a [*net.DNSError], a [*tls.CertificateVerificationError],
// [os.ErrDeadlineExceeded], [io.EOF], a [net.Error] that times out. The
// cause is rebuilt from those pieces: no layer of it holds text a server
// or a URL wrote (net/http quotes a malformed answer, which a hostile
// server makes an echo of the request line, credentials included; a
// *url.Error prints the URL with its query).
//
// Written says whether the server may have seen the request. It is false
// only when the failure provably came before any byte was written: a
// failed dial (refused, unreachable, DNS, a proxy's dial) or a failed TLS
// handshake (a certificate that does not verify). Then the same request,
// credential included, can be sent again ([ClassTemporary]; the SDK
// retries it itself), except after a bad certificate, which will not fix
// itself ([ClassMisconfigured]). Otherwise (a reset after writing, a
// timeout waiting for the answer, an unknown error from a custom
// transport) Written is true: do not resend the credential
// ([ClassMaybeProcessed]).
type TransportError struct {
	Op      string // the endpoint, e.g. "appleAuthLogin"
	Written bool   // the request may have reached the server
	Err     error  // the cause, rebuilt from closed-set pieces (see above)
	ctxErr  error  // the context's error when it ended and is not already in Err
}

// newTransportError wraps a failure of op's attempt. Written and the class
// are read from the raw failure; the error kept is rebuilt by safeCause
// from pieces the SDK can vouch for, and the context's error is kept
// beside it when the context ended.
func newTransportError(ctx context.Context, op string, err error) *TransportError {
	e := &TransportError{Op: op, Err: safeCause(err), Written: !beforeWrite(err)}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(e.Err, cerr) {
		e.ctxErr = cerr
	}
	return e
}

// Error names the op, the cause and whether the request was sent. Every
// word of it is the SDK's or the operating system's: the cause is rebuilt
// by safeCause, never the transport's own text.
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
func (e *TransportError) retryable() bool { return !e.Written && !badPeer(e.Err) }

func (e *TransportError) errorClass() ErrorClass {
	switch {
	case e.Written:
		return ClassMaybeProcessed
	case badPeer(e.Err):
		return ClassMisconfigured
	default:
		return ClassTemporary
	}
}

// beforeWrite reports whether err provably happened before any byte of the
// request was written: while dialing (DNS and a proxy's dial included) or
// during the TLS handshake, which net/http completes before it writes.
func beforeWrite(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || badPeer(err)
}

// badPeer reports a TLS failure that retrying cannot fix: the server's
// certificate does not verify, or the server does not speak TLS.
func badPeer(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

// Closed-set causes for failures whose own text cannot be vouched for.
var (
	errMalformed = errors.New("malformed HTTP answer")
	errHTTP2     = errors.New("HTTP/2 stream or connection error")
	errTransport = errors.New("transport failure")
	errTLS       = errors.New("TLS handshake failure")
)

// timeoutError is a [net.Error] that timed out, for a timeout whose own
// error carries text the SDK cannot vouch for (net/http's "Client.Timeout
// exceeded while awaiting headers" and the like).
type timeoutError struct{}

func (timeoutError) Error() string   { return "timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// safeCause rebuilds a transport failure from closed-set pieces: the
// context errors, a *net.OpError's Op, Net and TCP address over its
// rebuilt cause, a *net.DNSError's host (the configured one) and kind, a
// syscall errno, a certificate error's kind, io.EOF. Everything else
// becomes a cause of the SDK's own wording.
func safeCause(err error) error {
	var (
		op  *net.OpError
		dns *net.DNSError
		sys *os.SyscallError
		no  syscall.Errno
		ne  net.Error
	)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.As(err, &op):
		addr, _ := op.Addr.(*net.TCPAddr)
		inner := safeCause(op.Err)
		if addr == nil {
			return &net.OpError{Op: op.Op, Net: op.Net, Err: inner}
		}
		return &net.OpError{Op: op.Op, Net: op.Net, Addr: addr, Err: inner}
	case errors.As(err, &dns):
		kind := "lookup failed"
		switch {
		case dns.IsNotFound:
			kind = "no such host"
		case dns.IsTimeout:
			kind = "timeout"
		}
		return &net.DNSError{Err: kind, Name: dns.Name, IsNotFound: dns.IsNotFound, IsTimeout: dns.IsTimeout, IsTemporary: dns.IsTemporary}
	case badPeer(err):
		return &tls.CertificateVerificationError{Err: certCause(err)}
	case errors.As(err, &sys) && errors.As(sys.Err, &no):
		return &os.SyscallError{Syscall: sys.Syscall, Err: no}
	case errors.As(err, &no):
		return no
	case errors.Is(err, os.ErrDeadlineExceeded):
		return os.ErrDeadlineExceeded
	case errors.Is(err, io.ErrUnexpectedEOF):
		return io.ErrUnexpectedEOF
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.As(err, &ne) && ne.Timeout():
		return timeoutError{}
	}
	switch text := err.Error(); {
	case strings.Contains(text, "malformed"):
		return errMalformed
	case strings.Contains(text, "http2"), strings.Contains(text, "stream error"):
		return errHTTP2
	case strings.Contains(text, "tls:"):
		return errTLS
	}
	return errTransport
}

// certCause names what is wrong with a certificate, in the SDK's words
// (x509's own errors quote the names the server's certificate holds).
func certCause(err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return errors.New("x509: certificate signed by unknown authority")
	case errors.As(err, &hostname):
		return errors.New("x509: certificate is not valid for the host")
	case errors.As(err, &invalid):
		return errors.New("x509: certificate is invalid (expired, not yet valid or not allowed for this use)")
	case errors.As(err, &record):
		return errors.New("tls: the server does not speak TLS")
	}
	return errors.New("x509: certificate does not verify")
}

// Format prints Error for every verb and flag (%#v included).
func (e *TransportError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string.
func (e *TransportError) MarshalJSON() ([]byte, error) { return marshalError(e) }
