package endusertest

import (
	"fmt"
	"strings"
	"time"
)

// Fault is a scripted misbehaviour for one upcoming call; see
// [Server.Inject]. Build one with a constructor (FailCode, ProcessThenDrop,
// …) and aim it with ForUser, ForToken, ForCode and OnCall. The zero Fault
// is not a fault: Inject refuses it.
type Fault struct {
	kind       faultKind
	status     int
	code       int
	apiCode    int
	oauthError string
	delay      time.Duration
	hold       time.Duration
	retryAfter string
	user       string
	token      string
	credential string
	nth        int
}

type faultKind int

const (
	faultNone faultKind = iota
	faultCode
	faultHTML
	faultStatus
	faultDelay
	faultDrop
	faultProcessThenDrop
	faultRateLimit
	faultOAuth
	faultProcessThenDelay
)

func (k faultKind) String() string {
	switch k {
	case faultCode:
		return "FailCode"
	case faultHTML:
		return "GatewayHTML"
	case faultStatus:
		return "HTTPStatus"
	case faultDelay:
		return "Delay"
	case faultDrop:
		return "DropConnection"
	case faultProcessThenDrop:
		return "ProcessThenDrop"
	case faultRateLimit:
		return "RateLimited"
	case faultOAuth:
		return "FailOAuth"
	case faultProcessThenDelay:
		return "ProcessThenDelay"
	default:
		return "Fault{}"
	}
}

// String names the fault and its aim, for test output.
func (f Fault) String() string {
	var b strings.Builder
	b.WriteString(f.kind.String())
	switch f.kind {
	case faultCode:
		fmt.Fprintf(&b, "(%d", f.code)
		if f.apiCode != 0 {
			fmt.Fprintf(&b, ", apiCode %d", f.apiCode)
		}
		b.WriteString(")")
	case faultHTML, faultStatus:
		fmt.Fprintf(&b, "(%d)", f.status)
	case faultOAuth:
		fmt.Fprintf(&b, "(%d %s)", f.status, f.oauthError)
	case faultRateLimit:
		fmt.Fprintf(&b, "(Retry-After %q)", f.retryAfter)
	case faultProcessThenDelay:
		fmt.Fprintf(&b, "(%s)", f.hold)
	}
	if f.delay > 0 {
		fmt.Fprintf(&b, " after %s", f.delay)
	}
	if f.user != "" {
		fmt.Fprintf(&b, " for user %s", f.user)
	}
	if f.token != "" {
		b.WriteString(" for one token")
	}
	if f.credential != "" {
		b.WriteString(" for one code")
	}
	if f.nth > 1 {
		fmt.Fprintf(&b, " on matching call %d", f.nth)
	}
	return b.String()
}

// FailCode answers with a well-formed failure envelope: the v2 code, or for
// GenAuth the statusCode (HTTP 200, as GenAuth does). On the OIDC endpoints
// the code is the HTTP status of an RFC 6749 error (see FailOAuth). The
// message says the failure was injected.
func FailCode(code int) Fault { return Fault{kind: faultCode, code: code} }

// FailAPICode answers a GenAuth call with statusCode and apiCode.
func FailAPICode(statusCode, apiCode int) Fault {
	return Fault{kind: faultCode, code: statusCode, apiCode: apiCode}
}

// FailOAuth answers an OIDC endpoint with an RFC 6749 error, e.g.
// FailOAuth(400, "invalid_grant"). On other endpoints it is FailCode(status).
func FailOAuth(status int, errorCode string) Fault {
	return Fault{kind: faultOAuth, status: status, code: status, oauthError: errorCode}
}

// GatewayHTML answers with an HTML error page and the given HTTP status, as
// a gateway in front of the API does (e.g. 502).
func GatewayHTML(status int) Fault { return Fault{kind: faultHTML, status: status} }

// HTTPStatus answers with a bare HTTP status and a Retry-After header
// ("" for none), e.g. 429 or 503.
func HTTPStatus(status int, retryAfter string) Fault {
	return Fault{kind: faultStatus, status: status, retryAfter: retryAfter}
}

// RateLimited answers HTTP 429 with a Retry-After header (seconds or an HTTP
// date; "" for none) and the endpoint family's envelope: v2
// {"code":429,"msg":…}, GenAuth {"statusCode":429,"message":…} and on the
// OIDC endpoints {"error":"rate_limit_exceeded"}. InEnvelopeOnly answers
// HTTP 200 instead, as GenAuth does for every business answer.
func RateLimited(retryAfter string) Fault {
	return Fault{kind: faultRateLimit, status: 429, code: 429, retryAfter: retryAfter}
}

// InEnvelopeOnly makes a RateLimited fault answer HTTP 200, so that only
// the envelope (and the Retry-After header) says 429.
func (f Fault) InEnvelopeOnly() Fault {
	if f.kind == faultRateLimit {
		f.status = 200
	}
	return f
}

// Delay waits d (or until the client gives up) before handling the call
// normally.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// DropConnection closes the connection after reading the request, without
// processing it or answering: nothing changed on the server.
func DropConnection() Fault { return Fault{kind: faultDrop} }

// ProcessThenDrop processes the call normally (a code is redeemed, a
// refresh token rotated, a token revoked) and then closes the connection
// before any answer: the most dangerous failure for single-use credentials,
// since the client cannot know the server acted. A client must not resend.
func ProcessThenDrop() Fault { return Fault{kind: faultProcessThenDrop} }

// ProcessThenDelay processes the call normally and then holds the answer
// for d before sending it: a client whose deadline is shorter gives up on a
// call the server carried out (a code redeemed, a token rotated), as after
// a timeout in the field.
func ProcessThenDelay(d time.Duration) Fault { return Fault{kind: faultProcessThenDelay, hold: d} }

// After returns f delayed by d: the call waits d (or until the client gives
// up) before f applies.
func (f Fault) After(d time.Duration) Fault {
	f.delay = d
	return f
}

// ForUser aims f at calls made for one user: logins that resolve to the
// user id (see SeedUser) and calls presenting the user's tokens.
func (f Fault) ForUser(uid string) Fault {
	f.user = uid
	return f
}

// ForToken aims f at calls presenting one token: an access token (with or
// without "Bearer "), a refresh token, or the token of a revocation or
// introspection. Only endpoints that take a token accept it.
func (f Fault) ForToken(token string) Fault {
	f.token = bareToken(token)
	return f
}

// ForCode aims f at logins presenting one credential: the code (code,
// authCode, jsCode) or, for logins without one, the identity token, OAuth
// token or GenAuth payload credential. Only login endpoints accept it.
func (f Fault) ForCode(code string) Fault {
	f.credential = code
	return f
}

// OnCall makes f apply to the n-th call it matches, counted from Inject
// (1, the default, is the next one).
func (f Fault) OnCall(n int) Fault {
	f.nth = n
	return f
}

// matches reports whether f is aimed at c.
func (f Fault) matches(c *call) bool {
	if f.user != "" && f.user != c.uid {
		return false
	}
	if f.credential != "" && f.credential != c.credential {
		return false
	}
	if f.token != "" {
		for _, t := range c.tokens {
			if t == f.token {
				return true
			}
		}
		return false
	}
	return true
}

func bareToken(t string) string {
	if len(t) > 7 && strings.EqualFold(t[:7], "bearer ") {
		return t[7:]
	}
	return t
}
