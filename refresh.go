package enduser

import (
	"context"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// RefreshToken exchanges a v2 refresh token for a new token pair. It is not
// signed and works for tokens of every v2 login.
//
// RefreshToken is the v2 API's call only: it sends the string to the v2
// host, whatever it holds. A refresh token is opaque to the client, so a
// GenAuth one cannot be told from a v2 one by its content, and none is
// refused for its shape. For a GenAuth token, or a [Token] of either
// family, use [Client.Refresh]: it goes to the host of the token's family.
//
// An error matching [ErrTokenInvalid] (code 5032) means the refresh token is
// invalid or expired: the user must log in again. A [TokenSource] refreshes
// automatically.
//
// PUT /v2/enduser/enduserapi/refreshToken. Codes: 5000 5032 5115 5325.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (*Token, error) {
	return c.login(ctx, v2Table[OpRefreshToken], 0, nil, []string{refreshToken})
}

// Refresh exchanges t's refresh token for a new token of t's family (both
// families; see [Token.Family] for a token stored without one). The request
// is sent once and never retried once it may have reached the server:
// refresh tokens rotate.
//
// v2: PUT /v2/enduser/enduserapi/refreshToken, as [Client.RefreshToken].
//
// GenAuth: POST {GenAuth.Host}/oidc/token with
// grant_type=refresh_token, authenticated as Config.GenAuth.AuthMethod
// says. The answer's expires_in counts from the client's clock
// ([WithClock]). When the answer carries no new refresh token (RFC 6749
// section 6), the old one stays, with its expiry; likewise the id token and
// the scope.
//
// An error matching [ErrTokenInvalid] (v2 code 5032, OAuth invalid_grant)
// means the session is over: log the user in again.
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

// serverNow is the time of the answer's Date header when a TokenSource
// asked for it and the Client runs on the real clock (so that the expiry
// is on the server's clock, as v2's absolute expiries are), else the
// Client's clock.
func (c *Client) serverNow(ctx context.Context) time.Time {
	if p, ok := ctx.Value(serverDateKey{}).(*time.Time); ok && !p.IsZero() && !c.opts.clockSet {
		return *p
	}
	return c.opts.clock()
}

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
		Family:      FamilyGenAuth,
		AccessToken: data.AccessToken, TokenType: data.TokenType, RefreshToken: data.RefreshToken,
		IDToken: data.IDToken, Scope: data.Scope,
	}
	if nt.TokenType == "" {
		nt.TokenType = "Bearer"
	}
	if data.ExpiresIn > 0 {
		nt.Expiry = c.serverNow(ctx).Add(time.Duration(data.ExpiresIn) * time.Second)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken, nt.RefreshExpiry = t.RefreshToken, t.RefreshExpiry
	}
	if nt.IDToken == "" {
		nt.IDToken = t.IDToken
	}
	if nt.Scope == "" {
		nt.Scope = t.Scope
	}
	return nt, nil
}
