package enduser

import "github.com/seed1804ee03/enduser/internal/codes"

// Code is a numeric result code of the v2 end-user API. Every code the
// platform documents has a meaning ([Code.Text]); the codes a login or
// session call can answer also have an exported sentinel below. An
// [*APIError] with a code matches its Code with [errors.Is], and [errors.As]
// extracts the Code itself.
//
// Code implements error: its text is the documented meaning in a few words.
type Code int

// Codes of the v2 end-user API that its login and session calls answer. The
// names describe the meaning; the numbers are the wire values. Their
// meanings, classes and groups are rows of internal/codes.
const (
	ErrServiceException                   Code = 5000 // generic server-side failure
	ErrUserDomainFormat                   Code = 5013 // user domain is malformed
	ErrUserDomainNotFound                 Code = 5015 // user domain does not exist
	ErrUserDomainRequired                 Code = 5023 // user domain is missing
	ErrTokenInvalid                       Code = 5032 // token failed verification: log in again
	ErrUserNotFound                       Code = 5033 // the token's user does not exist
	ErrLogoutFailed                       Code = 5045 // the server could not log the user out
	ErrUserIDRequired                     Code = 5065 // the user ID is missing
	ErrUserDomainDisabled                 Code = 5104 // user domain is disabled
	ErrTokenRequired                      Code = 5106 // the Authorization token is missing
	ErrRefreshTokenRequired               Code = 5115 // the refresh token is missing
	ErrLoginAttemptsLeft                  Code = 5146 // wrong credentials: a few attempts are left before the account locks
	ErrAccountLocked                      Code = 5147 // account is locked for a while (20 minutes)
	ErrIPBlocked                          Code = 5148 // the caller's IP address is blocked for a while (20 minutes)
	ErrAppIDRequired                      Code = 5218 // appId is missing
	ErrCarrierServiceError                Code = 5220 // the carrier's one-tap service answered abnormally
	ErrCarrierParamsRejected              Code = 5221 // the carrier's one-tap service rejected the request parameters
	ErrAccessBlocked                      Code = 5325 // access is blocked for 24 hours after suspicious behaviour
	ErrAuthCodeRequired                   Code = 5354 // authCode (Alipay) is missing
	ErrAccessTokenRequired                Code = 5366 // accessToken (QQ) is missing
	ErrOpenIDRequest                      Code = 5367 // requesting the user's OpenID failed
	ErrOpenIDFetch                        Code = 5368 // getting the user's OpenID failed
	ErrOpenIDParse                        Code = 5369 // parsing the user's OpenID failed
	ErrCodeRequired                       Code = 5372 // jsCode is missing (the seeds also give it for code and authCode)
	ErrMiniProgramSecretNotConfigured     Code = 5373 // the mini program's secret is not configured
	ErrFacebookCodeRequired               Code = 5374 // the code parameter is missing (Facebook, WeChat official account)
	ErrOfficialAccountSecretNotConfigured Code = 5375 // the official account's secret is not configured
	ErrAlipayKeysNotConfigured            Code = 5376 // the Alipay keys are not configured
	ErrSignatureInvalid                   Code = 5420 // signature verification failed
	ErrSignatureError                     Code = 5421 // signature verification raised an error
	ErrSignatureRequired                  Code = 5550 // signature is missing
	ErrApplePublicKeyEmpty                Code = 5566 // Apple's public key is empty
	ErrIdentityTokenFormat                Code = 5567 // identityToken is malformed
	ErrIdentityTokenRequired              Code = 5568 // identityToken is missing
	ErrOAuthTokenRequired                 Code = 5569 // oauthToken is missing
	ErrOAuthTokenSecretRequired           Code = 5570 // oauthTokenSecret is missing
	ErrMCCWrongDataCenter                 Code = 6084 // the MCC belongs to another data center
	ErrMCCLookupFailed                    Code = 6085 // looking up the MCC's data center failed
)

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
// one code while a seed document lists another for the same login: it
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
