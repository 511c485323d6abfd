package enduser_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

var v2Token = &enduser.Token{AccessToken: "Bearer AT-abc", TokenType: "Bearer"}

func TestRefreshTokenWire(t *testing.T) {
	t.Parallel()
	for _, query := range []bool{false, true} {
		t.Run(map[bool]string{false: "form", true: "query"}[query], func(t *testing.T) {
			t.Parallel()
			var opts []enduser.Option
			if query {
				opts = append(opts, enduser.WithQueryParams())
			}
			c, mt := newTestClient(t, testConfig(), opts...)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPut, v2URL("refreshToken"), rec.responder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))

			tok, err := c.RefreshToken(bg, "RT-1/2+3")
			require.NoError(t, err)
			assert.Equal(t, time.Unix(1744780894, 0), tok.Expiry)
			got := rec.last(t)
			assert.Equal(t, http.MethodPut, got.Method)
			assert.Equal(t, map[string][]string{"refreshToken": {"RT-1/2+3"}}, map[string][]string(got.Form()), "no signature, no userDomain")
			assert.Empty(t, got.Header.Get("Authorization"))
		})
	}
}

func TestRefreshTokenCodes(t *testing.T) {
	t.Parallel()
	for _, code := range []enduser.Code{enduser.ErrRefreshTokenRequired, enduser.ErrTokenInvalid} {
		t.Run(code.Error(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPut, v2URL("refreshToken"), httpmock.NewStringResponder(200, `{"code":`+strconv.Itoa(int(code))+`,"msg":"no"}`))
			_, err := c.RefreshToken(bg, "rt")
			assert.ErrorIs(t, err, code)
		})
	}
	c, mt := newTestClient(t, testConfig())
	_, err := c.RefreshToken(bg, "")
	assert.ErrorIs(t, err, enduser.ErrRefreshTokenRequired)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, v2URL("userInfo"), rec.responder(200, httpmock.File("testdata/v2/userinfo_ok.json").Bytes()))

	info, err := c.UserInfo(bg, v2Token)
	require.NoError(t, err)
	assert.Equal(t, &enduser.UserInfo{
		UID: "1234567", Nickname: "Ada", Phone: "13800138000", Email: "ada@example.com",
		HeadImg: "https://cdn.example.com/a.png", Sex: "female", Lang: "en", Timezone: "Europe/Berlin",
		Nationality: "DE", Province: "Berlin", City: "Berlin", Address: "Unter den Linden 1", Remark: "vip",
		Motto: "Stay curious", TwitterUserID: "tw-1", AppleUserID: "ap-1", FacebookUserID: "fb-1",
		AlipayUserID: "al-1", QQUserID: "qq-1", WechatOffiaccountUserID: "wo-1", WechatMiniprogramUserID: "wm-1",
		WechatUnionID: "wu-1", Status: 1, LogonMode: 3, RegisterTime: 1744773894369, RegisterTimeTs: 1744773894,
		LastLoginTime: 1744780000000, LastLoginTimeTs: 1744780000,
	}, info)
	got := rec.last(t)
	assert.Equal(t, "Bearer AT-abc", got.Header.Get("Authorization"), "sent exactly as returned")
	assert.Empty(t, got.URL.RawQuery)
	assert.Empty(t, got.Body)
}

func TestUserInfoCodes(t *testing.T) {
	t.Parallel()
	for _, code := range []enduser.Code{5032, 5033, 5065, 5106} {
		t.Run(code.Error(), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodGet, v2URL("userInfo"), httpmock.NewStringResponder(200, `{"code":`+strconv.Itoa(int(code))+`,"msg":"no","data":null}`))
			_, err := c.UserInfo(bg, v2Token)
			assert.ErrorIs(t, err, code)
		})
	}
}

func TestAuthenticatedCallsNeedAToken(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	_, err := c.UserInfo(bg, nil)
	assert.ErrorIs(t, err, enduser.ErrTokenRequired)
	err = c.Logout(bg, &enduser.Token{}, "")
	assert.ErrorIs(t, err, enduser.ErrTokenRequired)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestLogoutWire(t *testing.T) {
	t.Parallel()
	for _, device := range []string{"", "device 42"} {
		t.Run("device="+device, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig(), enduser.WithQueryParams())
			rec := &recorder{}
			mt.RegisterResponder(http.MethodDelete, v2URL("userLogout"), rec.responder(200, []byte(`{"code":200,"msg":"ok","data":null}`)))
			require.NoError(t, c.Logout(bg, v2Token, device))
			got := rec.last(t)
			assert.Equal(t, http.MethodDelete, got.Method)
			assert.Equal(t, "Bearer AT-abc", got.Header.Get("Authorization"))
			assert.Empty(t, got.Body, "DELETE carries its parameters in the query")
			if device == "" {
				assert.Empty(t, got.URL.RawQuery)
			} else {
				assert.Equal(t, map[string][]string{"deviceId": {device}}, map[string][]string(got.URL.Query()))
			}
		})
	}
}

func TestLogoutCodes(t *testing.T) {
	t.Parallel()
	for _, code := range []enduser.Code{enduser.ErrTokenInvalid, enduser.ErrLogoutFailed} {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodDelete, v2URL("userLogout"), httpmock.NewStringResponder(200, `{"code":`+strconv.Itoa(int(code))+`}`))
		assert.ErrorIs(t, c.Logout(bg, v2Token, ""), code)
	}
}
