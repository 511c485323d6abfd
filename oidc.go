package enduser

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
	"github.com/seed1804ee03/enduser/internal/wireform"
)

// isOIDCOp reports whether op is one of GenAuth's /oidc/* endpoints.
func isOIDCOp(op string) bool { return strings.HasPrefix(op, "oidc/") }

// sessionOver reports whether an OAuth error code means the token is dead
// (RFC 6749 section 5.2, RFC 6750 section 3.1): log in again.
func sessionOver(oauthError string) bool {
	return oauthError == "invalid_grant" || oauthError == "invalid_token"
}

// oidcURL is the URL of a GenAuth OIDC endpoint; op is its path.
func (c *Client) oidcURL(op string) string {
	if u, ok := c.urls[op]; ok { // joined once, in NewClient
		return u
	}
	return strings.TrimRight(c.genAuth.Host, "/") + "/" + op
}

// authMethod returns the client authentication of endpoint op: its own
// setting, else the app's AuthMethod.
func (c *Client) authMethod(op string) ClientAuthMethod {
	own := map[string]string{
		OpOIDCToken: c.genAuth.TokenEndpointAuthMethod, OpOIDCIntrospection: c.genAuth.IntrospectionEndpointAuthMethod,
		OpOIDCRevocation: c.genAuth.RevocationEndpointAuthMethod,
	}[op]
	if m, ok := parseAuthMethod(own); ok && own != "" {
		return m
	}
	return c.genAuth.AuthMethod
}

// withClientAuth adds op's client authentication to a form and returns the
// Authorization header it needs: client_id (none), client_id and
// client_secret (client_secret_post), or HTTP Basic (client_secret_basic).
func (c *Client) withClientAuth(form []byte, op string) ([]byte, string) {
	switch c.authMethod(op) {
	case AuthClientSecretBasic:
		return form, c.keys().basicAuth
	case AuthClientSecretPost:
		form = wireform.Append(form, "client_id", c.genAuth.AppID)
		return wireform.Append(form, "client_secret", c.keys().appSecret), ""
	default:
		return wireform.Append(form, "client_id", c.genAuth.AppID), ""
	}
}

// postOIDC posts params as a form, with client authentication, to the
// GenAuth OIDC endpoint op and decodes the plain OAuth 2.0 answer into out
// (nil to ignore it). secrets are scrubbed from whatever the answer echoes.
// idempotent calls (introspection, revocation) may be sent twice; a
// refresh, whose refresh token rotates, never is.
func postOIDC(ctx context.Context, c *Client, op string, idempotent bool, params []param, secrets []string, out any) (int, error) {
	if c.genAuthURL == "" {
		return 0, ErrNotConfigured
	}
	form := make([]byte, 0, 256)
	for _, p := range params {
		form = wireform.Append(form, p.key, p.value)
	}
	form, auth := c.withClientAuth(form, op)
	if auth != "" { // an echo of the bare Basic credentials is scrubbed too
		secrets = append(secrets[:len(secrets):len(secrets)], strings.TrimPrefix(auth, "Basic "))
	}
	return c.do(ctx, &call{
		op: op, family: FamilyGenAuth, oauth: true, method: http.MethodPost,
		url: c.oidcURL(op), host: c.genAuthHost, contentType: "application/x-www-form-urlencoded",
		body: form, auth: auth, scrub: secrets, idempotent: idempotent, out: out,
	})
}

