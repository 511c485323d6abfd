package enduser

import "context"

// FacebookLoginRequest is a Facebook authorization to log in with.
type FacebookLoginRequest struct {
	AppID string // the enterprise's Facebook appId configured on the platform
	Code  string // the single-use code from Facebook's authorization; never logged
	MCC   int    // mobile country code; 0 = omitted
}

// FacebookLogin logs a user in with a Facebook authorization code.
//
// POST /v2/enduser/enduserapi/facebookAuthLogin, signed over appId and
// code. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5218 5325 5374 5420
// 5421 5550 6084 6085.
func (c *Client) FacebookLogin(ctx context.Context, r FacebookLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpFacebookLogin], r.MCC, nil, []string{r.AppID, r.Code})
}
