package enduser

import "context"

// AlipayLoginRequest is an Alipay authorization to log in with.
type AlipayLoginRequest struct {
	AppID    string // the enterprise's Alipay appId configured on the platform
	AuthCode string // the single-use auth code from Alipay; never logged
	MCC      int    // mobile country code; 0 = omitted
}

// AlipayLogin logs a user in with an Alipay auth code.
//
// POST /v2/enduser/enduserapi/alipayAuthLogin, signed over appId and
// authCode. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5218 5325 5354
// 5368 5372 5376 5420 5421 5550 6084 6085.
func (c *Client) AlipayLogin(ctx context.Context, r AlipayLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpAlipayLogin], r.MCC, nil, []string{r.AppID, r.AuthCode})
}
