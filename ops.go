package enduser

import "slices"

// Op names an endpoint. It is the Op of an [*APIError], [*ValidationError]
// or [*UnexpectedResponseError], the op of log records, and the endpoint
// name the emulator's scripting takes.
const (
	OpTwitterLogin               = "twitterAuthLogin"
	OpAppleLogin                 = "appleAuthLogin"
	OpWechatOfficialAccountLogin = "wechatOffiaccountAuthLogin"
	OpFacebookLogin              = "facebookAuthLogin"
	OpAlipayLogin                = "alipayAuthLogin"
	OpWechatMiniProgramLogin     = "wechatMiniprogramAuthLogin" //nolint:gosec // G101: an endpoint name
	OpRefreshToken               = "refreshToken"
	OpUserInfo                   = "userInfo"
	OpLogout                     = "userLogout"
	OpSignInByMobile             = "signin-by-mobile"
)

// GenAuth's OpenID Connect endpoints, named by their path under the app
// host.
const (
	OpOIDCToken         = "oidc/token"                 // refresh (POST)
	OpOIDCUserInfo      = "oidc/me"                    // user info (GET)
	OpOIDCRevocation    = "oidc/token/revocation"      // logout: RFC 7009 revocation (POST)
	OpOIDCIntrospection = "oidc/token/introspection"   // RFC 7662 introspection (POST)
	OpOIDCKeys          = "oidc/.well-known/jwks.json" // id token keys (GET, by VerifyIDToken)
)

// The v2 end-user API, one row per endpoint: its Op, method, required
// fields in signature order with the code the server answers when each is
// missing (local validation returns the same), whether it is signed, and
// every code it can answer (listed in its method's doc comment too; a test
// keeps the two equal). Adding a v2 endpoint is a row here and a method of
// a few lines over Client.login or callV2.
var (
	twitterLogin = v2Endpoint{name: OpTwitterLogin, method: "POST", signed: true,
		fields: []v2Field{{"appId", ErrAppIDRequired}, {"oauthToken", ErrOAuthTokenRequired}, {"oauthTokenSecret", ErrOAuthTokenSecretRequired}},
		codes:  loginCodes(ErrAppIDRequired, ErrOAuthTokenRequired, ErrOAuthTokenSecretRequired)}
	appleLogin = v2Endpoint{name: OpAppleLogin, method: "POST", signed: true,
		fields: []v2Field{{"identityToken", ErrIdentityTokenRequired}},
		codes:  loginCodes(ErrApplePublicKeyEmpty, ErrIdentityTokenFormat, ErrIdentityTokenRequired)}
	// The seeds give 5372 for an empty code; the platform's list says 5374.
	wechatOfficialAccountLogin = v2Endpoint{name: OpWechatOfficialAccountLogin, method: "POST", signed: true,
		fields: []v2Field{{"appId", ErrAppIDRequired}, {"code", codes{ErrCodeParamRequired, ErrCodeRequired}}},
		codes: loginCodes(ErrAppIDRequired, ErrOpenIDRequest, ErrOpenIDFetch, ErrOpenIDParse, ErrCodeRequired,
			ErrCodeParamRequired, ErrOfficialAccountSecretNotConfigured)}
	facebookLogin = v2Endpoint{name: OpFacebookLogin, method: "POST", signed: true,
		fields: []v2Field{{"appId", ErrAppIDRequired}, {"code", ErrFacebookCodeRequired}},
		codes:  loginCodes(ErrAppIDRequired, ErrFacebookCodeRequired)}
	// Earlier releases gave 5372 for an empty authCode; the platform's list
	// says 5354.
	alipayLogin = v2Endpoint{name: OpAlipayLogin, method: "POST", signed: true,
		fields: []v2Field{{"appId", ErrAppIDRequired}, {"authCode", codes{ErrAuthCodeRequired, ErrCodeRequired}}},
		codes:  loginCodes(ErrAppIDRequired, ErrAuthCodeRequired, ErrOpenIDFetch, ErrCodeRequired, ErrAlipayKeysNotConfigured)}
	wechatMiniProgramLogin = v2Endpoint{name: OpWechatMiniProgramLogin, method: "POST", signed: true,
		fields: []v2Field{{"appId", ErrAppIDRequired}, {"jsCode", ErrJSCodeRequired}},
		codes: loginCodes(ErrAppIDRequired, ErrOpenIDRequest, ErrOpenIDFetch, ErrOpenIDParse, ErrJSCodeRequired,
			ErrMiniProgramSecretNotConfigured)}
	refreshTokenEndpoint = v2Endpoint{name: OpRefreshToken, method: "PUT",
		fields: []v2Field{{"refreshToken", ErrRefreshTokenRequired}},
		codes:  []Code{ErrServiceException, ErrTokenInvalid, ErrRefreshTokenRequired, ErrAccessBlocked}}
	userInfoEndpoint = v2Endpoint{name: OpUserInfo, method: "GET",
		codes: []Code{ErrServiceException, ErrTokenInvalid, ErrUserNotFound, ErrUserIDRequired, ErrTokenRequired, ErrAccessBlocked}}
	logoutEndpoint = v2Endpoint{name: OpLogout, method: "DELETE",
		codes: []Code{ErrServiceException, ErrTokenInvalid, ErrLogoutFailed, ErrTokenRequired, ErrAccessBlocked}}
)

// v2Endpoints lists the table's rows, for tests and tools.
func v2Endpoints() []*v2Endpoint {
	return []*v2Endpoint{
		&twitterLogin, &appleLogin, &wechatOfficialAccountLogin, &facebookLogin, &alipayLogin,
		&wechatMiniProgramLogin, &refreshTokenEndpoint, &userInfoEndpoint, &logoutEndpoint,
	}
}

// loginCodes returns the codes every signed login can answer plus specific,
// in ascending order: user domain and signature checks, account lock and
// blocking, the MCC's data center, and a generic service exception.
func loginCodes(specific ...Code) []Code {
	all := append([]Code{
		ErrServiceException, ErrUserDomainFormat, ErrUserDomainNotFound, ErrUserDomainRequired, ErrUserDomainDisabled,
		ErrLoginAttemptsLeft, ErrAccountLocked, ErrIPBlocked, ErrAccessBlocked,
		ErrSignatureInvalid, ErrSignatureError, ErrSignatureRequired, ErrMCCWrongDataCenter, ErrMCCLookupFailed,
	}, specific...)
	slices.Sort(all)
	return slices.Compact(all)
}
