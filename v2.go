package enduser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/seed1804ee03/enduser/internal/endpoints"
	"github.com/seed1804ee03/enduser/internal/envelope"
	"github.com/seed1804ee03/enduser/internal/wireform"
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

// v2Table is the v2 end-user API by Op, built once from internal/endpoints.
var v2Table = func() map[string]*v2Endpoint {
	rows := map[string]*v2Endpoint{}
	for _, e := range endpoints.All() {
		row := &v2Endpoint{Endpoint: e}
		for _, f := range e.Fields {
			missing := codeSet{Code(f.Missing)}
			for _, c := range f.AlsoMatches {
				missing = append(missing, Code(c))
			}
			row.fields = append(row.fields, v2Field{f, missing})
		}
		for _, c := range e.Codes {
			row.codes = append(row.codes, Code(c))
		}
		rows[e.Op] = row
	}
	return rows
}()

// sameEmptyField reports whether a and b are both codes of one empty field
// of op's row.
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

// v2Endpoint is a row of internal/endpoints with its codes typed.
type v2Endpoint struct {
	endpoints.Endpoint
	fields []v2Field // Fields, each with the codes of its local check
	codes  []Code    // Codes
}

// v2Field is a required parameter and the codes of its local check when it
// is empty (the server's first).
type v2Field struct {
	endpoints.Field
	missing codeSet
}

// param is an optional parameter, sent only when set.
type param struct{ key, value string }

// callV2 validates vals against ep's fields, signs them (user-domain
// secret, or carrierSecret for a carrier row), sends them (form body, or
// query for GET, DELETE and WithQueryParams) with auth as Authorization,
// and decodes the envelope's data into out (nil ignores it). It returns
// the HTTP status.
func callV2(ctx context.Context, c *Client, ep *v2Endpoint, vals []string, opt []param, auth string, out any, carrierSecret ...string) (int, error) {
	if c.v2Base == "" {
		return 0, ErrNotConfigured
	}
	key, scrub := c.keys().userDomainSecret, make([]string, 0, len(vals)+1)
	if ep.Carrier {
		key, scrub = carrierSecret[0], append(scrub, carrierSecret[0]) // never sent; redacted should a server quote it
	}
	for i, f := range ep.fields {
		if vals[i] == "" {
			return 0, &ValidationError{Op: ep.Op, Field: f.Name, Reason: "is empty", Err: f.missing}
		}
		if !f.Public {
			scrub = append(scrub, vals[i])
		}
	}
	form, sig := v2Form(ep, vals, opt, key, c.userDomain)
	u, ok := c.urls[ep.Op] // joined once, in NewClient
	if !ok {
		u = c.v2Base + ep.Op
	}
	k := &call{family: FamilyV2, op: ep.Op, method: ep.Method, url: u, host: c.v2Host, auth: auth, scrub: scrub, signature: sig,
		out: out, idempotent: ep.Method == http.MethodGet} // a GET reads; everything else may redeem a credential
	switch {
	case len(form) == 0:
	case c.opts.queryParams || ep.Method == http.MethodGet || ep.Method == http.MethodDelete:
		k.url += "?" + string(form)
	default:
		k.body, k.contentType = form, "application/x-www-form-urlencoded"
	}
	return c.do(ctx, k)
}

// v2Form encodes required fields in signature order, optional parameters,
// then for a signed row the signature (returned; "" unsigned) and the user
// domain.
func v2Form(ep *v2Endpoint, vals []string, opt []param, key, userDomain string) (form []byte, sig string) {
	form = make([]byte, 0, 256)
	for i, f := range ep.fields {
		form = wireform.Append(form, f.Name, vals[i])
	}
	for _, p := range opt {
		form = wireform.Append(form, p.key, p.value)
	}
	switch {
	case ep.Signed:
		sig = Sign(key, vals...)
		form = wireform.AppendPlain(form, "signature", sig) // hex digits
	case ep.Carrier:
		sig = signCarrier(key, vals...)
		form = wireform.AppendPlain(form, "sign", sig)
	default:
		return form, ""
	}
	return wireform.Append(form, "userDomain", userDomain), sig
}

// login runs a v2 call answering a token pair: a login with its optional
// mcc, or a refresh (mcc 0).
func (c *Client) login(ctx context.Context, ep *v2Endpoint, mcc int, opt []param, vals []string, carrierSecret ...string) (*Token, error) {
	if mcc < 0 || mcc > 999 {
		return nil, &ValidationError{Op: ep.Op, Field: "mcc", Reason: "must be 0 (omitted) or a code of one to three digits"}
	}
	if mcc != 0 {
		opt = append(opt, param{"mcc", strconv.Itoa(mcc)})
	}
	// The answer's data and the token are one allocation.
	r := new(struct {
		tok  Token
		data envelope.V2Token
	})
	data := &r.data
	status, err := callV2(ctx, c, ep, vals, opt, "", data, carrierSecret...)
	if err != nil {
		return nil, err
	}
	if data.AccessToken.Token == "" {
		return nil, successWithout(ep.Op, status, "an access token")
	}
	r.tok = Token{
		Family:        FamilyV2,
		AccessToken:   data.AccessToken.Token,
		TokenType:     "Bearer",
		Expiry:        epoch(data.AccessToken.ExpirationTime),
		RefreshToken:  data.RefreshToken.Token,
		RefreshExpiry: epoch(data.RefreshToken.ExpirationTime),
	}
	return &r.tok, nil
}

// The login requests print through internal/redact: credentials redacted
// for every fmt verb (%#v included) and in log records.

// String returns r with its credentials redacted.
func (r TwitterLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r AppleLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r WechatOfficialAccountLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r FacebookLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r AlipayLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r WechatMiniProgramLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r QQLoginRequest) String() string { return redactedText(r) }

// String returns r with its credentials redacted.
func (r PhoneOneTapLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb.
func (r TwitterLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r AppleLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r WechatOfficialAccountLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r FacebookLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r AlipayLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r WechatMiniProgramLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r QQLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// Format prints String for every verb.
func (r PhoneOneTapLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs r with its credentials redacted.
func (r TwitterLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r AppleLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r WechatOfficialAccountLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r FacebookLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r AlipayLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r WechatMiniProgramLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r QQLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// LogValue logs r with its credentials redacted.
func (r PhoneOneTapLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// epoch converts v2 epoch seconds; zero (or less) means unknown.
func epoch(sec envelope.Int) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0)
}
