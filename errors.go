package enduser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser/internal/redact"
)

// describe is the Error text of a documented code: "enduser: text (kind n)".
func describe(text, kind string, n int) string {
	if text == "" {
		text = "undocumented " + kind
	}
	return "enduser: " + text + " (" + kind + " " + strconv.Itoa(n) + ")"
}

// Sentinels that do not come from a documented code. [ErrInvalidRequest]
// and [ErrUnexpectedResponse] stand beside the error types that wrap them.
var (
	// ErrNotConfigured: a GenAuth call on a client whose Config.GenAuth is zero.
	ErrNotConfigured = errors.New("enduser: GenAuth is not configured")
	// ErrInvalidConfig is wrapped by every NewClient error for a bad Config or option.
	ErrInvalidConfig = errors.New("enduser: invalid config")
	// ErrRateLimited matches a 429 of either family: an HTTP 429, or an
	// envelope whose code or statusCode is 429. [RetryAfter] gives the wait.
	ErrRateLimited = errors.New("enduser: rate limited")
)

// APIError is a failure reported by the server in a well-formed envelope.
// A v2 one unwraps to its [Code]; a GenAuth one to its [GenAuthStatus] and
// [APICode] (which match their groups, e.g. [ErrGenAuthTenantDenied]).
// Error and every fmt verb print only the SDK's own text and closed-set
// values: never what the caller sent, the server's messages or the
// Continuation token.
type APIError struct {
	Op string // endpoint, e.g. "twitterAuthLogin" or "signin-by-mobile"
	// Family is the API family that answered (Code is a v2 code or a
	// GenAuth statusCode); without it, a GenAuth Op means GenAuth.
	Family     Family
	HTTPStatus int    // HTTP status of the answer
	Code       int    // v2 code, or GenAuth statusCode
	APICode    int    // GenAuth apiCode (0 if none)
	Message    string // the server's message, scrubbed; never in Error (see SECURITY.md)
	ExtMsg     string // v2 extended message, scrubbed; never in Error
	RequestID  string // GenAuth request id: kept only when it has the shape of one, and scrubbed
	// OAuthError is the RFC 6749 error code of a GenAuth OpenID Connect
	// endpoint's failure, e.g. "invalid_grant" (Code is then the HTTP
	// status, Message the error_description). Error prints it only when RFC
	// 6749 or 6750 defines it. "invalid_grant" and "invalid_token" match
	// [ErrTokenInvalid]: the session is over.
	OAuthError string
	// Continuation is the token to continue a GenAuth login with after
	// apiCode 1636 (MFA) or 1639 (first login); redacted when printed.
	Continuation ContinuationToken
	// RetryAfter is, on a 429 or 503, the server's Retry-After (0 if none); see [RetryAfter].
	RetryAfter time.Duration
}

func (e *APIError) genAuth() bool {
	if e.Family != "" {
		return e.Family == FamilyGenAuth
	}
	return e.Op == OpSignInByMobile || isOIDCOp(e.Op)
}

// Error describes the failure in the SDK's words: op, code and its
// meaning (or a standard OAuth error code), HTTP status and request id;
// never Message, ExtMsg or other server text (see SECURITY.md).
func (e *APIError) Error() string {
	b := append(make([]byte, 0, 128), "enduser: "...)
	b = append(b, e.Op...)
	switch _, known := oauthClasses[e.OAuthError]; {
	case known:
		b = append(append(b, ": "...), e.OAuthError...)
	case e.OAuthError != "":
		b = append(b, ": OAuth error"...)
	case e.genAuth():
		b = appendCode(b, ": statusCode ", e.Code, GenAuthStatus(e.Code).Text())
		if e.APICode != 0 {
			b = appendCode(b, ", apiCode ", e.APICode, APICode(e.APICode).Text())
		}
	default:
		b = appendCode(b, ": code ", e.Code, Code(e.Code).Text())
	}
	b = strconv.AppendInt(append(b, " (HTTP "...), int64(e.HTTPStatus), 10)
	if e.RequestID != "" {
		b = append(append(b, ", request id "...), e.RequestID...)
	}
	return string(append(b, ')'))
}

// appendCode appends label, n and, when text is not empty, " (text)".
func appendCode(b []byte, label string, n int, text string) []byte {
	b = strconv.AppendInt(append(b, label...), int64(n), 10)
	if text == "" {
		return b
	}
	return append(append(append(b, " ("...), text...), ')')
}

