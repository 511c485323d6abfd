// Package netcause rebuilds the cause of a failed HTTP exchange from
// closed-set pieces, so that an error the SDK returns carries no text a
// server or a URL wrote (net/http quotes a malformed answer, and a
// *url.Error prints the URL with its query), and tells whether a failure
// came before the request was written.
package netcause

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// BeforeWrite reports whether err provably happened before any byte of the
// request was written: while dialing (DNS and a proxy's dial included) or
// during the TLS handshake, which net/http completes before it writes.
func BeforeWrite(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || BadPeer(err)
}

// BadPeer reports a TLS failure that retrying cannot fix: the server's
// certificate does not verify, or the server does not speak TLS.
func BadPeer(err error) bool {
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

// Safe rebuilds a transport failure from closed-set pieces: the
// context errors, a *net.OpError's Op, Net and TCP address over its
// rebuilt cause, a *net.DNSError's host (the configured one) and kind, a
// syscall errno, a certificate error's kind, io.EOF. Everything else
// becomes a cause of the SDK's own wording.
func Safe(err error) error {
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
		inner := Safe(op.Err)
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
	case BadPeer(err):
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
