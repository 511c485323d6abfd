package enduser

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/seed1804ee03/enduser/internal/codes"
	"github.com/seed1804ee03/enduser/internal/gacodes"
)

// Code is a numeric result code of the v2 end-user API. Every code the
// platform documents has a meaning ([Code.Text]); the codes a login or
// session call can answer also have an exported sentinel (sentinels.go). An
// [*APIError] with a code matches its Code with [errors.Is], and [errors.As]
// extracts the Code itself.
//
// Code implements error: its text is the documented meaning in a few words.
type Code int

//go:generate go run ./internal/codes/cmd/gencodes

// Aliases: the same wire code under the name of what the field is called.
const (
	ErrJSCodeRequired    = ErrCodeRequired         // 5372: jsCode is missing
	ErrCodeParamRequired = ErrFacebookCodeRequired // 5374: the code parameter is missing
)

// Error returns the code's documented meaning and its number.
func (c Code) Error() string { return describe(c.Text(), "code", int(c)) }

// Text returns the documented meaning of the code, or "" for an unknown code.
func (c Code) Text() string { return codeRows[c].Text }

// codeRows is internal/codes by code, and codeClasses the class of every
// code with one there (the codes the SDK's endpoints answer); any other code
// is ClassServer. Both are built once and never changed.
var codeRows, codeClasses = func() (map[Code]codes.V2, map[Code]ErrorClass) {
	rows, classes := map[Code]codes.V2{}, map[Code]ErrorClass{}
	for _, r := range codes.AllV2() {
		rows[Code(r.Code)] = r
		for cl, name := range classNames {
			if name == string(r.Class) {
				classes[Code(r.Code)] = ErrorClass(cl)
			}
		}
	}
	return rows, classes
}()

// codeSet is the error of a local check whose field the server answers with
// one code while an older page of the API docs lists another for the login: it
// matches all of them with errors.Is, and errors.As finds the first (the
// server's).
type codeSet []Code

func (cs codeSet) Error() string { return cs[0].Error() }

func (cs codeSet) Unwrap() []error {
	out := make([]error, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

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
