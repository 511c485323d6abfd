package endusertest

import (
	"io"
	"net/http"
	"net/url"
	"time"
)

// Request is a request as the emulator received it.
type Request struct {
	Endpoint string         // e.g. "twitterAuthLogin" or "signin-by-mobile"
	Method   string         // HTTP method
	Path     string         // URL path
	Query    url.Values     // URL query parameters
	Form     url.Values     // form body parameters (v2)
	Params   url.Values     // v2 parameters from query and form body together
	JSON     map[string]any // decoded JSON body (GenAuth)
	Header   http.Header
}

// Fault is a scripted misbehaviour for one upcoming call; see
// [Server.Inject].
type Fault struct {
	kind       faultKind
	status     int
	code       int
	apiCode    int
	delay      time.Duration
	retryAfter string
}

type faultKind int

const (
	faultCode faultKind = iota
	faultHTML
	faultStatus
	faultDelay
	faultDrop
)

// FailCode answers with a well-formed failure envelope: the v2 code, or for
// GenAuth the statusCode (HTTP 200, as GenAuth does).
func FailCode(code int) Fault { return Fault{kind: faultCode, code: code} }

// FailAPICode answers a GenAuth call with statusCode and apiCode.
func FailAPICode(statusCode, apiCode int) Fault {
	return Fault{kind: faultCode, code: statusCode, apiCode: apiCode}
}

// GatewayHTML answers with an HTML error page and the given HTTP status, as
// a gateway in front of the API does (e.g. 502).
func GatewayHTML(status int) Fault { return Fault{kind: faultHTML, status: status} }

// HTTPStatus answers with a bare HTTP status and a Retry-After header
// ("" for none), e.g. 429 or 503.
func HTTPStatus(status int, retryAfter string) Fault {
	return Fault{kind: faultStatus, status: status, retryAfter: retryAfter}
}

// Delay waits d (or until the client gives up) before handling the call
// normally.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// DropConnection closes the connection after reading the request, without
// answering.
func DropConnection() Fault { return Fault{kind: faultDrop} }

// After returns f delayed by d: the call waits d (or until the client gives
// up) before f applies.
func (f Fault) After(d time.Duration) Fault {
	f.delay = d
	return f
}

// Inject queues faults for the next calls to endpoint ("twitterAuthLogin",
// "refreshToken", "signin-by-mobile", …): each fault applies to one call, in
// order; later calls behave normally.
func (s *Server) Inject(endpoint string, faults ...Fault) {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	s.state.faults[endpoint] = append(s.state.faults[endpoint], faults...)
}

// Requests returns the requests received so far, oldest first (at most the
// last 10,000; Count keeps counting beyond that).
func (s *Server) Requests() []Request {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return append([]Request(nil), s.state.requests...)
}

// Count returns how many calls endpoint has received.
func (s *Server) Count(endpoint string) int {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return s.state.counts[endpoint]
}

// apply carries out a fault. It reports whether the call is finished.
func (s *Server) apply(f Fault, w http.ResponseWriter, r *http.Request) bool {
	if f.delay > 0 && !s.wait(r, f.delay) {
		return true
	}
	switch f.kind {
	case faultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>")
	case faultStatus:
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, http.StatusText(f.status))
	case faultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	default:
		return false // a delay is then answered normally; faultCode by the endpoint's envelope
	}
	return true
}

// wait sleeps d. It reports false if the client left or the server closed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closed:
		return false
	}
}
