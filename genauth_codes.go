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
	ErrGenAuthStatus601          GenAuthStatus = 601 // a request to a third-party endpoint failed
	ErrGenAuthStatus602          GenAuthStatus = 602 // the third party answered an error
	ErrGenAuthStatus603          GenAuthStatus = 603 // a custom pipeline step failed
)

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

// GenAuth apiCodes (Authing's error-code page and Guard's flow handling).
const (
	ErrGenAuthNoLoginPermission     APICode = 1576    // the user may not log in to this app (not in Authing's table)
	ErrGenAuthFlowEnded             APICode = 1600    // the post-login flow ended in the hosted login page: no token here
	ErrGenAuthMFARequired           APICode = 1635    // MFA required; matches every MFA apiCode (1636, TOTP 6001–6004, face 1700–1707)
	ErrGenAuthAppMFARequired        APICode = 1636    // MFA configured on the app is required; Continuation holds mfaToken
	ErrGenAuthFirstLogin            APICode = 1639    // first login: a step (password reset) comes first; Continuation holds token
	ErrGenAuthBindExistingAccount   APICode = 1640    // the federated identity must be bound to an existing account
	ErrGenAuthBindOrCreateAccount   APICode = 1641    // the federated identity must be bound to an account, existing or new
	ErrGenAuthProfileIncomplete     APICode = 1642    // the user must complete profile information
	ErrGenAuthSelfUnlock            APICode = 1643    // the user must unlock the account themselves
	ErrGenAuthTenantSelection       APICode = 1644    // the user must choose a tenant (Guard's tenant portal)
	ErrGenAuthTenantInfoRequired    APICode = 1645    // the user must complete tenant information
	ErrGenAuthBindWithoutAsking     APICode = 1666    // the federated identity is bound to an account without asking; continue the binding
	ErrGenAuthFlowAborted           APICode = 1699    // the post-authentication flow stopped; start the login again
	ErrGenAuthFacePhotoMissing      APICode = 1700    // face recognition: no photo uploaded
	ErrGenAuthFaceCompareMissing    APICode = 1701    // face recognition: no photo to compare with
	ErrGenAuthFaceMismatch          APICode = 1702    // face recognition: the face does not match
	ErrGenAuthFaceNoContact         APICode = 1703    // face binding needs a bound email or phone number
	ErrGenAuthFacePhoneCheckFailed  APICode = 1704    // face binding: the phone verification failed
	ErrGenAuthFaceEmailCheckFailed  APICode = 1705    // face binding: the email verification failed
	ErrGenAuthFaceAlreadyBound      APICode = 1706    // face binding: the face is already bound
	ErrGenAuthFaceBindFailed        APICode = 1707    // face binding failed
	ErrGenAuthUserNotFound          APICode = 2004    // the user does not exist
	ErrGenAuthUserLocked            APICode = 2005    // the user is locked; matches every lock apiCode (2005, 1643)
	ErrGenAuthWrongPassword         APICode = 2006    // the password is wrong
	ErrGenAuthAppNotFound           APICode = 2011    // the app does not exist
	ErrGenAuthNotLoggedIn           APICode = 2020    // not logged in
	ErrGenAuthRegistrationDisabled  APICode = 2031    // the app does not let new users register
	ErrGenAuthPasswordResetRequired APICode = 2058    // the password must be reset (the old one is needed)
	ErrGenAuthUnsafePassword        APICode = 2061    // the password is unsafe: the user is told to change it
	ErrGenAuthUnsafePasswordReset   APICode = 2071    // the password is unsafe and must be reset
	ErrGenAuthUserPoolNotFound      APICode = 2224    // the user pool does not exist
	ErrGenAuthBadCredentials        APICode = 2333    // wrong account name or password
	ErrGenAuthSelectAccount         APICode = 2921    // the user must choose which of several accounts to bind
	ErrGenAuthFlowStep              APICode = 2930    // a further step of the login flow (Guard continues it; meaning unpublished)
	ErrGenAuthTOTPWrong             APICode = 6001    // the TOTP code is wrong
	ErrGenAuthTOTPRecoveryWrong     APICode = 6002    // the TOTP recovery code is wrong
	ErrGenAuthTOTPRequired          APICode = 6003    // no TOTP code was entered
	ErrGenAuthTOTPRecoveryRequired  APICode = 6004    // no TOTP recovery code was entered
	ErrGenAuthTenantMembership      APICode = 2120008 // the user is disabled or not a member of the tenant
	ErrGenAuthTenantLoginDenied     APICode = 2130010 // the user may not log in to the tenant
	ErrGenAuthLDAPInvalid           APICode = 2820002 // the LDAP connection is invalid
)

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
