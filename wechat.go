package enduser

import "context"

// WechatOfficialAccountLoginRequest is a WeChat Official Account
// authorization to log in with.
type WechatOfficialAccountLoginRequest struct {
	AppID string // the official account's appId
	Code  string // the single-use code from the user's authorization; never logged
	MCC   int    // mobile country code; 0 = omitted
}

var wechatOfficialAccountLogin = v2Endpoint{
	name: OpWechatOfficialAccountLogin, method: "POST", signed: true,
	fields: []v2Field{{"appId", ErrAppIDRequired}, {"code", ErrCodeRequired}},
}

// WechatOfficialAccountLogin logs a user in with a WeChat Official Account
// authorization code.
//
// POST /v2/enduser/enduserapi/wechatOffiaccountAuthLogin, signed over appId
// and code. Codes: 5013 5015 5023 5104 5218 5367 5368 5369 5372 6084 6085.
func (c *Client) WechatOfficialAccountLogin(ctx context.Context, r WechatOfficialAccountLoginRequest) (*Token, error) {
	return c.login(ctx, &wechatOfficialAccountLogin, r.MCC, r.AppID, r.Code)
}
