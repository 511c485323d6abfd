package enduser

import (
	"cmp"
	"context"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// RefreshToken exchanges a v2 refresh token for a new token pair (tokens
// of every v2 login). RefreshToken is the v2 API's call only: it sends the
// string to the v2 host whatever it holds; for a [Token] of either family
// use [Client.Refresh]. [ErrTokenInvalid] (code 5032) means the refresh
// token is invalid or expired: the user must log in again.
//
// PUT /v2/enduser/enduserapi/refreshToken. Codes: 5000 5032 5115 5325.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (*Token, error) {
	return c.login(ctx, v2Table[OpRefreshToken], 0, nil, []string{refreshToken})
}

// Refresh exchanges t's refresh token for a new token of t's family (see
// [Token.Family] for a token stored without one), sent once and never
// retried once it may have reached the server: refresh tokens rotate.
// [ErrTokenInvalid] (v2 code 5032, OAuth invalid_grant) means the session
// is over: log the user in again.
//
// v2: PUT /v2/enduser/enduserapi/refreshToken, as [Client.RefreshToken].
//
// GenAuth: POST {GenAuth.Host}/oidc/token with grant_type=refresh_token,
// authenticated as Config.GenAuth.AuthMethod says; expires_in counts from
// the server's clock, as the Client knows it ([WithClock]). What the
// answer leaves out (a new refresh token, RFC 6749 section 6; the id
// token; the scope) stays.
func (c *Client) Refresh(ctx context.Context, t *Token) (*Token, error) {
	fam, err := c.familyOf(OpRefreshToken, t)
	if t == nil || t.RefreshToken == "" {
		if fam == FamilyGenAuth {
			return nil, &ValidationError{Op: OpOIDCToken, Field: "refresh_token", Reason: "is empty", Err: ErrRefreshTokenRequired}
		}
		return nil, &ValidationError{Op: OpRefreshToken, Field: "refreshToken", Reason: "is empty", Err: ErrRefreshTokenRequired}
	}
	if err != nil {
		return nil, err
	}
	if fam == FamilyV2 {
		return c.RefreshToken(ctx, t.RefreshToken)
	}
	return c.refreshGenAuth(ctx, t)
}

// maxLifetime bounds a lifetime in seconds; anything beyond is not one.
const maxLifetime = 1 << 32

// serverNow is the server's time by the Client's clock and what the
// answers' Date headers taught it ([WithClock]): expiries are instants of
// the server's clock, as v2's absolute ones are.
func (c *Client) serverNow() time.Time { return c.opts.server.Now(c.opts.clock()) }

func (c *Client) refreshGenAuth(ctx context.Context, t *Token) (*Token, error) {
	var data envelope.OAuthToken
	params := []param{{"grant_type", "refresh_token"}, {"refresh_token", t.RefreshToken}}
	status, err := postOIDC(ctx, c, OpOIDCToken, false, params, []string{t.RefreshToken, t.AccessToken}, &data)
	if err != nil {
		return nil, err
	}
	if data.AccessToken == "" || data.ExpiresIn < 0 || data.ExpiresIn > maxLifetime {
		return nil, successWithout(OpOIDCToken, status, "a usable token")
	}
	nt := &Token{
		Family: FamilyGenAuth, AccessToken: data.AccessToken, TokenType: cmp.Or(data.TokenType, "Bearer"),
		RefreshToken: data.RefreshToken, IDToken: cmp.Or(data.IDToken, t.IDToken), Scope: cmp.Or(data.Scope, t.Scope),
	}
	if data.ExpiresIn > 0 {
		nt.Expiry = c.serverNow().Add(time.Duration(data.ExpiresIn) * time.Second)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken, nt.RefreshExpiry = t.RefreshToken, t.RefreshExpiry
	}
	return nt, nil
}
