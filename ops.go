package enduser

import (
	"errors"

	"github.com/seed1804ee03/enduser/internal/endpoints"
)

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
	OpQQLogin                    = "qqAuthLogin"
	OpPhoneOneTapLogin           = "phoneAuthLogin"
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

// v2Table is the v2 end-user API by Op, built once from the table in
// internal/endpoints (one row per endpoint: method, required fields in
// signature order with the code the server answers when each is missing,
// whether it is signed, every code it can answer) and never changed.
// Adding a v2 endpoint is a row there, its Op constant above and a method
// of a few lines over Client.login or callV2.
var v2Table = v2Rows()

// v2Endpoints lists the rows in table order, for tests and tools.
func v2Endpoints() []*v2Endpoint {
	all := endpoints.All()
	out := make([]*v2Endpoint, 0, len(all))
	for i := range all {
		out = append(out, v2Table[all[i].Op])
	}
	return out
}

func v2Rows() map[string]*v2Endpoint {
	all := endpoints.All()
	rows := make(map[string]*v2Endpoint, len(all))
	for i := range all {
		e := &all[i]
		row := &v2Endpoint{name: e.Op, method: e.Method, signed: e.Signed, carrier: e.Carrier}
		for _, f := range e.Fields {
			var missing error = Code(f.Missing)
			if len(f.AlsoMatches) > 0 {
				cs := codeSet{Code(f.Missing)}
				for _, c := range f.AlsoMatches {
					cs = append(cs, Code(c))
				}
				missing = cs
			}
			row.fields = append(row.fields, v2Field{f.Name, missing, f.Public})
		}
		for _, c := range e.Codes {
			row.codes = append(row.codes, Code(c))
		}
		rows[e.Op] = row
	}
	return rows
}

// sameEmptyField reports whether a and b are both codes of one empty field
// of op's row (a field whose sources give more than one code).
func sameEmptyField(op string, a, b Code) bool {
	ep := v2Table[op]
	if ep == nil || a == b {
		return false
	}
	for _, f := range ep.fields {
		if errors.Is(f.missing, a) && errors.Is(f.missing, b) {
			return true
		}
	}
	return false
}
