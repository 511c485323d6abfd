package enduser

import (
	"context"
	"errors"
)

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
	if t.RefreshToken != "" {
		errs = append(errs, c.revoke(ctx, t, t.RefreshToken, "refresh_token"))
	}
	if t.AccessToken != "" {
		errs = append(errs, c.revoke(ctx, t, t.AccessToken, "access_token"))
	}
	return errors.Join(errs...)
}

// revoke revokes one token of t (RFC 7009); hint is its token_type_hint.
// Both of t's tokens are scrubbed from whatever the answer echoes.
func (c *Client) revoke(ctx context.Context, t *Token, token, hint string) error {
	params := []param{{"token", token}, {"token_type_hint", hint}}
	_, err := postOIDC(ctx, c, OpOIDCRevocation, true, params, []string{t.AccessToken, t.RefreshToken}, nil)
	return err
}
