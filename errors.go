package enduser

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

func describe(text, kind string, n int) string {
	if text == "" {
		text = "undocumented " + kind
	}
	return "enduser: " + text + " (" + kind + " " + strconv.Itoa(n) + ")"
}

// Sentinels that do not come from a documented code.
var (
	// ErrNotConfigured is returned by GenAuth calls on a client whose
	// Config.GenAuth is the zero value.
	ErrNotConfigured = errors.New("enduser: GenAuth is not configured")

	// ErrUnexpectedResponse is wrapped by an [*UnexpectedResponseError]: the
	// server's answer was not a well-formed envelope (HTML from a gateway, an
	// empty, truncated or oversized body, or an envelope missing its token).
	ErrUnexpectedResponse = errors.New("enduser: unexpected response")

	// ErrInvalidRequest is wrapped by every [*ValidationError]: the request
	// was rejected locally and nothing was sent.
	ErrInvalidRequest = errors.New("enduser: invalid request")

	// ErrInvalidConfig is wrapped by every error NewClient returns for a bad
	// Config or option.
	ErrInvalidConfig = errors.New("enduser: invalid config")

	// ErrRateLimited matches any answer with HTTP status 429 Too Many
	// Requests and an envelope whose code (v2) or statusCode (GenAuth) is
	// 429; [RetryAfter] returns the server's wait.
	ErrRateLimited = errors.New("enduser: rate limited")
)

