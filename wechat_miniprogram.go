package enduser

import "context"

// WechatMiniProgramLoginRequest is a WeChat mini program wx.login result to
// log in with.
type WechatMiniProgramLoginRequest struct {
	AppID  string // the mini program's appId
	JSCode string // the single-use jsCode from wx.login; never logged
	MCC    int    // mobile country code; 0 = omitted
}

var wechatMiniProgramLogin = v2Endpoint{
	name: OpWechatMiniProgramLogin, method: "POST", signed: true,
	fields: []v2Field{{"appId", ErrAppIDRequired}, {"jsCode", ErrCodeRequired}},
}

// WechatMiniProgramLogin logs a user in with a WeChat mini program jsCode.
//
// POST /v2/enduser/enduserapi/wechatMiniprogramAuthLogin, signed over appId
// and jsCode. Codes: 5013 5015 5023 5104 5218 5367 5368 5369 5372 5373
// 6084 6085.
func (c *Client) WechatMiniProgramLogin(ctx context.Context, r WechatMiniProgramLoginRequest) (*Token, error) {
	return c.login(ctx, &wechatMiniProgramLogin, r.MCC, r.AppID, r.JSCode)
}
