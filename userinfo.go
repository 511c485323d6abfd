package enduser

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// claimsDecoder decodes a server's whole JSON answer into v, for Claims. It
// is a func so that fmt prints it as an address, whatever the verb: the
// answer may echo a token, and a []byte field would be printed whole.
type claimsDecoder func(v any) error

func decoderOf(raw []byte) claimsDecoder {
	return func(v any) error { return json.Unmarshal(raw, v) }
}

// authHeader returns t's Authorization value, or the error the server would
// answer for a missing token.
func authHeader(op string, t *Token) (string, error) {
	if h := t.AuthorizationHeader(); h != "" {
		return h, nil
	}
	return "", &ValidationError{Op: op, Field: "Authorization", Reason: "needs a token", Err: ErrTokenRequired}
}

// UserInfo returns the profile of the user t belongs to, from the host of
// t's family.
//
// v2: GET /v2/enduser/enduserapi/userInfo with the token in Authorization.
// Codes: 5000 5032 5033 5065 5106 5325.
//
// GenAuth: GET {GenAuth.Host}/oidc/me with the bearer access token; an
// answer of invalid_token matches [ErrTokenInvalid].
func (c *Client) UserInfo(ctx context.Context, t *Token) (*UserInfo, error) {
	fam, err := c.familyOf(OpUserInfo, t)
	if err != nil {
		return nil, err
	}
	if fam == FamilyGenAuth {
		return c.userInfoGenAuth(ctx, t)
	}
	auth, err := authHeader(OpUserInfo, t)
	if err != nil {
		return nil, err
	}
	var info UserInfo
	if _, err := callV2(ctx, c, v2Table[OpUserInfo], nil, nil, auth, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// oidcProfile is the part of GenAuth's /oidc/me answer UserInfo maps.
type oidcProfile struct {
	Sub         string `json:"sub"`
	Nickname    string `json:"nickname"`
	Picture     string `json:"picture"`
	Email       string `json:"email"`
	PhoneNumber string `json:"phone_number"`
}

func (c *Client) userInfoGenAuth(ctx context.Context, t *Token) (*UserInfo, error) {
	if c.genAuthURL == "" {
		return nil, ErrNotConfigured
	}
	auth, err := authHeader(OpOIDCUserInfo, t)
	if err != nil {
		return nil, err
	}
	k := &call{
		op: OpOIDCUserInfo, family: FamilyGenAuth, oauth: true, method: http.MethodGet,
		url: c.oidcURL(OpOIDCUserInfo), host: c.genAuthHost, auth: auth,
		scrub: []string{t.AccessToken, t.RefreshToken}, idempotent: true,
	}
	var raw json.RawMessage
	k.out = &raw
	status, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	var p oidcProfile
	if json.Unmarshal(raw, &p) != nil || p.Sub == "" {
		return nil, successWithout(OpOIDCUserInfo, status, "a sub claim")
	}
	return &UserInfo{
		UID: p.Sub, Nickname: p.Nickname, Phone: p.PhoneNumber, Email: p.Email, HeadImg: p.Picture,
		claims: decoderOf(raw),
	}, nil
}

// errNoClaims is Claims on a profile that has none.
var errNoClaims = errors.New("enduser: a v2 profile has no OpenID Connect claims")

// Claims decodes every claim of a GenAuth profile (the whole /oidc/me
// answer: sub, name, email_verified, phone_number_verified, custom claims…)
// into v, as json.Unmarshal does. A v2 profile has no claims: Claims
// returns an error.
func (u *UserInfo) Claims(v any) error {
	if u == nil || u.claims == nil {
		return errNoClaims
	}
	return u.claims(v)
}
