package enduser

import "context"

// TwitterLoginRequest is a Twitter OAuth 1.0a result to log in with.
type TwitterLoginRequest struct {
	AppID            string // the enterprise's Twitter appId configured on the platform
	OAuthToken       string // oauthToken from Twitter's authorization
	OAuthTokenSecret string // oauthTokenSecret from Twitter's authorization; never logged
	MCC              int    // mobile country code; 0 = omitted
}

// TwitterLogin logs a user in with a Twitter OAuth token pair.
//
// POST /v2/enduser/enduserapi/twitterAuthLogin, signed over appId,
// oauthToken and oauthTokenSecret. Codes: 5000 5013 5015 5023 5104 5146 5147
// 5148 5218 5325 5420 5421 5550 5569 5570 6084 6085.
func (c *Client) TwitterLogin(ctx context.Context, r TwitterLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpTwitterLogin], r.MCC, nil, []string{r.AppID, r.OAuthToken, r.OAuthTokenSecret})
}
