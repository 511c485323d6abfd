package enduser

import "context"

// AppleLoginRequest is a Sign in with Apple result to log in with.
type AppleLoginRequest struct {
	IdentityToken string // identityToken from Apple's authorization; never logged
	MCC           int    // mobile country code; 0 = omitted
}

var appleLogin = v2Endpoint{
	name: OpAppleLogin, method: "POST", signed: true,
	fields: []v2Field{{"identityToken", ErrIdentityTokenRequired}},
}

// AppleLogin logs a user in with a Sign in with Apple identity token.
//
// POST /v2/enduser/enduserapi/appleAuthLogin, signed over identityToken.
// Codes: 5013 5015 5023 5104 5566 5567 5568 6084 6085.
func (c *Client) AppleLogin(ctx context.Context, r AppleLoginRequest) (*Token, error) {
	return c.login(ctx, &appleLogin, r.MCC, r.IdentityToken)
}
