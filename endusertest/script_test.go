package endusertest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// The example of Script's documentation parses and applies as written.
const docScript = `{
  "users": [
    {"uid": "u-ada", "nickname": "Ada", "name": "Ada Lovelace", "email": "ada@example.com",
     "emailVerified": true, "phone": "+44 20 0000", "phoneVerified": false,
     "picture": "https://example.com/ada.png", "claims": {"locale": "en-GB"},
     "credentials": ["ada-apple-identity-token", "ada-wechat-code"]}
  ],
  "faults": [
    {"endpoint": "refreshToken", "fault": "processThenDrop"},
    {"endpoint": "appleAuthLogin", "fault": "failCode", "code": 5104, "forUser": "u-ada"},
    {"endpoint": "signin-by-mobile", "fault": "failCode", "code": 403, "apiCode": 2005},
    {"endpoint": "oidc/token", "fault": "failOAuth", "status": 400, "error": "invalid_grant"},
    {"endpoint": "userInfo", "fault": "httpStatus", "status": 503, "retryAfter": "1"},
    {"endpoint": "twitterAuthLogin", "fault": "gatewayHTML", "status": 502, "onCall": 2},
    {"endpoint": "oidc/me", "fault": "rateLimited", "retryAfter": "30", "envelopeOnly": true},
    {"endpoint": "refreshToken", "fault": "delay", "delay": "2s", "times": 3},
    {"endpoint": "wechatOffiaccountAuthLogin", "fault": "dropConnection", "forCode": "code-1", "after": "100ms"}
  ]
}`

func TestScriptAsDocumented(t *testing.T) {
	t.Parallel()
	sc, err := endusertest.ParseScript(strings.NewReader(docScript))
	require.NoError(t, err)
	srv := endusertest.NewServer(t)
	require.NoError(t, srv.ApplyScript(sc))
	assert.Equal(t, 4, srv.Pending(enduser.OpRefreshToken), "processThenDrop and three delays")
	for _, ep := range []string{enduser.OpAppleLogin, enduser.OpSignInByMobile, enduser.OpOIDCToken, enduser.OpUserInfo,
		enduser.OpTwitterLogin, enduser.OpOIDCUserInfo, enduser.OpWechatOfficialAccountLogin} {
		assert.Equal(t, 1, srv.Pending(ep), ep)
	}

	c := newClient(t, srv.Config(), enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	_, err = c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "ada-apple-identity-token"})
	assert.ErrorIs(t, err, enduser.ErrUserDomainDisabled, "the fault for Ada")
	tok, err := c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "ada-wechat-code"})
	require.NoError(t, err, "not code-1: the drop is aimed elsewhere")
	_, err = c.UserInfo(bg, tok)
	require.Error(t, err, "the scripted 503")
	info, err := c.UserInfo(bg, tok)
	require.NoError(t, err)
	assert.Equal(t, "u-ada", info.UID)
	assert.Equal(t, "Ada", info.Nickname)
}

func TestScriptMistakes(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ script, want string }{
		"unknown kind":      {`{"faults":[{"endpoint":"userInfo","fault":"boom"}]}`, "unknown fault"},
		"no kind":           {`{"faults":[{"endpoint":"userInfo"}]}`, `"fault" is missing`},
		"unknown key":       {`{"faults":[{"endpoint":"userInfo","fault":"dropConnection","onCal":2}]}`, `unknown field "onCal"`},
		"negative times":    {`{"faults":[{"endpoint":"userInfo","fault":"dropConnection","times":-1}]}`, "count from 1"},
		"oauth needs error": {`{"faults":[{"endpoint":"oidc/token","fault":"failOAuth","status":400}]}`, `"error"`},
		"trailing data":     {`{"faults":[]} {}`, "after its JSON object"},
		"too large":         {`{"users":[` + strings.Repeat(`{"uid":"x"},`, 100_000) + `{}]}`, "larger than 1 MiB"},
	} {
		_, err := endusertest.ParseScript(strings.NewReader(tc.script))
		assert.ErrorContains(t, err, tc.want, name)
	}

	sc, err := endusertest.ParseScript(strings.NewReader(`{"faults":[{"endpoint":"userinfo","fault":"dropConnection"}]}`))
	require.NoError(t, err, "endpoints are checked when applied")
	prog, err := endusertest.Start()
	require.NoError(t, err)
	defer prog.Close()
	assert.ErrorContains(t, prog.ApplyScript(sc), `fault 1: inject: unknown endpoint "userinfo"`)
}
