package enduser

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser/internal/gacodes"
)

// ErrorClass says what a caller should do about an error. Every error the
// SDK returns belongs to exactly one class; [Class] tells which. The README
// has the table of classes, what to do about each and which codes and
// faults fall in it.
type ErrorClass int

// The classes. The comment after each is what to do.
const (
	// ClassNone is the class of a nil error.
	ClassNone ErrorClass = iota
	// ClassInvalidRequest: the caller's request is wrong (a missing or
	// malformed field). Fix the request; when the SDK caught it, nothing
	// was sent (a [*ValidationError]).
	ClassInvalidRequest
	// ClassMisconfigured: the client's configuration or the platform's is
	// wrong (user domain, its secret, app id or secret, host or base path
	// answering a 4xx page, a third-party app not set up, a bad TLS
	// certificate). No user can log in until an operator fixes it.
	ClassMisconfigured
	// ClassReLogin: the session is over or the credential was rejected.
	// Send the user through the login again for a fresh credential.
	ClassReLogin
	// ClassDenied: the platform refuses this user (locked, blocked, no
	// permission for the app, a second factor required). Tell the user;
	// sending the same login again will not help.
	ClassDenied
	// ClassRateLimited: too many requests. Wait [RetryAfter] (when the
	// server said) before trying again; the request was not processed.
	ClassRateLimited
	// ClassTemporary: the request never reached the server (a refused
	// connection, a DNS failure) or nothing was lost (a wait that ended).
	// The same request, credential included, may be sent again.
	ClassTemporary
	// ClassMaybeProcessed: the server may have processed the request but no
	// usable answer came back (a reset after the request was written, a
	// timeout, a success whose body was cut off). Do not resend the
	// credential: codes are single-use and refresh tokens rotate. Get a new
	// one (log in again) or check the session.
	ClassMaybeProcessed
	// ClassServer: the server or a gateway failed (an error code of its
	// own, a 5xx error page, an oversized answer). Like
	// ClassMaybeProcessed, do not resend the credential; retry later with a
	// new one.
	ClassServer
)

var classNames = [...]string{
	ClassNone:           "none",
	ClassInvalidRequest: "invalid_request",
	ClassMisconfigured:  "misconfigured",
	ClassReLogin:        "relogin",
	ClassDenied:         "denied",
	ClassRateLimited:    "rate_limited",
	ClassTemporary:      "temporary",
	ClassMaybeProcessed: "maybe_processed",
	ClassServer:         "server",
}

// String returns the class's short snake_case name, e.g. "rate_limited":
// stable, low-cardinality, fit for a metric attribute.
func (c ErrorClass) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown"
}