// Format prints Error for every verb and flag (%#v included).
func (e *APIError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string, so that a struct holding the
// error, logged by slog's JSON handler, shows no field.
func (e *APIError) MarshalJSON() ([]byte, error) { return marshalError(e) }

// Unwrap returns the [Code] (v2), or the [GenAuthStatus] and [APICode]
// (GenAuth) of the failure.
func (e *APIError) Unwrap() []error {
	if !e.genAuth() {
		return []error{Code(e.Code)}
	}
	if e.APICode != 0 {
		return []error{GenAuthStatus(e.Code), APICode(e.APICode)}
	}
	return []error{GenAuthStatus(e.Code)}
}

// Is makes [ErrRateLimited] match a 429, [ErrTokenInvalid] the OAuth errors
// "invalid_grant" and "invalid_token", and a v2 code for an empty field
// every code the login's documentation gives for that field.
func (e *APIError) Is(target error) bool {
	if target == error(ErrTokenInvalid) && sessionOver(e.OAuthError) {
		return true
	}
	if c, ok := target.(Code); ok && !e.genAuth() && sameEmptyField(e.Op, Code(e.Code), c) {
		return true
	}
	return target == ErrRateLimited && rateLimited(e.HTTPStatus, e.Code)
}

// ErrInvalidRequest is wrapped by every [*ValidationError]: the request
// was rejected locally and nothing was sent.
var ErrInvalidRequest = errors.New("enduser: invalid request")

// ValidationError reports a request rejected before anything was sent. It
// matches [ErrInvalidRequest] and, where the server has a code for the same
// mistake (a missing appId is 5218), that [Code] too.
type ValidationError struct {
	Op     string // the endpoint the request was for
	Field  string // wire name of the offending field, e.g. "appId" or "wechatPayload.code"
	Reason string // what is wrong with it, never its value
	Err    error  // the matching Code (or Codes), or nil
}

// Error names the op, the field and the reason.
func (e *ValidationError) Error() string {
	s := "enduser: " + e.Field + " " + e.Reason
	if e.Op != "" { // a request for an endpoint; a parse sends nothing
		s = "enduser: " + e.Op + ": " + e.Field + " " + e.Reason
	}
	var c Code
	switch {
	case errors.As(e.Err, &c):
		s += " (code " + strconv.Itoa(int(c)) + ")"
	case e.Err != nil:
		s += ": " + e.Err.Error()
	}
	return s
}

// Format prints Error for every verb and flag (%#v included).
func (e *ValidationError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string.
func (e *ValidationError) MarshalJSON() ([]byte, error) { return marshalError(e) }

// Unwrap returns [ErrInvalidRequest] and the matching code, if any.
func (e *ValidationError) Unwrap() []error { return withCause(ErrInvalidRequest, e.Err) }

// ErrUnexpectedResponse is wrapped by an [*UnexpectedResponseError]: an
// answer that is not a well-formed envelope (HTML from a gateway; an empty,
// truncated or oversized body; an envelope without its token).
var ErrUnexpectedResponse = errors.New("enduser: unexpected response")

// UnexpectedResponseError is an answer that could not be decoded as an
// envelope. It matches [ErrUnexpectedResponse].
type UnexpectedResponseError struct {
	Op          string
	HTTPStatus  int
	ContentType string
	Excerpt     string        // at most 128 bytes of the body, printable ASCII, known secrets removed; never in Error
	Err         error         // the decoding problem in the SDK's words, if any
	RetryAfter  time.Duration // on a 429 or 503: the server's Retry-After, 0 if none (see [RetryAfter])
}

// Error names the op, the HTTP status, a common media type and the
// decoding problem; never the excerpt, which is the server's.
func (e *UnexpectedResponseError) Error() string {
	s := "enduser: " + e.Op + ": unexpected response (HTTP " + strconv.Itoa(e.HTTPStatus)
	if mt := mediaType(e.ContentType); mt != "" {
		s += ", " + mt
	}
	s += ")"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Format prints Error for every verb and flag (%#v included).
func (e *UnexpectedResponseError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string.
func (e *UnexpectedResponseError) MarshalJSON() ([]byte, error) { return marshalError(e) }

// mediaType returns a Content-Type's media type when it is a common one.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/json", "text/html", "text/plain", "text/xml", "application/xml", "application/problem+json":
		return mt
	}
	return ""
}

// Unwrap returns [ErrUnexpectedResponse] and the decoding problem, if any.
func (e *UnexpectedResponseError) Unwrap() []error { return withCause(ErrUnexpectedResponse, e.Err) }

// Is makes [ErrRateLimited] match an unparsable answer with HTTP status 429.
func (e *UnexpectedResponseError) Is(target error) bool {
	return target == ErrRateLimited && rateLimited(e.HTTPStatus, 0)
}

// withCause is the Unwrap of an error type: its sentinel and its cause, if any.
func withCause(sentinel, cause error) []error {
	if cause == nil {
		return []error{sentinel}
	}
	return []error{sentinel, cause}
}

// formatError prints err's Error text for every verb, never its fields.
func formatError(f fmt.State, verb rune, err error) { redact.Error(f, verb, err) }

// marshalError encodes err's Error text as a JSON string.
func marshalError(err error) ([]byte, error) { return redact.ErrorJSON(err) }
