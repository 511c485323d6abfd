package enduser

import "context"

// AlipayLoginRequest is an Alipay authorization to log in with.
type AlipayLoginRequest struct {
	AppID    string // the enterprise's Alipay appId configured on the platform
	AuthCode string // the single-use auth code from Alipay; never logged
	MCC      int    // mobile country code; 0 = omitted
}

var alipayLogin = v2Endpoint{
	name: OpAlipayLogin, method: "POST", signed: true,
	fields: []v2Field{{"appId", ErrAppIDRequired}, {"authCode", ErrCodeRequired}},
}

// AlipayLogin logs a user in with an Alipay auth code.
//
// POST /v2/enduser/enduserapi/alipayAuthLogin, signed over appId and
// authCode. Codes: 5013 5015 5023 5104 5218 5368 5376 6084 6085.
func (c *Client) AlipayLogin(ctx context.Context, r AlipayLoginRequest) (*Token, error) {
	return c.login(ctx, &alipayLogin, r.MCC, r.AppID, r.AuthCode)
}
