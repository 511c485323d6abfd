package enduser

import "time"

// The models both families share; their methods live in token.go and oidc.go.

// Family names the API family that issued a token: it decides which host
// every later call with the token goes to.
type Family string

// The two API families.
const (
	FamilyV2      Family = "v2"      // the v2 end-user API (Config.BaseURL)
	FamilyGenAuth Family = "genauth" // GenAuth (Config.GenAuth.Host)
)

// Token is the result of a successful login of either API family. fmt (any
// verb) and log/slog show its type and expiries, never the token material;
// JSON (for storage) has everything.
type Token struct {
	// Family is the API family that issued the token; every login sets it.
	Family Family `json:"family,omitempty"`
	// AccessToken is the access token as returned (v2 ones start with
	// "Bearer "). A GenAuth sign-in that answers an id token only puts it
	// here, as Authing's own clients do.
	AccessToken string `json:"access_token"`
	// TokenType is "Bearer" for both families.
	TokenType string `json:"token_type,omitempty"`
	// Expiry is when the access token expires; zero means unknown.
	Expiry time.Time `json:"expiry,omitzero"`
	// RefreshToken renews the pair; empty when the server gave none.
	RefreshToken string `json:"refresh_token,omitempty"`
	// RefreshExpiry is when the refresh token expires; zero means unknown.
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	// IDToken is the OpenID Connect id token (GenAuth only).
	IDToken string `json:"id_token,omitempty"`
	// Scope is the granted scope (GenAuth only).
	Scope string `json:"scope,omitempty"`
}

// UserInfo is the profile of the user a token belongs to. A v2 profile
// fills every field the server sends (integer times as sent: their unit is
// undocumented); a GenAuth one UID (`sub`), Nickname, Phone (phone_number),
// Email and HeadImg (picture), and [UserInfo.Claims] gives all its claims.
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

	claims claimsDecoder // GenAuth: decodes the whole /oidc/me answer
}
