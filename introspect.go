package enduser

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

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

type introspectionWire struct {
	Active    bool         `json:"active"`
	Subject   string       `json:"sub"`
	ClientID  string       `json:"client_id"`
	Scope     string       `json:"scope"`
	TokenType string       `json:"token_type"`
	Username  string       `json:"username"`
	Exp       envelope.Int `json:"exp"`
	Iat       envelope.Int `json:"iat"`
}

// Introspect asks GenAuth whether t's access token (or, when t has none,
// its refresh token) is active, and about whom (GenAuth tokens only: v2 has
// no introspection).
//
// POST {GenAuth.Host}/oidc/token/introspection (RFC 7662), form token and
// token_type_hint, authenticated as Config.GenAuth.AuthMethod says.
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
	params := []param{{"token", token}, {"token_type_hint", hint}}
	status, err := postOIDC(ctx, c, OpOIDCIntrospection, true, params, []string{t.AccessToken, t.RefreshToken}, &raw)
	if err != nil {
		return nil, err
	}
	var w introspectionWire
	if json.Unmarshal(raw, &w) != nil {
		return nil, successWithout(OpOIDCIntrospection, status, "an introspection object")
	}
	return &Introspection{
		Active: w.Active, Subject: w.Subject, ClientID: w.ClientID, Scope: w.Scope, TokenType: w.TokenType,
		Username: w.Username, Expiry: epoch(w.Exp), IssuedAt: epoch(w.Iat), claims: decoderOf(raw),
	}, nil
}
