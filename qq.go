package enduser

import "context"

// QQLoginRequest is a QQ authorization to log in with.
type QQLoginRequest struct {
	AccessToken string // accessToken from QQ's authorization; never logged
	MCC         int    // mobile country code; 0 = omitted
}

// QQLogin logs a user in with the access token of a QQ authorization.
//
// POST /v2/enduser/enduserapi/qqAuthLogin, signed over accessToken. An
// empty AccessToken is ErrAccessTokenRequired (5366) before anything is
// sent. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5325 5366 5367 5368
// 5369 5420 5421 5550 6084 6085.
func (c *Client) QQLogin(ctx context.Context, r QQLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpQQLogin], r.MCC, nil, []string{r.AccessToken})
}
