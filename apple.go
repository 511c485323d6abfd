package enduser

import "context"

// AppleLoginRequest is a Sign in with Apple result to log in with.
type AppleLoginRequest struct {
	IdentityToken string // identityToken from Apple's authorization; never logged
	MCC           int    // mobile country code; 0 = omitted
}

// AppleLogin logs a user in with a Sign in with Apple identity token.
//
// POST /v2/enduser/enduserapi/appleAuthLogin, signed over identityToken.
// Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5325 5420 5421 5550 5566
// 5567 5568 6084 6085.
func (c *Client) AppleLogin(ctx context.Context, r AppleLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpAppleLogin], r.MCC, nil, []string{r.IdentityToken})
}