// Logout ends the session of t at the host of t's family.
//
// v2: DELETE /v2/enduser/enduserapi/userLogout with the token in
// Authorization; deviceID is optional ("" omits it). Codes: 5000 5032 5045
// 5106 5325.
//
// GenAuth: revokes the refresh token and then the access token, each with
// POST {GenAuth.Host}/oidc/token/revocation (RFC 7009), authenticated as
// the revocation endpoint's client authentication says. GenAuth has no
// device to name: a deviceID is an [ErrInvalidRequest] and nothing is
// sent. Both revocations are attempted; the error joins their failures. A
// token the server does not know counts as revoked.
func (c *Client) Logout(ctx context.Context, t *Token, deviceID string) error {
	fam, err := c.familyOf(OpLogout, t)
	if err != nil {
		return err
	}
	if fam == FamilyGenAuth {
		if deviceID != "" {
			return &ValidationError{Op: OpOIDCRevocation, Field: "deviceID", Reason: "is for v2 logouts only: GenAuth revokes the tokens and knows no device"}
		}
		return c.revokeSession(ctx, t)
	}
	auth, err := authHeader(OpLogout, t)
	if err != nil {
		return err
	}
	var opt []param
	if deviceID != "" {
		opt = []param{{"deviceId", deviceID}}
	}
	_, err = callV2(ctx, c, v2Table[OpLogout], nil, opt, auth, nil)
	return err
}

