package enduser

import "context"

// WechatMiniProgramLoginRequest is a WeChat mini program wx.login result to
// log in with.
type WechatMiniProgramLoginRequest struct {
	AppID  string // the mini program's appId
	JSCode string // the single-use jsCode from wx.login; never logged
	MCC    int    // mobile country code; 0 = omitted
}

// WechatMiniProgramLogin logs a user in with a WeChat mini program jsCode.
//
// POST /v2/enduser/enduserapi/wechatMiniprogramAuthLogin, signed over appId
// and jsCode. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5218 5325 5367
// 5368 5369 5372 5373 5420 5421 5550 6084 6085.
func (c *Client) WechatMiniProgramLogin(ctx context.Context, r WechatMiniProgramLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpWechatMiniProgramLogin], r.MCC, nil, []string{r.AppID, r.JSCode})
}
