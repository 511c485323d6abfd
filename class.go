package enduser

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser/internal/gacodes"
)

// ErrorClass says what a caller should do about an error. Every error the
// SDK returns belongs to exactly one class, which [Class] tells; the
// README's class table lists the codes and faults in each.
type ErrorClass int

// The classes, each with what to do.
const (
	// ClassNone is the class of a nil error.
	ClassNone ErrorClass = iota
	// ClassInvalidRequest: a missing or malformed field. Fix the request;
	// a [*ValidationError] was caught before anything was sent.
	ClassInvalidRequest
	// ClassMisconfigured: the client's or the platform's configuration is
	// wrong (user domain, secrets, app id, a base path answering a 4xx
	// page, a bad TLS certificate). No user can log in until it is fixed.
	ClassMisconfigured
	// ClassReLogin: the session is over or the credential was rejected.
	// Send the user through the login again.
	ClassReLogin
	// ClassDenied: the platform refuses this user (locked, no permission,
	// a second factor required). Tell the user; resending will not help.
	ClassDenied
	// ClassRateLimited: too many requests, not processed. Wait
	// [RetryAfter] (when the server said) before trying again.
	ClassRateLimited
	// ClassTemporary: the request never reached the server, or nothing
	// was lost (a wait that ended). It may be sent again, credential included.
	ClassTemporary
	// ClassMaybeProcessed: the server may have processed the request but
	// no usable answer came back (a reset after writing, a timeout, a cut
	// off body). Never resend the credential (codes are single-use,
	// refresh tokens rotate): log in again or check the session.
	ClassMaybeProcessed
	// ClassServer: the server or a gateway failed (its own error code, a
	// 5xx page, an oversized answer). Retry later with a new credential.
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

// oauthClasses classifies the RFC 6749 / RFC 6750 error codes of the
// GenAuth OpenID Connect endpoints; an unknown one goes by its HTTP status.
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
	if i := slices.Index(classNames[:], name); i >= 0 {
		return ErrorClass(i)
	}
	return ClassServer
}

// sentinelClasses classifies the plain sentinels, first match wins; name is
// the Go identifier (TestEverySentinelHasAClass).
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

// codeClass, genAuthStatusClass and apiCodeClass return the class a row
// gives a v2 code, a GenAuth statusCode (or the HTTP status of an OIDC
// failure) or an apiCode, and whether there is one. Any other is
// ClassServer: the server answered outside the endpoint's contract.
func codeClass(c Code) (ErrorClass, bool) {
	if cl, ok := codeClasses[c]; ok {
		return cl, true
	}
	return ClassServer, false
}

func genAuthStatusClass(s GenAuthStatus) (ErrorClass, bool) {
	return gaClass(gacodes.Status(int(s)))
}

func apiCodeClass(c APICode) (ErrorClass, bool) { return gaClass(gacodes.API(int(c))) }

func gaClass(r *gacodes.Row) (ErrorClass, bool) {
	if r == nil {
		return ClassServer, false
	}
	return classNamed(r.Class), true
}

func (c Code) errorClass() ErrorClass          { cl, _ := codeClass(c); return cl }
func (s GenAuthStatus) errorClass() ErrorClass { cl, _ := genAuthStatusClass(s); return cl }
func (c APICode) errorClass() ErrorClass       { cl, _ := apiCodeClass(c); return cl }

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
		// A login has no session to be over: its 401 refuses the credential
		// (a documented code) or else the client's own authentication.
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

// An unusable answer: a 2xx was accepted and its answer lost; a 4xx other
// than 429 is a page of a host that is not the API (a wrong base path).
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
// envelope means the configured URL is not the API's (a 4xx but 429).
func misdirected(status int) bool { return status >= 400 && status < 500 && !rateLimited(status, 0) }

// withoutQuery is a called URL for an error: scheme, host and path; the
// query (which may carry credentials under WithQueryParams) is cut.
func withoutQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// classStatus is HTTPStatus's answer by class.
var classStatus = [...]int{
	ClassNone:           http.StatusOK,
	ClassInvalidRequest: http.StatusBadRequest,
	ClassMisconfigured:  http.StatusInternalServerError,
	ClassReLogin:        http.StatusUnauthorized,
	ClassDenied:         http.StatusForbidden,
	ClassRateLimited:    http.StatusTooManyRequests,
	ClassTemporary:      http.StatusServiceUnavailable,
	ClassMaybeProcessed: http.StatusBadGateway, // 504 when the wait timed out
	ClassServer:         http.StatusBadGateway,
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
	cl := Class(err)
	var ne net.Error
	switch {
	case cl == ClassMaybeProcessed && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()):
		return http.StatusGatewayTimeout, retryAfter
	case cl < 0 || int(cl) >= len(classStatus):
		return http.StatusBadGateway, retryAfter
	}
	return classStatus[cl], retryAfter
}
