package enduser

import "context"

var refreshTokenEndpoint = v2Endpoint{
	name: "refreshToken", method: "PUT",
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
