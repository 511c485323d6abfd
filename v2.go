package enduser

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/seed1804ee03/enduser/internal/endpoints"
	"github.com/seed1804ee03/enduser/internal/envelope"
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
// internal/endpoints and never changed.
var v2Table = func() map[string]*v2Endpoint {
	rows := map[string]*v2Endpoint{}
	for _, e := range endpoints.All() {
		row := &v2Endpoint{name: e.Op, method: e.Method, signed: e.Signed, carrier: e.Carrier}
		for _, f := range e.Fields {
			missing := codeSet{Code(f.Missing)}
			for _, c := range f.AlsoMatches {
				missing = append(missing, Code(c))
			}
			row.fields = append(row.fields, v2Field{f.Name, missing, f.Public})
		}
		for _, c := range e.Codes {
			row.codes = append(row.codes, Code(c))
		}
		rows[e.Op] = row
	}
	return rows
}()

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

// v2Endpoint is one row of the v2 end-user API: everything the shared call
// path needs to know about an endpoint.
type v2Endpoint struct {
	name    string    // path segment under /v2/enduser/enduserapi/, and the Op of errors
	method  string    // HTTP method
	fields  []v2Field // required parameters, in signature order
	signed  bool      // adds userDomain and the signature over fields
	carrier bool      // adds userDomain and the carrier's sign over fields
	codes   []Code    // every code it can answer, ascending (docs and tests)
}

// v2Field is a required parameter, the codes of its local check when it is
// empty (the server's first), and whether it is no secret.
type v2Field struct {
	name    string
	missing codeSet
	public  bool // not redacted from echoes
}

// param is an optional parameter, sent only when set.
type param struct{ key, value string }

// callV2 validates vals against ep, signs them (with the user-domain
// secret, or carrierSecret for a carrier-signed row), sends them (form body,
// or query for GET, DELETE and WithQueryParams) and decodes the envelope's
// data into out (a pointer, or nil to ignore data). auth is the
// Authorization header for authenticated calls. It returns the HTTP status.
func callV2(ctx context.Context, c *Client, ep *v2Endpoint, vals []string, opt []param, auth string, out any, carrierSecret ...string) (int, error) {
	if c.v2Base == "" {
		return 0, ErrNotConfigured
	}
	key, scrub := c.keys().userDomainSecret, make([]string, 0, len(vals)+1)
	if ep.carrier {
		key, scrub = carrierSecret[0], append(scrub, carrierSecret[0]) // never sent; redacted should a server quote it
	}
	for i, f := range ep.fields {
		if vals[i] == "" {
			return 0, &ValidationError{Op: ep.name, Field: f.name, Reason: "is empty", Err: f.missing}
		}
		if !f.public {
			scrub = append(scrub, vals[i])
		}
	}
	form, sig := v2Form(ep, vals, opt, key, c.userDomain)
	u, ok := c.urls[ep.name] // joined once, in NewClient
	if !ok {
		u = c.v2Base + ep.name
	}
	k := &call{family: FamilyV2, op: ep.name, method: ep.method, url: u, host: c.v2Host, auth: auth, scrub: scrub, signature: sig,
		out: out, idempotent: ep.method == http.MethodGet} // a GET reads; everything else may redeem a credential
	switch {
	case len(form) == 0:
	case c.opts.queryParams || ep.method == http.MethodGet || ep.method == http.MethodDelete:
		k.url += "?" + string(form)
	default:
		k.body, k.contentType = form, "application/x-www-form-urlencoded"
	}
	return c.do(ctx, k)
}

// v2Form encodes the parameters of a call: required fields in signature
// order, optional parameters, then for signed endpoints the signature and
// the user domain. It returns the signature ("" when unsigned).
func v2Form(ep *v2Endpoint, vals []string, opt []param, key, userDomain string) (form []byte, sig string) {
	form = make([]byte, 0, 256)
	for i, f := range ep.fields {
		form = appendParam(form, f.name, vals[i])
	}
	for _, p := range opt {
		form = appendParam(form, p.key, p.value)
	}
	switch {
	case ep.signed:
		sig = Sign(key, vals...)
		form = appendParam(form, "signature", sig)
	case ep.carrier:
		sig = signCarrier(key, vals...)
		form = appendParam(form, "sign", sig)
	default:
		return form, ""
	}
	return appendParam(form, "userDomain", userDomain), sig
}

func appendParam(b []byte, key, value string) []byte {
	if len(b) > 0 {
		b = append(b, '&')
	}
	b = append(b, key...)
	b = append(b, '=')
	return append(b, url.QueryEscape(value)...)
}

// login runs a v2 call whose data is a token pair: a login with its
// optional mcc, or a refresh (mcc 0). carrierSecret signs a carrier-signed
// row.
func (c *Client) login(ctx context.Context, ep *v2Endpoint, mcc int, opt []param, vals []string, carrierSecret ...string) (*Token, error) {
	if mcc < 0 || mcc > 999 {
		return nil, &ValidationError{Op: ep.name, Field: "mcc", Reason: "must be 0 (omitted) or a code of one to three digits"}
	}
	if mcc != 0 {
		opt = append(opt, param{"mcc", strconv.Itoa(mcc)})
	}
	// The answer's data and the token are one allocation: the token's
	// strings are the data's anyway.
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
		return nil, successWithout(ep.name, status, "an access token")
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

// epoch converts v2 epoch seconds; zero (or less) means unknown.
func epoch(sec envelope.Int) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0)
}
