package enduser

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/seed1804ee03/enduser/internal/gacodes"
)

// GenAuthStatus is a GenAuth statusCode: the class of a failure (GenAuth
// answers HTTP 200 for everything and puts the class here). An [*APIError]
// of GenAuth unwraps to it, so errors.Is(err, ErrGenAuthForbidden) works.
// The README's GenAuth code table lists each with its meaning and class.
type GenAuthStatus int

// Text returns the meaning of the statusCode, or "" for an undocumented one.
func (s GenAuthStatus) Text() string {
	if s == 200 {
		return "success"
	}
	if r := gacodes.Status(int(s)); r != nil {
		return r.Text
	}
	return ""
}

// Error returns the statusCode's meaning and its number.
func (s GenAuthStatus) Error() string { return describe(s.Text(), "statusCode", int(s)) }

// APICode is a GenAuth apiCode: the finer reason GenAuth sends beside its
// statusCode. Every documented apiCode has a sentinel below that matches an
// [*APIError] with [errors.Is]; the groups ([ErrGenAuthMFARequired],
// [ErrGenAuthStepRequired], [ErrGenAuthUserLocked], [ErrGenAuthTenantDenied],
// [ErrGenAuthAppMisconfigured]) tell a caller what to do without listing
// codes. The README's GenAuth code table lists each with its group and class.
type APICode int

//go:generate go run ./internal/gacodes/cmd/gengacodes

// Groups of apiCodes: what a caller does next. An [*APIError] matches its
// group with [errors.Is] (besides [ErrGenAuthMFARequired] and
// [ErrGenAuthUserLocked], which are groups and codes at once).
var (
	// ErrGenAuthStepRequired: the user must complete a step before the
	// login finishes (MFA, TOTP, face recognition, first-login password
	// reset, account binding or choice, tenant choice, profile completion,
	// forced or unsafe-password reset). Continuation holds the token to
	// continue with when the answer carries one.
	ErrGenAuthStepRequired = errors.New("enduser: GenAuth: the user must complete a step to log in")
	// ErrGenAuthTenantDenied: the user may not use the tenant asked for
	// (2120008, 2130010).
	ErrGenAuthTenantDenied = errors.New("enduser: GenAuth: tenant access denied")
	// ErrGenAuthAppMisconfigured: the app, user pool or connection the
	// client is configured with does not exist or does not allow the login
	// (2011, 2224, 2031, 2820002): fix the configuration, not the user's
	// input.
	ErrGenAuthAppMisconfigured = errors.New("enduser: GenAuth: app misconfigured")
)

// groups maps the table's group names to their sentinels.
var groups = map[string]error{
	gacodes.Step: ErrGenAuthStepRequired, gacodes.Tenant: ErrGenAuthTenantDenied, gacodes.App: ErrGenAuthAppMisconfigured,
}

// Text returns the apiCode's meaning, or "" for an undocumented one.
func (c APICode) Text() string {
	if r := gacodes.API(int(c)); r != nil {
		return r.Text
	}
	return ""
}

// Error returns the apiCode's meaning and its number.
func (c APICode) Error() string { return describe(c.Text(), "apiCode", int(c)) }

// Is reports whether c belongs to target: the same apiCode, the apiCode
// that names c's kind (1636 is an [ErrGenAuthMFARequired]), or c's group.
func (c APICode) Is(target error) bool {
	r := gacodes.API(int(c))
	if r == nil {
		return false
	}
	if t, ok := target.(APICode); ok {
		return t == c || r.Of != 0 && int(t) == r.Of
	}
	return r.Group != "" && groups[r.Group] == target
}

// ContinuationToken is the token a GenAuth failure hands out to continue the
// login: data.mfaToken (MFA) or data.token (first login, binding, …) of the
// failure, whatever its apiCode. It is a credential: printed with fmt (any
// verb), logged with log/slog or encoded as JSON it shows "[redacted]" when
// set. Convert it with string(...) to use it.
type ContinuationToken string

// String returns "[redacted]" when set, "" otherwise.
func (t ContinuationToken) String() string {
	if t == "" {
		return ""
	}
	return redacted
}

// Format prints String for every verb.
func (t ContinuationToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue logs String.
func (t ContinuationToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// MarshalJSON encodes String, so a logged or stored error never carries
// the token.
func (t ContinuationToken) MarshalJSON() ([]byte, error) { return []byte(`"` + t.String() + `"`), nil }
