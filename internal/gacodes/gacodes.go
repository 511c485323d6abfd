// Package gacodes is the one table of GenAuth's failure codes: one row per
// statusCode and per apiCode with its meaning, the class of error it is (the
// root package's ErrorClass, by its String name), the group a caller tests
// for and the Go name of its sentinel. The root package's error texts,
// errors.Is groups and Class read it, and so does the README's code table.
//
// Sources: Authing's error-code page
// (https://docs.authing.cn/v2/reference-new/other/error-code.html), its
// OpenAPI error table, Guard's response handling (Authing/Guard:
// packages/react/src/_utils/responseManagement/interface.ts) and Android's
// code table (https://docs.authing.cn/v2/reference/sdk-for-android/errorcode.html).
package gacodes

import (
	"strconv"
	"strings"
)

// Class names, as the root package's ErrorClass.String returns them.
const (
	InvalidRequest = "invalid_request"
	Misconfigured  = "misconfigured"
	ReLogin        = "relogin"
	Denied         = "denied"
	RateLimited    = "rate_limited"
	Server         = "server"
)

// Groups: what a caller does next (the root package's group sentinels).
const (
	Step   = "step"   // the user must complete a step (MFA, binding, …)
	Tenant = "tenant" // the user may not use the tenant asked for
	App    = "app"    // the app or user pool is not set up for the login
)

// Row is one code.
type Row struct {
	Code  int
	Name  string // the root package's sentinel
	Text  string // its meaning, in a few words
	Class string // one of the class names above
	Group string // one of the groups above, or ""
	Of    int    // an apiCode it also matches with errors.Is (1636 is an MFA, 1635), or 0
}

// Statuses are GenAuth's statusCodes (GenAuth answers HTTP 200 and puts the
// class here), ascending.
var Statuses = []Row{
	{400, "ErrGenAuthBadRequest", "invalid argument", InvalidRequest, "", 0},
	{401, "ErrGenAuthUnauthorized", "unauthorized", ReLogin, "", 0}, // a sign-in's 401 is classed apart (class.go)
	{402, "ErrGenAuthPaymentRequired", "not covered by the plan", Misconfigured, "", 0},
	{403, "ErrGenAuthForbidden", "forbidden", Denied, "", 0},
	{404, "ErrGenAuthNotFound", "not found", Misconfigured, "", 0}, // the app, pool or connection named does not exist
	{409, "ErrGenAuthConflict", "conflict", InvalidRequest, "", 0},
	{413, "ErrGenAuthPayloadTooLarge", "request too large", InvalidRequest, "", 0},
	{422, "ErrGenAuthUnprocessable", "request not processable", InvalidRequest, "", 0},
	{429, "ErrGenAuthTooManyRequests", "throttled", RateLimited, "", 0},
	{499, "ErrGenAuthFailed", "refused by a business rule", Denied, "", 0},
	{500, "ErrGenAuthServerError", "server error", Server, "", 0},
	{501, "ErrGenAuthNotImplemented", "not implemented", Misconfigured, "", 0},
	{502, "ErrGenAuthBadGateway", "upstream failure", Server, "", 0},
	{503, "ErrGenAuthServiceUnavailable", "service unavailable", Server, "", 0},
	{601, "ErrGenAuthStatus601", "a request to a third-party endpoint failed", Server, "", 0},
	{602, "ErrGenAuthStatus602", "the third party answered an error", ReLogin, "", 0}, // like v2's 5368: it rejected the code
	{603, "ErrGenAuthStatus603", "a custom pipeline step failed", Denied, "", 0},      // pipelines refuse logins by failing
}

