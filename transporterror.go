package enduser

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
)

// TransportError is a call that got no answer: the connection could not be
// made, broke, or the context ended first. It wraps the cause (a
// [*net.OpError], a TLS error, [context.DeadlineExceeded], …; never the
// URL, which may hold credentials) and, when the context ended, the
// context's error too, so errors.Is and errors.As see both.
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
	Err     error  // the cause; print the TransportError, not Err (see Error)
	ctxErr  error  // the context's error when it ended and is not already in Err
	// cause is Err's text scrubbed of the call's secrets, "" when not
	// scrubbed: net/http quotes a malformed answer in its errors, and a
	// hostile server can echo the request there.
	cause string
}

// newTransportError wraps a failure of op's attempt: the URL is stripped,
// and the context's error is kept beside the cause.
func newTransportError(ctx context.Context, op string, err error) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	e := &TransportError{Op: op, Err: err, Written: !beforeWrite(err)}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		e.ctxErr = cerr
	}
	return e
}

// Error names the op, the cause and whether the request was sent. The
// cause's text is scrubbed of the call's secrets and is printable ASCII
// (net/http quotes what it could not parse of an answer, and a server may
// echo the request there); Err itself is left as the transport made it.
func (e *TransportError) Error() string {
	s := "enduser: " + e.Op + ": "
	if e.ctxErr != nil {
		s += e.ctxErr.Error() + " ("
	}
	switch {
	case e.cause != "":
		s += e.cause
	case e.Err != nil:
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