// APIError is a failure reported by the server in a well-formed envelope.
//
// For the v2 end-user API, Code is the envelope's code and the error unwraps
// to it as a [Code]. For GenAuth, Code is the statusCode, APICode the apiCode,
// and the error unwraps to both as a [GenAuthStatus] and an [APICode] (which
// match their groups, e.g. [ErrGenAuthTenantDenied]). Error and every fmt
// verb print only the SDK's own text and closed-set values: never anything
// the caller sent, the server's messages or the Continuation token.
type APIError struct {
	Op string // endpoint, e.g. "twitterAuthLogin" or "signin-by-mobile"
	// Family is the API family that answered: it decides whether Code is a
	// v2 code or a GenAuth statusCode. Every APIError the Client returns has
	// it; one built without it is taken for GenAuth when Op is a GenAuth op.
	Family     Family
	HTTPStatus int    // HTTP status of the answer
	Code       int    // v2 code, or GenAuth statusCode
	APICode    int    // GenAuth apiCode (0 if none)
	Message    string // the server's message, scrubbed; never in Error (see SECURITY.md)
	ExtMsg     string // v2 extended message, scrubbed; never in Error
	RequestID  string // GenAuth request id: kept only when it has the shape of one, and scrubbed
	// OAuthError is the RFC 6749 error code of a GenAuth OpenID Connect
	// endpoint's failure (refresh, user info, revocation, introspection),
	// e.g. "invalid_grant"; Code is then the HTTP status and Message the
	// error_description. Error prints it only when RFC 6749 or RFC 6750
	// defines it. "invalid_grant" and "invalid_token" match
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

// Error describes the failure in the SDK's words: op, code and the SDK's
// meaning of it (or the OAuth error code when it is one RFC 6749 or RFC
// 6750 defines), HTTP status and request id. It never holds Message,
// ExtMsg or any other text of the server's: those are fields to read on
// purpose (see SECURITY.md).
func (e *APIError) Error() string {
	b := make([]byte, 0, 128)
	b = append(b, "enduser: "...)
	b = append(b, e.Op...)
	switch _, known := oauthClasses[e.OAuthError]; {
	case known:
		b = append(b, ": "...)
		b = append(b, e.OAuthError...)
	case e.OAuthError != "":
		b = append(b, ": OAuth error"...)
	case e.genAuth():
		b = append(b, ": statusCode "...)
		b = strconv.AppendInt(b, int64(e.Code), 10)
		b = appendText(b, GenAuthStatus(e.Code).Text())
		if e.APICode != 0 {
			b = append(b, ", apiCode "...)
			b = strconv.AppendInt(b, int64(e.APICode), 10)
			b = appendText(b, APICode(e.APICode).Text())
		}
	default:
		b = append(b, ": code "...)
		b = strconv.AppendInt(b, int64(e.Code), 10)
		b = appendText(b, Code(e.Code).Text())
	}
	b = append(b, " (HTTP "...)
	b = strconv.AppendInt(b, int64(e.HTTPStatus), 10)
	if e.RequestID != "" {
		b = append(b, ", request id "...)
		b = append(b, e.RequestID...)
	}
	b = append(b, ')')
	return string(b)
}

// Format prints Error for every verb and flag (%#v included), so that no
// verb shows Message or ExtMsg.
func (e *APIError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON encodes Error as a JSON string, so that a Hook info or a
// struct holding the error, logged by slog's JSON handler, shows no field.
func (e *APIError) MarshalJSON() ([]byte, error) { return marshalError(e) }

// appendText appends " (text)" when text is not empty.
func appendText(b []byte, text string) []byte {
	if text == "" {
		return b
	}
	b = append(b, " ("...)
	b = append(b, text...)
	return append(b, ')')
}

// Unwrap returns the [Code] (v2), or the [GenAuthStatus] and [APICode]
// (GenAuth) of the failure, so that errors.Is and errors.As see them.
func (e *APIError) Unwrap() []error {
	if !e.genAuth() {
		return []error{Code(e.Code)}
	}
	if e.APICode != 0 {
		return []error{GenAuthStatus(e.Code), APICode(e.APICode)}
	}
	return []error{GenAuthStatus(e.Code)}
}

// Is makes [ErrRateLimited] match a 429 statusCode or HTTP status,
// [ErrTokenInvalid] match the OAuth errors "invalid_grant" and
// "invalid_token", and a v2 code for an empty field match every code the
// login's documentation gives for that field (the official account's empty
// code is 5374 in the code list and 5372 on its 2025 page).
func (e *APIError) Is(target error) bool {
	if target == error(ErrTokenInvalid) && sessionOver(e.OAuthError) {
		return true
	}
	if c, ok := target.(Code); ok && !e.genAuth() && sameEmptyField(e.Op, Code(e.Code), c) {
		return true
	}
	return target == ErrRateLimited && rateLimited(e.HTTPStatus, e.Code)
}

// ValidationError reports a request rejected before anything was sent. It
// matches [ErrInvalidRequest] and, where the server has a code for the same
// mistake (a missing appId is 5218), that [Code] too.
type ValidationError struct {
	Op     string // the endpoint the request was for
	Field  string // wire name of the offending field, e.g. "appId" or "wechatPayload.code"
	Reason string // what is wrong with it, never its value
	Err    error  // the matching Code (several when a seed lists another code for the field), or nil
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
func (e *ValidationError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidRequest}
	}
	return []error{ErrInvalidRequest, e.Err}
}

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

// Error names the op, the HTTP status, the media type when it is a common
// one, and the decoding problem. Never the excerpt, which is the server's.
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

// mediaType returns the media type of a Content-Type when it is one of a
// few common ones, "" otherwise.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/json", "text/html", "text/plain", "text/xml", "application/xml", "application/problem+json":
		return mt
	}
	return ""
}

// Unwrap returns [ErrUnexpectedResponse] and the decoding problem.
func (e *UnexpectedResponseError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrUnexpectedResponse}
	}
	return []error{ErrUnexpectedResponse, e.Err}
}

// Is makes [ErrRateLimited] match an unparsable answer with HTTP status 429.
func (e *UnexpectedResponseError) Is(target error) bool {
	return target == ErrRateLimited && rateLimited(e.HTTPStatus, 0)
}

// formatError prints err's Error text for every verb: quoted for %q, in
// hex for %x and %X, as is otherwise (%#v included), never the fields.
func formatError(f fmt.State, verb rune, err error) {
	text := err.Error()
	switch verb {
	case 'q':
		text = strconv.Quote(text)
	case 'x':
		text = hex.EncodeToString([]byte(text))
	case 'X':
		text = strings.ToUpper(hex.EncodeToString([]byte(text)))
	}
	_, _ = io.WriteString(f, text)
}

// marshalError encodes err's Error text as a JSON string.
func marshalError(err error) ([]byte, error) { return json.Marshal(err.Error()) }