// APICodes are GenAuth's apiCodes, ascending.
var APICodes = []Row{
	{1576, "ErrGenAuthNoLoginPermission", "no permission to log in to this app", Denied, "", 0},
	{1600, "ErrGenAuthFlowEnded", "the post-login flow ended in the hosted login page", Misconfigured, "", 0},
	{1635, "ErrGenAuthMFARequired", "multi-factor authentication required", Denied, Step, 0},
	{1636, "ErrGenAuthAppMFARequired", "multi-factor authentication required by the app", Denied, Step, 1635},
	{1639, "ErrGenAuthFirstLogin", "first login: complete the first-login step", Denied, Step, 0},
	{1640, "ErrGenAuthBindExistingAccount", "bind the identity to an existing account", Denied, Step, 0},
	{1641, "ErrGenAuthBindOrCreateAccount", "bind the identity to an existing or new account", Denied, Step, 0},
	{1642, "ErrGenAuthProfileIncomplete", "complete the profile to log in", Denied, Step, 0},
	{1643, "ErrGenAuthSelfUnlock", "unlock the account to log in", Denied, "", 2005},
	{1644, "ErrGenAuthTenantSelection", "choose a tenant to log in to", Denied, Step, 0},
	{1645, "ErrGenAuthTenantInfoRequired", "complete the tenant information to log in", Denied, Step, 0},
	{1666, "ErrGenAuthBindWithoutAsking", "the identity is being bound to an account", Denied, Step, 0},
	{1699, "ErrGenAuthFlowAborted", "login flow stopped, start again", ReLogin, "", 0},
	{1700, "ErrGenAuthFacePhotoMissing", "face recognition: no photo uploaded", Denied, Step, 1635},
	{1701, "ErrGenAuthFaceCompareMissing", "face recognition: no photo to compare", Denied, Step, 1635},
	{1702, "ErrGenAuthFaceMismatch", "face recognition: the face does not match", Denied, Step, 1635},
	{1703, "ErrGenAuthFaceNoContact", "face binding needs a bound email or phone", Denied, Step, 1635},
	{1704, "ErrGenAuthFacePhoneCheckFailed", "face binding: phone verification failed", Denied, Step, 1635},
	{1705, "ErrGenAuthFaceEmailCheckFailed", "face binding: email verification failed", Denied, Step, 1635},
	{1706, "ErrGenAuthFaceAlreadyBound", "face binding: the face is already bound", Denied, Step, 1635},
	{1707, "ErrGenAuthFaceBindFailed", "face binding failed", Denied, Step, 1635},
	{2004, "ErrGenAuthUserNotFound", "user does not exist", Denied, "", 0},
	{2005, "ErrGenAuthUserLocked", "user is locked", Denied, "", 0},
	{2006, "ErrGenAuthWrongPassword", "wrong password", ReLogin, "", 0},
	{2011, "ErrGenAuthAppNotFound", "app does not exist", Misconfigured, App, 0},
	{2020, "ErrGenAuthNotLoggedIn", "not logged in", ReLogin, "", 0},
	{2031, "ErrGenAuthRegistrationDisabled", "registration is disabled for this app", Misconfigured, App, 0},
	{2058, "ErrGenAuthPasswordResetRequired", "password reset required", Denied, Step, 0},
	{2061, "ErrGenAuthUnsafePassword", "the password is unsafe: the user is told to change it", Denied, Step, 0},
	{2071, "ErrGenAuthUnsafePasswordReset", "the password is unsafe and must be reset", Denied, Step, 0},
	{2224, "ErrGenAuthUserPoolNotFound", "user pool does not exist", Misconfigured, App, 0},
	{2333, "ErrGenAuthBadCredentials", "wrong account or password", ReLogin, "", 0},
	{2921, "ErrGenAuthSelectAccount", "choose the account to bind among several", Denied, Step, 0},
	{2930, "ErrGenAuthFlowStep", "a further step of the login flow", Denied, Step, 0},
	{6001, "ErrGenAuthTOTPWrong", "wrong TOTP code", Denied, Step, 1635},
	{6002, "ErrGenAuthTOTPRecoveryWrong", "wrong TOTP recovery code", Denied, Step, 1635},
	{6003, "ErrGenAuthTOTPRequired", "TOTP code missing", Denied, Step, 1635},
	{6004, "ErrGenAuthTOTPRecoveryRequired", "TOTP recovery code missing", Denied, Step, 1635},
	{2120008, "ErrGenAuthTenantMembership", "user disabled or not a member of the tenant", Denied, Tenant, 0},
	{2130010, "ErrGenAuthTenantLoginDenied", "no permission to log in to the tenant", Denied, Tenant, 0},
	{2820002, "ErrGenAuthLDAPInvalid", "the LDAP connection is invalid", Misconfigured, App, 0},
}

var (
	statusIndex = index(Statuses)
	apiIndex    = index(APICodes)
)

func index(rows []Row) map[int]*Row {
	m := make(map[int]*Row, len(rows))
	for i := range rows {
		m[rows[i].Code] = &rows[i]
	}
	return m
}

// Status returns the row of a statusCode, or nil.
func Status(code int) *Row { return statusIndex[code] }

// API returns the row of an apiCode, or nil.
func API(code int) *Row { return apiIndex[code] }

// Markdown is the README's code table: every statusCode and apiCode with its
// sentinel, meaning, group and class.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| code | sentinel | meaning | group | class |\n|---|---|---|---|---|\n")
	groups := map[string]string{Step: "`ErrGenAuthStepRequired`", Tenant: "`ErrGenAuthTenantDenied`", App: "`ErrGenAuthAppMisconfigured`"}
	for _, t := range []struct {
		kind string
		rows []Row
	}{{"statusCode", Statuses}, {"apiCode", APICodes}} {
		for _, r := range t.rows {
			group := groups[r.Group]
			if r.Of != 0 {
				group = strings.TrimPrefix(group+", `"+API(r.Of).Name+"`", ", ")
			}
			b.WriteString("| " + t.kind + " " + strconv.Itoa(r.Code) + " | `" + r.Name + "` | " + r.Text + " | " + group + " | `" + GoClass(r.Class) + "` |\n")
		}
	}
	return b.String()
}

// GoClass returns the root package's constant for a class name:
// "rate_limited" is "ClassRateLimited".
func GoClass(name string) string {
	if name == ReLogin {
		return "ClassReLogin"
	}
	var b strings.Builder
	b.WriteString("Class")
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
