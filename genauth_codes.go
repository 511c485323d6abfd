package enduser

import (
	"errors"
	"fmt"
	"log/slog"
)

// GenAuthStatus is a GenAuth statusCode: the class of a failure (GenAuth
// answers HTTP 200 for everything and puts the class here). An [*APIError]
// of GenAuth unwraps to it, so errors.Is(err, ErrGenAuthForbidden) works.
type GenAuthStatus int

// GenAuth statusCodes (Authing's OpenAPI error table).
const (
	ErrGenAuthBadRequest         GenAuthStatus = 400 // invalid argument
	ErrGenAuthUnauthorized       GenAuthStatus = 401 // not authenticated, or a further step is needed
	ErrGenAuthPaymentRequired    GenAuthStatus = 402 // the plan or quota does not cover the call
	ErrGenAuthForbidden          GenAuthStatus = 403 // not allowed
	ErrGenAuthNotFound           GenAuthStatus = 404 // something the call names does not exist
	ErrGenAuthConflict           GenAuthStatus = 409 // conflicts with existing data
	ErrGenAuthPayloadTooLarge    GenAuthStatus = 413 // the request is too large
	ErrGenAuthUnprocessable      GenAuthStatus = 422 // well-formed but not acceptable
	ErrGenAuthTooManyRequests    GenAuthStatus = 429 // throttled; also matches ErrRateLimited
	ErrGenAuthFailed             GenAuthStatus = 499 // a business rule refused the call (see the apiCode)
	ErrGenAuthServerError        GenAuthStatus = 500 // GenAuth failed
	ErrGenAuthNotImplemented     GenAuthStatus = 501 // the feature is not available
	ErrGenAuthBadGateway         GenAuthStatus = 502 // an upstream of GenAuth failed
	ErrGenAuthServiceUnavailable GenAuthStatus = 503 // GenAuth is unavailable for now
	ErrGenAuthStatus601          GenAuthStatus = 601 // platform-specific failure class 601
	ErrGenAuthStatus602          GenAuthStatus = 602 // platform-specific failure class 602
	ErrGenAuthStatus603          GenAuthStatus = 603 // platform-specific failure class 603
	genAuthStatusOK              GenAuthStatus = 200
)

// Text returns the meaning of the statusCode, or "" for an undocumented one.
func (s GenAuthStatus) Text() string {
	switch s {
	case genAuthStatusOK:
		return "success"
	case ErrGenAuthBadRequest:
		return "invalid argument"
	case ErrGenAuthUnauthorized:
		return "unauthorized"
	case ErrGenAuthPaymentRequired:
		return "not covered by the plan"
	case ErrGenAuthForbidden:
		return "forbidden"
	case ErrGenAuthNotFound:
		return "not found"
	case ErrGenAuthConflict:
		return "conflict"
	case ErrGenAuthPayloadTooLarge:
		return "request too large"
	case ErrGenAuthUnprocessable:
		return "request not processable"
	case ErrGenAuthTooManyRequests:
		return "throttled"
	case ErrGenAuthFailed:
		return "refused by a business rule"
	case ErrGenAuthServerError:
		return "server error"
	case ErrGenAuthNotImplemented:
		return "not implemented"
	case ErrGenAuthBadGateway:
		return "upstream failure"
	case ErrGenAuthServiceUnavailable:
		return "service unavailable"
	case ErrGenAuthStatus601, ErrGenAuthStatus602, ErrGenAuthStatus603:
		return "platform-specific failure"
	}
	return ""
}

// Error returns the statusCode's meaning and its number.
func (s GenAuthStatus) Error() string { return describe(s.Text(), "statusCode", int(s)) }

// APICode is a GenAuth apiCode: the finer reason GenAuth sends beside its
// statusCode. Every documented login-related apiCode has a sentinel below
// that matches an [*APIError] with [errors.Is]; the groups
// ([ErrGenAuthMFARequired], [ErrGenAuthStepRequired], [ErrGenAuthUserLocked],
// [ErrGenAuthTenantDenied], [ErrGenAuthAppMisconfigured]) tell a caller what
// to do without listing codes.
type APICode int

// GenAuth apiCodes a mobile sign-in can answer (Authing's error table).
const (
	ErrGenAuthNoLoginPermission     APICode = 1576    // the user may not log in to this app (seed 004; not in Authing's table)
	ErrGenAuthMFARequired           APICode = 1635    // MFA required; matches every MFA apiCode (1635, 1636)
	ErrGenAuthAppMFARequired        APICode = 1636    // MFA configured on the app is required; Continuation holds mfaToken
	ErrGenAuthFirstLogin            APICode = 1639    // first login: a step (password reset) comes first; Continuation holds token
	ErrGenAuthBindExistingAccount   APICode = 1640    // the federated identity must be bound to an existing account
	ErrGenAuthBindOrCreateAccount   APICode = 1641    // the federated identity must be bound to an account, existing or new
	ErrGenAuthProfileIncomplete     APICode = 1642    // the user must complete profile information
	ErrGenAuthSelfUnlock            APICode = 1643    // the user must unlock the account themselves
	ErrGenAuthFlowAborted           APICode = 1699    // the post-authentication flow stopped; start the login again
	ErrGenAuthUserNotFound          APICode = 2004    // the user does not exist
	ErrGenAuthUserLocked            APICode = 2005    // the user is locked; matches every lock apiCode (2005, 1643)
	ErrGenAuthWrongPassword         APICode = 2006    // the password is wrong
	ErrGenAuthAppNotFound           APICode = 2011    // the app does not exist
	ErrGenAuthNotLoggedIn           APICode = 2020    // not logged in
	ErrGenAuthRegistrationDisabled  APICode = 2031    // the app does not let new users register
	ErrGenAuthPasswordResetRequired APICode = 2058    // the password must be reset (the old one is needed)
	ErrGenAuthUserPoolNotFound      APICode = 2224    // the user pool does not exist
	ErrGenAuthBadCredentials        APICode = 2333    // wrong account name or password
	ErrGenAuthTenantMembership      APICode = 2120008 // the user is disabled or not a member of the tenant
	ErrGenAuthTenantLoginDenied     APICode = 2130010 // the user may not log in to the tenant
)

