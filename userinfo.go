package enduser

import (
	"context"
	"errors"
)

// UserInfo is the profile of the user a v2 token belongs to. Integer times
// are kept as the server sends them: their unit is undocumented.
type UserInfo struct {
	UID                     string `json:"uid"`
	Nickname                string `json:"nikeName"` // the wire spells it nikeName
	Phone                   string `json:"phone"`
	Email                   string `json:"email"`
	HeadImg                 string `json:"headimg"` // avatar URL
	Sex                     string `json:"sex"`
	Lang                    string `json:"lang"`
	Timezone                string `json:"timezone"`
	Nationality             string `json:"nationality"`
	Province                string `json:"province"`
	City                    string `json:"city"`
	Address                 string `json:"address"`
	Remark                  string `json:"remark"`
	Motto                   string `json:"signature"` // the user's profile motto, not a request signature
	TwitterUserID           string `json:"twitterUserId"`
	AppleUserID             string `json:"appleUserId"`
	FacebookUserID          string `json:"facebookUserId"`
	AlipayUserID            string `json:"alipayUserId"`
	QQUserID                string `json:"qqUserId"`
	WechatOffiaccountUserID string `json:"wechatOffiaccountUserId"`
	WechatMiniprogramUserID string `json:"wechatMiniprogramUserId"`
	WechatUnionID           string `json:"wechatUnionId"`
	Status                  int    `json:"status"`    // 0 disabled, 1 normal
	LogonMode               int    `json:"logonMode"` // how the user registered
	RegisterTime            int64  `json:"registerTime"`
	RegisterTimeTs          int64  `json:"registerTimeTs"`
	LastLoginTime           int64  `json:"lastLoginTime"`
	LastLoginTimeTs         int64  `json:"lastLoginTimeTs"`
}

var (
	userInfoEndpoint = v2Endpoint{name: OpUserInfo, method: "GET"}
	logoutEndpoint   = v2Endpoint{name: OpLogout, method: "DELETE"}
)

// authHeader returns t's Authorization value, or the error the server would
// answer for a missing token.
func authHeader(op string, t *Token) (string, error) {
	if h := t.AuthorizationHeader(); h != "" {
		return h, nil
	}
	return "", &ValidationError{Op: op, Field: "Authorization", Reason: "needs a token", Err: ErrTokenRequired}
}

// UserInfo returns the profile of the user t belongs to.
//
// GET /v2/enduser/enduserapi/userInfo with the token in Authorization.
// Codes: 5032 5033 5065 5106.
func (c *Client) UserInfo(ctx context.Context, t *Token) (*UserInfo, error) {
	auth, err := authHeader(userInfoEndpoint.name, t)
	if err != nil {
		return nil, err
	}
	var info UserInfo
	rep, err := callV2(ctx, c, &userInfoEndpoint, nil, nil, auth, &info)
	if err != nil {
		return nil, err
	}
	if !rep.hasData {
		return nil, &UnexpectedResponseError{Op: userInfoEndpoint.name, HTTPStatus: rep.status, Err: errors.New("success without user data")}
	}
	return &info, nil
}

// Logout ends the session of t. deviceID is optional ("" omits it).
//
// DELETE /v2/enduser/enduserapi/userLogout with the token in Authorization.
// Codes: 5032 5045.
func (c *Client) Logout(ctx context.Context, t *Token, deviceID string) error {
	auth, err := authHeader(logoutEndpoint.name, t)
	if err != nil {
		return err
	}
	var opt []param
	if deviceID != "" {
		opt = []param{{"deviceId", deviceID}}
	}
	_, err = callV2[struct{}](ctx, c, &logoutEndpoint, nil, opt, auth, nil)
	return err
}
