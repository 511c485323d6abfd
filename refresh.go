package enduser

import "context"

var refreshTokenEndpoint = v2Endpoint{
	name: OpRefreshToken, method: "PUT",
	fields: []v2Field{{"refreshToken", ErrRefreshTokenRequired}},
}

// RefreshToken exchanges a v2 refresh token for a new token pair. It is not
// signed and works for tokens of every v2 login.
//
// An error matching [ErrTokenInvalid] (code 5032) means the refresh token is
// invalid or expired: the user must log in again. A [TokenSource] refreshes
// automatically.
//
// PUT /v2/enduser/enduserapi/refreshToken. Codes: 5115 5032.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (*Token, error) {
	return c.tokenCall(ctx, &refreshTokenEndpoint, []string{refreshToken}, nil)
}

// Refresh exchanges t's refresh token for a new token of t's family.
//
// For now only v2 tokens are refreshed (through [Client.RefreshToken]).
func (c *Client) Refresh(ctx context.Context, t *Token) (*Token, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, &ValidationError{Op: OpRefreshToken, Field: "refreshToken", Reason: "is empty", Err: ErrRefreshTokenRequired}
	}
	if t.Family == FamilyGenAuth {
		return nil, &ValidationError{Op: OpRefreshToken, Field: "Family", Reason: "GenAuth refresh is not implemented yet", Err: ErrInvalidRequest}
	}
	return c.RefreshToken(ctx, t.RefreshToken)
}
