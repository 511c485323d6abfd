package enduser

import (
	"context"
	"errors"
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
	// wrong (user domain, its secret, app id or secret, host, a third-party
	// app not set up, a bad TLS certificate). No user can log in until an
	// operator fixes it.
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
	// own, an HTML error page, an oversized answer). Like
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

// codeClasses (codes.go) classifies the v2 codes from their rows in
// internal/codes: the codes that the SDK's endpoints answer and every
// exported Code. Any other code, one the platform documents for calls this
// SDK does not make or an undocumented one, is ClassServer: the server
// answered outside the endpoint's contract.

// apiCodeClasses classifies the GenAuth apiCodes that no group covers, or
// whose class differs from their group's. Every other apiCode takes its
// group's class (groupClasses), and an apiCode of no group and no row is
// classified by its statusCode.
var apiCodeClasses = map[APICode]ErrorClass{
	ErrGenAuthNoLoginPermission: ClassDenied,
	ErrGenAuthSelfUnlock:        ClassDenied,
	ErrGenAuthFlowAborted:       ClassReLogin, // start the login again
	ErrGenAuthUserNotFound:      ClassDenied,
	ErrGenAuthUserLocked:        ClassDenied,
	ErrGenAuthWrongPassword:     ClassReLogin,
	ErrGenAuthNotLoggedIn:       ClassReLogin,
	ErrGenAuthBadCredentials:    ClassReLogin,
}

// groupClasses classifies the groups of apiCodes (genauth_codes.go): a new
// apiCode in a group needs no row of its own.
var groupClasses = map[error]ErrorClass{
	ErrGenAuthStepRequired:     ClassDenied, // the user must complete a step the SDK cannot do for them
	ErrGenAuthTenantDenied:     ClassDenied,
	ErrGenAuthAppMisconfigured: ClassMisconfigured,
}

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

// genAuthStatusClasses classifies the GenAuth statusCodes (and the HTTP
// status of an OIDC failure), used when the apiCode has no class. An
// undocumented statusCode is ClassServer.
var genAuthStatusClasses = map[GenAuthStatus]ErrorClass{
	ErrGenAuthBadRequest:         ClassInvalidRequest,
	ErrGenAuthUnauthorized:       ClassReLogin,
	ErrGenAuthPaymentRequired:    ClassMisconfigured,
	ErrGenAuthForbidden:          ClassDenied,
	ErrGenAuthNotFound:           ClassMisconfigured, // the app, pool or connection named does not exist
	ErrGenAuthConflict:           ClassInvalidRequest,
	ErrGenAuthPayloadTooLarge:    ClassInvalidRequest,
	ErrGenAuthUnprocessable:      ClassInvalidRequest,
	ErrGenAuthTooManyRequests:    ClassRateLimited,
	ErrGenAuthFailed:             ClassDenied, // a business rule refused the login
	ErrGenAuthServerError:        ClassServer,
	ErrGenAuthNotImplemented:     ClassMisconfigured,
	ErrGenAuthBadGateway:         ClassServer,
	ErrGenAuthServiceUnavailable: ClassServer,
	ErrGenAuthStatus601:          ClassServer,
	ErrGenAuthStatus602:          ClassServer,
	ErrGenAuthStatus603:          ClassServer,
}

// genAuthStatusClass returns the class of a GenAuth statusCode and whether
// a row gives it.
func genAuthStatusClass(status GenAuthStatus) (ErrorClass, bool) {
	cl, ok := genAuthStatusClasses[status]
	if !ok {
		return ClassServer, false
	}
	return cl, true
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
	{"ErrTokenStore", ErrTokenStore, ClassTemporary},       // the session is not over: try again later
	{"ErrIDTokenInvalid", ErrIDTokenInvalid, ClassReLogin}, // (a failed key fetch is its cause's class)
	{"ErrGenAuthStepRequired", ErrGenAuthStepRequired, groupClasses[ErrGenAuthStepRequired]},
	{"ErrGenAuthTenantDenied", ErrGenAuthTenantDenied, groupClasses[ErrGenAuthTenantDenied]},
	{"ErrGenAuthAppMisconfigured", ErrGenAuthAppMisconfigured, groupClasses[ErrGenAuthAppMisconfigured]},
}

// codeClass returns the class of a v2 code and whether a row gives it.
func codeClass(c Code) (ErrorClass, bool) {
	cl, ok := codeClasses[c]
	if !ok {
		return ClassServer, false
	}
	return cl, true
}

// apiCodeClass returns the class of a GenAuth apiCode and whether a row or
// its group gives it.
func apiCodeClass(c APICode) (ErrorClass, bool) {
	if cl, ok := apiCodeClasses[c]; ok {
		return cl, true
	}
	cl, ok := groupClasses[c.group()]
	return cl, ok
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
	if cl, ok := apiCodeClass(c); ok {
		return cl
	}
	return ClassServer
}

func (e *APIError) errorClass() ErrorClass {
	if e.HTTPStatus == 429 || e.Code == 429 {
		return ClassRateLimited
	}
	if e.OAuthError != "" {
		if cl, ok := oauthClasses[e.OAuthError]; ok {
			return cl
		}
		return GenAuthStatus(e.Code).errorClass()
	}
	if !e.genAuth() {
		return Code(e.Code).errorClass()
	}
	if cl, ok := apiCodeClass(APICode(e.APICode)); ok && e.APICode != 0 {
		return cl
	}
	return GenAuthStatus(e.Code).errorClass()
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
// anything else is the server's or a gateway's failure.
func (e *UnexpectedResponseError) errorClass() ErrorClass {
	switch {
	case e.HTTPStatus == 429:
		return ClassRateLimited
	case e.HTTPStatus >= 200 && e.HTTPStatus < 300:
		return ClassMaybeProcessed
	default:
		return ClassServer
	}
}
