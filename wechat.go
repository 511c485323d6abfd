package enduser

import "context"

// WechatOfficialAccountLoginRequest is a WeChat Official Account
// authorization to log in with.
type WechatOfficialAccountLoginRequest struct {
	AppID string // the official account's appId
	Code  string // the single-use code from the user's authorization; never logged
	MCC   int    // mobile country code; 0 = omitted
}

// WechatOfficialAccountLogin logs a user in with a WeChat Official Account
// authorization code.
//
// POST /v2/enduser/enduserapi/wechatOffiaccountAuthLogin, signed over appId
// and code. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5218 5325 5367
// 5368 5369 5372 5374 5375 5420 5421 5550 6084 6085.
func (c *Client) WechatOfficialAccountLogin(ctx context.Context, r WechatOfficialAccountLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpWechatOfficialAccountLogin], r.MCC, nil, []string{r.AppID, r.Code})
}