// Groups of apiCodes: what a caller does next. An [*APIError] matches its
// group with [errors.Is] (besides [ErrGenAuthMFARequired] and
// [ErrGenAuthUserLocked], which are groups and codes at once).
var (
	// ErrGenAuthStepRequired: the user must complete a step before the
	// login finishes (MFA, first-login password reset, account binding,
	// profile completion, forced password reset). Continuation may hold
	// the token to continue with.
	ErrGenAuthStepRequired = errors.New("enduser: GenAuth: the user must complete a step to log in")
	// ErrGenAuthTenantDenied: the user may not use the tenant asked for
	// (2120008, 2130010).
	ErrGenAuthTenantDenied = errors.New("enduser: GenAuth: tenant access denied")
	// ErrGenAuthAppMisconfigured: the app or user pool the client is
	// configured with does not exist or does not allow the login (2011,
	// 2224, 2031): fix the configuration, not the user's input.
	ErrGenAuthAppMisconfigured = errors.New("enduser: GenAuth: app misconfigured")
)

var apiCodeText = map[APICode]string{
	ErrGenAuthNoLoginPermission:     "no permission to log in to this app",
	ErrGenAuthMFARequired:           "multi-factor authentication required",
	ErrGenAuthAppMFARequired:        "multi-factor authentication required by the app",
	ErrGenAuthFirstLogin:            "first login: complete the first-login step",
	ErrGenAuthBindExistingAccount:   "bind the identity to an existing account",
	ErrGenAuthBindOrCreateAccount:   "bind the identity to an existing or new account",
	ErrGenAuthProfileIncomplete:     "complete the profile to log in",
	ErrGenAuthSelfUnlock:            "unlock the account to log in",
	ErrGenAuthFlowAborted:           "login flow stopped, start again",
	ErrGenAuthUserNotFound:          "user does not exist",
	ErrGenAuthUserLocked:            "user is locked",
	ErrGenAuthWrongPassword:         "wrong password",
	ErrGenAuthAppNotFound:           "app does not exist",
	ErrGenAuthNotLoggedIn:           "not logged in",
	ErrGenAuthRegistrationDisabled:  "registration is disabled for this app",
	ErrGenAuthPasswordResetRequired: "password reset required",
	ErrGenAuthUserPoolNotFound:      "user pool does not exist",
	ErrGenAuthBadCredentials:        "wrong account or password",
	ErrGenAuthTenantMembership:      "user disabled or not a member of the tenant",
	ErrGenAuthTenantLoginDenied:     "no permission to log in to the tenant",
}

// Text returns the apiCode's meaning, or "" for an undocumented one.
func (c APICode) Text() string { return apiCodeText[c] }

// Error returns the apiCode's meaning and its number.
func (c APICode) Error() string { return describe(apiCodeText[c], "apiCode", int(c)) }

// Is reports whether c belongs to target: the same apiCode, or a group that
// c is part of.
func (c APICode) Is(target error) bool {
	if t, ok := target.(APICode); ok {
		switch t {
		case c:
			return true
		case ErrGenAuthMFARequired:
			return c == ErrGenAuthAppMFARequired
		case ErrGenAuthUserLocked:
			return c == ErrGenAuthSelfUnlock
		}
		return false
	}
	g := c.group()
	return g != nil && g == target
}

func (c APICode) group() error {
	switch c {
	case ErrGenAuthMFARequired, ErrGenAuthAppMFARequired, ErrGenAuthFirstLogin, ErrGenAuthBindExistingAccount,
		ErrGenAuthBindOrCreateAccount, ErrGenAuthProfileIncomplete, ErrGenAuthPasswordResetRequired:
		return ErrGenAuthStepRequired
	case ErrGenAuthTenantMembership, ErrGenAuthTenantLoginDenied:
		return ErrGenAuthTenantDenied
	case ErrGenAuthAppNotFound, ErrGenAuthUserPoolNotFound, ErrGenAuthRegistrationDisabled:
		return ErrGenAuthAppMisconfigured
	}
	return nil
}

// ContinuationToken is the token a GenAuth failure hands out to continue the
// login: the mfaToken of apiCode 1636 (MFA) or the token of 1639 (first
// login), from the failure's data. It is a credential: printed with fmt (any
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