// revokeSession revokes t's refresh token, then its access token.
func (c *Client) revokeSession(ctx context.Context, t *Token) error {
	if c.genAuthURL == "" {
		return ErrNotConfigured
	}
	if t.AccessToken == "" && t.RefreshToken == "" {
		return &ValidationError{Op: OpOIDCRevocation, Field: "token", Reason: "needs an access or refresh token", Err: ErrTokenRequired}
	}
	var errs []error
	for _, tok := range [...]struct{ token, hint string }{{t.RefreshToken, "refresh_token"}, {t.AccessToken, "access_token"}} {
		if tok.token != "" {
			_, err := c.postToken(ctx, OpOIDCRevocation, t, tok.token, tok.hint, nil)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// postToken posts one of t's tokens and its token_type_hint to the
// revocation or introspection endpoint op, scrubbing both of t's tokens.
func (c *Client) postToken(ctx context.Context, op string, t *Token, token, hint string, out any) (int, error) {
	params := []param{{"token", token}, {"token_type_hint", hint}}
	return postOIDC(ctx, c, op, true, params, []string{t.AccessToken, t.RefreshToken}, out)
}

// Introspection is what GenAuth says about a token (RFC 7662). An inactive
// token (expired, revoked, unknown) has Active false and nothing else.
type Introspection struct {
	Active    bool      // the token is valid now
	Subject   string    // sub: the user id
	ClientID  string    // client_id: the app the token was issued to
	Scope     string    // space-separated scopes
	TokenType string    // token_type
	Username  string    // username, when the server sends it
	Expiry    time.Time // exp; zero when absent
	IssuedAt  time.Time // iat; zero when absent

	claims claimsDecoder
}

// Claims decodes the whole introspection answer into v, as json.Unmarshal
// does, for members Introspection does not map.
func (i *Introspection) Claims(v any) error {
	if i == nil || i.claims == nil {
		return errors.New("enduser: no introspection answer")
	}
	return i.claims(v)
}

// Introspect asks GenAuth whether t's access token (or, when t has none,
// its refresh token) is active, and about whom (GenAuth tokens only: v2 has
// no introspection).
//
// POST {GenAuth.Host}/oidc/token/introspection (RFC 7662), form token and
// token_type_hint, authenticated as IntrospectionEndpointAuthMethod (else
// AuthMethod) says.
func (c *Client) Introspect(ctx context.Context, t *Token) (*Introspection, error) {
	fam, err := c.familyOf(OpOIDCIntrospection, t)
	if err != nil {
		return nil, err
	}
	if fam != FamilyGenAuth {
		return nil, &ValidationError{Op: OpOIDCIntrospection, Field: "Family", Reason: "is v2: only GenAuth tokens can be introspected"}
	}
	token, hint := t.AccessToken, "access_token"
	if token == "" {
		token, hint = t.RefreshToken, "refresh_token"
	}
	if token == "" {
		return nil, &ValidationError{Op: OpOIDCIntrospection, Field: "token", Reason: "needs an access or refresh token", Err: ErrTokenRequired}
	}
	var raw json.RawMessage
	status, err := c.postToken(ctx, OpOIDCIntrospection, t, token, hint, &raw)
	if err != nil {
		return nil, err
	}
	var w struct { // encoding/json matches the other members by field name
		Active               bool
		Sub, Scope, Username string
		ClientID             string `json:"client_id"`
		TokenType            string `json:"token_type"`
		Exp, Iat             envelope.Int
	}
	if json.Unmarshal(raw, &w) != nil {
		return nil, successWithout(OpOIDCIntrospection, status, "an introspection object")
	}
	return &Introspection{
		Active: w.Active, Subject: w.Sub, ClientID: w.ClientID, Scope: w.Scope, TokenType: w.TokenType,
		Username: w.Username, Expiry: epoch(w.Exp), IssuedAt: epoch(w.Iat), claims: decoderOf(raw),
	}, nil
}

// claimsDecoder decodes a server's whole JSON answer into v, for Claims. It
// is a func so that fmt prints it as an address, whatever the verb: the
// answer may echo a token, and a []byte field would be printed whole.
type claimsDecoder func(v any) error

func decoderOf(raw []byte) claimsDecoder {
	return func(v any) error { return json.Unmarshal(raw, v) }
}

// authHeader returns t's Authorization value, or the error the server would
// answer for a missing token.
func authHeader(op string, t *Token) (string, error) {
	if h := t.AuthorizationHeader(); h != "" {
		return h, nil
	}
	return "", &ValidationError{Op: op, Field: "Authorization", Reason: "needs a token", Err: ErrTokenRequired}
}

// UserInfo returns the profile of the user t belongs to, from the host of
// t's family.
//
// v2: GET /v2/enduser/enduserapi/userInfo with the token in Authorization.
// Codes: 5000 5032 5033 5065 5106 5325.
//
// GenAuth: GET {GenAuth.Host}/oidc/me with the bearer access token; an
// answer of invalid_token matches [ErrTokenInvalid].
func (c *Client) UserInfo(ctx context.Context, t *Token) (*UserInfo, error) {
	fam, err := c.familyOf(OpUserInfo, t)
	if err != nil {
		return nil, err
	}
	if fam == FamilyGenAuth {
		return c.userInfoGenAuth(ctx, t)
	}
	auth, err := authHeader(OpUserInfo, t)
	if err != nil {
		return nil, err
	}
	var info UserInfo
	if _, err := callV2(ctx, c, v2Table[OpUserInfo], nil, nil, auth, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

func (c *Client) userInfoGenAuth(ctx context.Context, t *Token) (*UserInfo, error) {
	if c.genAuthURL == "" {
		return nil, ErrNotConfigured
	}
	auth, err := authHeader(OpOIDCUserInfo, t)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	status, err := c.do(ctx, &call{
		op: OpOIDCUserInfo, family: FamilyGenAuth, oauth: true, method: http.MethodGet,
		url: c.oidcURL(OpOIDCUserInfo), host: c.genAuthHost, auth: auth,
		scrub: []string{t.AccessToken, t.RefreshToken}, idempotent: true, out: &raw,
	})
	if err != nil {
		return nil, err
	}
	var p struct { // the members UserInfo maps, matched by field name
		Sub, Nickname, Picture, Email string
		PhoneNumber                   string `json:"phone_number"`
	}
	if json.Unmarshal(raw, &p) != nil || p.Sub == "" {
		return nil, successWithout(OpOIDCUserInfo, status, "a sub claim")
	}
	return &UserInfo{
		UID: p.Sub, Nickname: p.Nickname, Phone: p.PhoneNumber, Email: p.Email, HeadImg: p.Picture,
		claims: decoderOf(raw),
	}, nil
}

// Claims decodes every claim of a GenAuth profile (the whole /oidc/me
// answer: sub, name, email_verified, phone_number_verified, custom claims…)
// into v, as json.Unmarshal does. A v2 profile has no claims: Claims
// returns an error.
func (u *UserInfo) Claims(v any) error {
	if u == nil || u.claims == nil {
		return errors.New("enduser: a v2 profile has no OpenID Connect claims")
	}
	return u.claims(v)
}
