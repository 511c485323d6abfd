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