// Class returns the class of err. A nil error is [ClassNone]. An error that
// did not come from this SDK and wraps none of its errors is
// [ClassMaybeProcessed]: when in doubt, never resend a credential.
func Class(err error) ErrorClass {
	if err == nil {
		return ClassNone
	}
	var c classifier
	if errors.As(err, &c) {
		return c.errorClass()
	}
	for _, s := range sentinelClasses {
		if errors.Is(err, s.err) {
			return s.class
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ClassTemporary // a wait that ended (e.g. for a shared refresh); nothing was lost
	}
	return ClassMaybeProcessed
}

// classifier is implemented by every error type of the SDK.
type classifier interface{ errorClass() ErrorClass }

// The rest of this file is the data: one row per code and sentinel. A new
// code or sentinel needs a row here; TestEverySentinelHasAClass fails
// until it has one.

// oauthClasses classifies the RFC 6749 / RFC 6750 error codes of the
// GenAuth OpenID Connect endpoints. An unknown one is classified by its
// HTTP status (genAuthStatusClass).
var oauthClasses = map[string]ErrorClass{
	"invalid_grant":           ClassReLogin, // the refresh token is dead
	"invalid_token":           ClassReLogin, // the access token is dead
	"invalid_client":          ClassMisconfigured,
	"unauthorized_client":     ClassMisconfigured,
	"unsupported_grant_type":  ClassMisconfigured,
	"invalid_scope":           ClassMisconfigured,
	"insufficient_scope":      ClassMisconfigured,
	"invalid_request":         ClassInvalidRequest,
	"access_denied":           ClassDenied,
	"server_error":            ClassServer,
	"temporarily_unavailable": ClassServer,
	"unsupported_token_type":  ClassInvalidRequest,
}

// classNamed returns the class whose String is name (a code row's class).
func classNamed(name string) ErrorClass {
	for c, n := range classNames {
		if n == name {
			return ErrorClass(c)
		}
	}
	return ClassServer
}

// genAuthStatusClass returns the class of a GenAuth statusCode (or the HTTP
// status of an OIDC failure) and whether a row gives it; an undocumented
// one is ClassServer.
func genAuthStatusClass(status GenAuthStatus) (ErrorClass, bool) {
	if r := gacodes.Status(int(status)); r != nil {
		return classNamed(r.Class), true
	}
	return ClassServer, false
}

// sentinelClasses classifies the plain sentinels, first match wins. name is
// the Go identifier, for the test that checks every sentinel has a row.
var sentinelClasses = [...]struct {
	name  string
	err   error
	class ErrorClass
}{
	{"ErrRateLimited", ErrRateLimited, ClassRateLimited},
	{"ErrInvalidRequest", ErrInvalidRequest, ClassInvalidRequest},
	{"ErrInvalidConfig", ErrInvalidConfig, ClassMisconfigured},
	{"ErrNotConfigured", ErrNotConfigured, ClassMisconfigured},
	{"ErrUnexpectedResponse", ErrUnexpectedResponse, ClassServer},
	{"ErrTokenStore", ErrTokenStore, ClassTemporary},                // the session is not over: try again later
	{"ErrIDTokenInvalid", ErrIDTokenInvalid, ClassReLogin},          // (a failed key fetch is its cause's class)
	{"ErrGenAuthStepRequired", ErrGenAuthStepRequired, ClassDenied}, // a step the SDK cannot take for the user
	{"ErrGenAuthTenantDenied", ErrGenAuthTenantDenied, ClassDenied},
	{"ErrGenAuthAppMisconfigured", ErrGenAuthAppMisconfigured, ClassMisconfigured},
}

// codeClass returns the class of a v2 code and whether a row gives it; any
// other code (documented for calls this SDK does not make, or undocumented)
// is ClassServer: the server answered outside the endpoint's contract.
func codeClass(c Code) (ErrorClass, bool) {
	cl, ok := codeClasses[c]
	if !ok {
		cl = ClassServer
	}
	return cl, ok
}

// apiCodeClass returns the class of a GenAuth apiCode and whether a row
// gives it.
func apiCodeClass(c APICode) (ErrorClass, bool) {
	if r := gacodes.API(int(c)); r != nil {
		return classNamed(r.Class), true
	}
	return ClassServer, false
}

func (c Code) errorClass() ErrorClass {
	cl, _ := codeClass(c)
	return cl
}

func (s GenAuthStatus) errorClass() ErrorClass {
	cl, _ := genAuthStatusClass(s)
	return cl
}

func (c APICode) errorClass() ErrorClass {
	cl, _ := apiCodeClass(c)
	return cl
}

func (e *APIError) errorClass() ErrorClass {
	if rateLimited(e.HTTPStatus, e.Code) {
		return ClassRateLimited
	}
	var cl ErrorClass
	var known bool
	switch {
	case e.OAuthError != "":
		if cl, known = oauthClasses[e.OAuthError]; !known {
			cl = GenAuthStatus(e.Code).errorClass()
		}
	case !e.genAuth():
		cl, known = codeClass(Code(e.Code))
	default:
		if cl, known = apiCodeClass(APICode(e.APICode)); !known {
			cl = GenAuthStatus(e.Code).errorClass()
		}
	}
	if cl == ClassReLogin && e.login() && (e.HTTPStatus == 401 || e.genAuth() && e.Code == 401) {
		// A login has no session to be over. Its 401 either refuses the
		// credential (a documented code says which: tell the user) or,
		// without one, the client's own authentication (a GenAuth app
		// secret or method): an operator's fix.
		if known {
			return ClassDenied
		}
		return ClassMisconfigured
	}
	return cl
}

// login reports whether the failed call was a login (a v2 login or a
// GenAuth sign-in), which no session precedes.
func (e *APIError) login() bool {
	ep := v2Table[e.Op]
	return e.Op == OpSignInByMobile || ep != nil && (ep.Signed || ep.Carrier)
}

// A ValidationError is the caller's mistake, except where it says the
// session is over (a TokenSource whose refresh token expired).
func (e *ValidationError) errorClass() ErrorClass {
	var c classifier
	if errors.As(e.Err, &c) && c.errorClass() == ClassReLogin {
		return ClassReLogin
	}
	return ClassInvalidRequest
}

// An unusable answer: a 429 is rate limiting; a 2xx means the server
// accepted the request and its answer was lost (cut off, empty, no token);
// another 4xx is a page of a host that is not the API (a wrong base path:
// no retry helps); anything else is the server's or a gateway's failure.
func (e *UnexpectedResponseError) errorClass() ErrorClass {
	switch {
	case rateLimited(e.HTTPStatus, 0):
		return ClassRateLimited
	case misdirected(e.HTTPStatus):
		return ClassMisconfigured
	case e.HTTPStatus >= 200 && e.HTTPStatus < 300:
		return ClassMaybeProcessed
	default:
		return ClassServer
	}
}

// misdirected reports whether an answer of this status without the API's
// envelope means the configured URL is not the API's: a 4xx page (404 HTML
// or text), other than 429.
func misdirected(status int) bool { return status >= 400 && status < 500 && !rateLimited(status, 0) }

// withoutQuery is a called URL for an error: scheme, host and path; the
// query (which may carry credentials under WithQueryParams) is cut.
func withoutQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// HTTPStatus is the answer a service's handler gives for err, the "e.g.
// answer" column of the README's class table as code: 200 for nil, 400
// invalid request, 500 misconfigured, 401 log in again, 403 denied, 429
// rate limited, 503 temporary, 504 maybe processed when the wait timed out
// (else 502), 502 server. retryAfter is the server's wait hint
// ([RetryAfter]) when it gave one, for a Retry-After header; else 0.
//
//	if status, wait := enduser.HTTPStatus(err); status != http.StatusOK {
//		if wait > 0 {
//			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
//		}
//		http.Error(w, http.StatusText(status), status)
//	}
func HTTPStatus(err error) (status int, retryAfter time.Duration) {
	if d, ok := RetryAfter(err); ok {
		retryAfter = d
	}
	switch Class(err) {
	case ClassNone:
		return http.StatusOK, 0
	case ClassInvalidRequest:
		return http.StatusBadRequest, retryAfter
	case ClassMisconfigured:
		return http.StatusInternalServerError, retryAfter
	case ClassReLogin:
		return http.StatusUnauthorized, retryAfter
	case ClassDenied:
		return http.StatusForbidden, retryAfter
	case ClassRateLimited:
		return http.StatusTooManyRequests, retryAfter
	case ClassTemporary:
		return http.StatusServiceUnavailable, retryAfter
	case ClassMaybeProcessed:
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return http.StatusGatewayTimeout, retryAfter
		}
		return http.StatusBadGateway, retryAfter
	default:
		return http.StatusBadGateway, retryAfter
	}
}
