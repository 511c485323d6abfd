package enduser

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
