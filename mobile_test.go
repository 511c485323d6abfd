package enduser_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// mobileCase is one connection: a complete payload, the exact payload object
// expected on the wire, and payloads missing a required credential.
type mobileCase struct {
	conn    enduser.Connection
	key     string
	payload enduser.MobilePayload
	wire    string
	invalid map[string]enduser.MobilePayload // wire field path → payload lacking it
}

func codeCase(conn enduser.Connection, key string, mk func(code string) enduser.MobilePayload) mobileCase {
	return mobileCase{conn: conn, key: key, payload: mk("CODE-1"), wire: `{"code":"CODE-1"}`,
		invalid: map[string]enduser.MobilePayload{key + ".code": mk("")}}
}

func tokenCase(conn enduser.Connection, key string, mk func(tok string) enduser.MobilePayload) mobileCase {
	return mobileCase{conn: conn, key: key, payload: mk("AT-1"), wire: `{"access_token":"AT-1"}`,
		invalid: map[string]enduser.MobilePayload{key + ".access_token": mk("")}}
}

var mobileCases = []mobileCase{
	codeCase("wechat", "wechatPayload", func(s string) enduser.MobilePayload { return enduser.WechatPayload{Code: s} }),
	codeCase("apple", "applePayload", func(s string) enduser.MobilePayload { return enduser.ApplePayload{Code: s} }),
	codeCase("alipay", "alipayPayload", func(s string) enduser.MobilePayload { return enduser.AlipayPayload{Code: s} }),
	codeCase("wechatwork", "wechatworkPayload", func(s string) enduser.MobilePayload { return enduser.WechatworkPayload{Code: s} }),
	codeCase("wechatwork_agency", "wechatworkAgencyPayload", func(s string) enduser.MobilePayload { return enduser.WechatworkAgencyPayload{Code: s} }),
	codeCase("lark_public", "larkPublicPayload", func(s string) enduser.MobilePayload { return enduser.LarkPublicPayload{Code: s} }),
	codeCase("lark_internal", "larkInternalPayload", func(s string) enduser.MobilePayload { return enduser.LarkInternalPayload{Code: s} }),
	codeCase("lark_block", "larkBlockPayload", func(s string) enduser.MobilePayload { return enduser.LarkBlockPayload{Code: s} }),
	{
		conn: "yidun", key: "yidunPayload",
		payload: enduser.YidunPayload{Token: "YT", AccessToken: "1660291866076"},
		wire:    `{"token":"YT","accessToken":"1660291866076"}`,
		invalid: map[string]enduser.MobilePayload{
			"yidunPayload.token":       enduser.YidunPayload{AccessToken: "a"},
			"yidunPayload.accessToken": enduser.YidunPayload{Token: "t"},
		},
	},
	{
		conn: "wechat_mini_program_code", key: "wechatMiniProgramCodePayload",
		payload: enduser.WechatMiniProgramCodePayload{Code: "C", EncryptedData: "ED", IV: "IV"},
		wire:    `{"code":"C","encryptedData":"ED","iv":"IV"}`,
		invalid: map[string]enduser.MobilePayload{"wechatMiniProgramCodePayload.code": enduser.WechatMiniProgramCodePayload{IV: "x"}},
	},
	{
		conn: "wechat_mini_program_phone", key: "wechatMiniProgramPhonePayload",
		payload: enduser.WechatMiniProgramPhonePayload{Code: "C", EncryptedData: "ED", IV: "IV"},
		wire:    `{"code":"C","encryptedData":"ED","iv":"IV"}`,
		invalid: map[string]enduser.MobilePayload{
			"wechatMiniProgramPhonePayload.code":          enduser.WechatMiniProgramPhonePayload{EncryptedData: "e", IV: "i"},
			"wechatMiniProgramPhonePayload.encryptedData": enduser.WechatMiniProgramPhonePayload{Code: "c", IV: "i"},
			"wechatMiniProgramPhonePayload.iv":            enduser.WechatMiniProgramPhonePayload{Code: "c", EncryptedData: "e"},
		},
	},
	{
		conn: "wechat_mini_program_code_and_phone", key: "wechatMiniProgramCodeAndPhonePayload",
		payload: enduser.WechatMiniProgramCodeAndPhonePayload{
			WxLoginInfo: enduser.WechatMiniProgramCodePayload{Code: "LC"},
			WxPhoneInfo: enduser.WechatMiniProgramPhoneInfo{Code: "PC"},
		},
		wire: `{"wxLoginInfo":{"code":"LC"},"wxPhoneInfo":{"code":"PC"}}`,
		invalid: map[string]enduser.MobilePayload{
			"wechatMiniProgramCodeAndPhonePayload.wxLoginInfo.code": enduser.WechatMiniProgramCodeAndPhonePayload{WxPhoneInfo: enduser.WechatMiniProgramPhoneInfo{Code: "p"}},
			"wechatMiniProgramCodeAndPhonePayload.wxPhoneInfo.code": enduser.WechatMiniProgramCodeAndPhonePayload{WxLoginInfo: enduser.WechatMiniProgramCodePayload{Code: "l"}},
		},
	},
	codeCase("google", "googlePayload", func(s string) enduser.MobilePayload { return enduser.GooglePayload{Code: s} }),
	tokenCase("facebook", "facebookPayload", func(s string) enduser.MobilePayload { return enduser.FacebookPayload{AccessToken: s} }),
	tokenCase("qq", "qqPayload", func(s string) enduser.MobilePayload { return enduser.QQPayload{AccessToken: s} }),
	tokenCase("weibo", "weiboPayload", func(s string) enduser.MobilePayload { return enduser.WeiboPayload{AccessToken: s} }),
	{
		conn: "baidu", key: "baiduPayload",
		payload: enduser.BaiduPayload{AccessToken: "AT"},
		wire:    `{"access_token":"AT"}`,
		invalid: map[string]enduser.MobilePayload{"baiduPayload.code or access_token": enduser.BaiduPayload{}},
	},
	codeCase("linkedin", "linkedInPayload", func(s string) enduser.MobilePayload { return enduser.LinkedInPayload{Code: s} }),
	{
		conn: "dingtalk", key: "dingTalkPayload",
		payload: enduser.DingTalkPayload{Code: "C", IsSnsCode: true},
		wire:    `{"code":"C","isSnsCode":true}`,
		invalid: map[string]enduser.MobilePayload{"dingTalkPayload.code": enduser.DingTalkPayload{IsSnsCode: true}},
	},
	codeCase("github", "githubPayload", func(s string) enduser.MobilePayload { return enduser.GithubPayload{Code: s} }),
	codeCase("gitee", "giteePayload", func(s string) enduser.MobilePayload { return enduser.GiteePayload{Code: s} }),
	codeCase("gitlab", "gitlabPayload", func(s string) enduser.MobilePayload { return enduser.GitlabPayload{Code: s} }),
	codeCase("douyin", "douyinPayload", func(s string) enduser.MobilePayload { return enduser.DouyinPayload{Code: s} }),
	codeCase("kuaishou", "kuaishouPayload", func(s string) enduser.MobilePayload { return enduser.KuaishouPayload{Code: s} }),
	codeCase("xiaomi", "xiaomiPayload", func(s string) enduser.MobilePayload { return enduser.XiaomiPayload{Code: s} }),
	{
		conn: "line", key: "linePayload",
		payload: enduser.LinePayload{AccessToken: "AT", IDToken: "IDT"},
		wire:    `{"access_token":"AT","id_token":"IDT"}`,
		invalid: map[string]enduser.MobilePayload{"linePayload.access_token": enduser.LinePayload{IDToken: "i"}},
	},
	codeCase("slack", "slackPayload", func(s string) enduser.MobilePayload { return enduser.SlackPayload{Code: s} }),
	codeCase("oppo", "oppoPayload", func(s string) enduser.MobilePayload { return enduser.OPPOPayload{Code: s} }),
	codeCase("huawei", "huaweiPayload", func(s string) enduser.MobilePayload { return enduser.HuaweiPayload{Code: s} }),
	tokenCase("amazon", "amazonPayload", func(s string) enduser.MobilePayload { return enduser.AmazonPayload{AccessToken: s} }),
	{
		conn: "douyin_mini_program_code", key: "douyinMiniProgramCodePayload",
		payload: enduser.DouyinMiniProgramCodePayload{Code: "C", EncryptedData: "ED", IV: "IV"},
		wire:    `{"code":"C","encryptedData":"ED","iv":"IV"}`,
		invalid: map[string]enduser.MobilePayload{"douyinMiniProgramCodePayload.code": enduser.DouyinMiniProgramCodePayload{EncryptedData: "e", IV: "i"}},
	},
	{
		conn: "douyin_mini_program_code_and_phone", key: "douyinMiniProgramCodeAndPhonePayload",
		payload: enduser.DouyinMiniProgramCodeAndPhonePayload{
			LoginParams: enduser.DouyinMiniProgramCodePayload{Code: "LC"},
			PhoneParams: enduser.DouyinMiniProgramPhoneParams{IV: "PIV", EncryptedData: "PED"},
		},
		wire: `{"loginParams":{"code":"LC"},"phoneParams":{"iv":"PIV","encryptedData":"PED"}}`,
		invalid: map[string]enduser.MobilePayload{
			"douyinMiniProgramCodeAndPhonePayload.loginParams.code": enduser.DouyinMiniProgramCodeAndPhonePayload{
				PhoneParams: enduser.DouyinMiniProgramPhoneParams{IV: "i", EncryptedData: "e"},
			},
		},
	},
}

func mobileClient(t *testing.T, method enduser.ClientAuthMethod, opts ...enduser.Option) (*enduser.Client, *httpmock.MockTransport, *recorder) {
	t.Helper()
	cfg := testConfig()
	cfg.GenAuth.AuthMethod = method
	c, mt := newTestClient(t, cfg, opts...)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, mobileURL, rec.responder(200, httpmock.File("testdata/genauth/signin_ok.json").Bytes()))
	return c, mt, rec
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body is JSON: %s", b)
	return m
}

func TestSignInByMobileAllConnections(t *testing.T) {
	t.Parallel()
	require.Len(t, mobileCases, 32)
	for _, mc := range mobileCases {
		t.Run(string(mc.conn), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, mc.conn, mc.payload.Connection())
			c, mt, rec := mobileClient(t, enduser.AuthNone)

			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn-" + string(mc.conn), Payload: mc.payload})
			require.NoError(t, err)
			got := rec.last(t)
			want := decodeJSON(t, []byte(`{"extIdpConnidentifier":"conn-`+string(mc.conn)+`","connection":"`+string(mc.conn)+`","`+mc.key+`":`+mc.wire+`}`))
			assert.Equal(t, want, decodeJSON(t, got.Body), "the whole body: one payload key, nothing else")

			for field, bad := range mc.invalid {
				_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: bad})
				require.ErrorIs(t, err, enduser.ErrInvalidRequest, field)
				var ve *enduser.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, field, ve.Field)
			}
			assert.Equal(t, 1, mt.GetTotalCallCount(), "invalid payloads send nothing")
		})
	}
}

func TestSignInByMobileAcceptsPointerPayloads(t *testing.T) {
	t.Parallel()
	c, _, rec := mobileClient(t, enduser.AuthNone)
	_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: &enduser.GooglePayload{Code: "g"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"code": "g"}, decodeJSON(t, rec.last(t).Body)["googlePayload"])

	var nilPayload *enduser.GooglePayload
	_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: nilPayload})
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
}

func TestSignInByMobileAuthMethods(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAppID+":"+testAppSecret))
	tests := []struct {
		method     enduser.ClientAuthMethod
		wantAuth   string
		wantClient bool
	}{
		{enduser.AuthNone, "", false},
		{enduser.AuthClientSecretPost, "", true},
		{enduser.AuthClientSecretBasic, basic, false},
	}
	for _, tt := range tests {
		t.Run(tt.method.String(), func(t *testing.T) {
			t.Parallel()
			c, _, rec := mobileClient(t, tt.method)
			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, testAppID, got.Header.Get("x-authing-app-id"))
			assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantAuth, got.Header.Get("Authorization"))
			body := decodeJSON(t, got.Body)
			if tt.wantClient {
				assert.Equal(t, testAppID, body["client_id"])
				assert.Equal(t, testAppSecret, body["client_secret"])
			} else {
				assert.NotContains(t, body, "client_id")
				assert.NotContains(t, body, "client_secret")
			}
		})
	}
}

func TestSignInByMobileOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *enduser.MobileSignInOptions
		want any // the options object on the wire; nil = absent
	}{
		{"nil", nil, nil},
		{"empty", &enduser.MobileSignInOptions{}, nil},
		{"scope only", &enduser.MobileSignInOptions{Scope: "openid offline_access"}, map[string]any{"scope": "openid offline_access"}},
		{"all", &enduser.MobileSignInOptions{
			Scope: "openid", Context: map[string]any{"ip": "10.0.0.1"}, TenantID: "t-1", CustomData: map[string]any{"n": 1.0},
		}, map[string]any{"scope": "openid", "context": map[string]any{"ip": "10.0.0.1"}, "tenantId": "t-1", "customData": map[string]any{"n": 1.0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, rec := mobileClient(t, enduser.AuthNone)
			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}, Options: tt.opts})
			require.NoError(t, err)
			body := decodeJSON(t, rec.last(t).Body)
			if tt.want == nil {
				assert.NotContains(t, body, "options")
			} else {
				assert.Equal(t, tt.want, body["options"])
			}
		})
	}
}

func TestSignInByMobileValidation(t *testing.T) {
	t.Parallel()
	ok := enduser.WechatPayload{Code: "c"}
	tests := []struct {
		name  string
		req   enduser.MobileSignInRequest
		field string
	}{
		{"no identifier", enduser.MobileSignInRequest{Payload: ok}, "extIdpConnidentifier"},
		{"nil payload", enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x"}, "payload"},
		{"scope without openid", enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: ok, Options: &enduser.MobileSignInOptions{Scope: "profile openidx"}}, "options.scope"},
		{"options that are not JSON", enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: ok, Options: &enduser.MobileSignInOptions{Context: map[string]any{"f": func() {}}}}, "options.context"},
		{"custom data that is not JSON", enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: ok, Options: &enduser.MobileSignInOptions{CustomData: map[string]any{"n": math.NaN()}}}, "options.customData"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := mobileClient(t, enduser.AuthNone)
			_, err := c.SignInByMobile(bg, tt.req)
			require.ErrorIs(t, err, enduser.ErrInvalidRequest)
			var ve *enduser.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Equal(t, 0, mt.GetTotalCallCount())
		})
	}
}

func TestSignInByMobileToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	c, _, _ := mobileClient(t, enduser.AuthNone, enduser.WithClock(func() time.Time { return now }))
	tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
	require.NoError(t, err)
	assert.Equal(t, &enduser.Token{
		Family:       enduser.FamilyGenAuth,
		AccessToken:  "eyJhbGciOiJSUzI1NiJ9.genauth-access.sig",
		TokenType:    "Bearer",
		Expiry:       now.Add(7200 * time.Second),
		RefreshToken: "genauth-refresh-8f0c",
		IDToken:      "eyJhbGciOiJSUzI1NiJ9.genauth-id.sig",
		Scope:        "openid profile offline_access",
	}, tok)
	assert.Equal(t, "Bearer eyJhbGciOiJSUzI1NiJ9.genauth-access.sig", tok.AuthorizationHeader())
}

func TestSignInByMobileFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		target error
		code   int
		api    int
	}{
		{"apiCode as a string", string(httpmock.File("testdata/genauth/error_2011_string.json").Bytes()), enduser.ErrGenAuthAppNotFound, 400, 2011},
		{"1576 as a number", `{"statusCode":403,"message":"m","apiCode":1576,"requestId":"r"}`, enduser.ErrGenAuthNoLoginPermission, 403, 1576},
		{"1635", `{"statusCode":401,"message":"m","apiCode":1635,"requestId":"r"}`, enduser.ErrGenAuthMFARequired, 401, 1635},
		{"1636 is MFA too", `{"statusCode":401,"message":"m","apiCode":1636,"requestId":"r"}`, enduser.ErrGenAuthMFARequired, 401, 1636},
		{"2004", `{"statusCode":404,"message":"m","apiCode":2004,"requestId":"r"}`, enduser.ErrGenAuthUserNotFound, 404, 2004},
		{"2005", `{"statusCode":403,"message":"m","apiCode":"2005","requestId":"r"}`, enduser.ErrGenAuthUserLocked, 403, 2005},
		{"2224", `{"statusCode":404,"message":"m","apiCode":2224,"requestId":"r"}`, enduser.ErrGenAuthUserPoolNotFound, 404, 2224},
		{"throttled", `{"statusCode":429,"message":"slow down","requestId":"r"}`, enduser.ErrRateLimited, 429, 0},
		{"server error without apiCode", `{"statusCode":500,"message":"m","requestId":"r"}`, nil, 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, tt.body))
			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "signin-by-mobile", apiErr.Op)
			assert.Equal(t, 200, apiErr.HTTPStatus)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, tt.api, apiErr.APICode)
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Contains(t, err.Error(), "statusCode "+strconv.Itoa(tt.code))
			if tt.target != nil {
				assert.ErrorIs(t, err, tt.target)
			}
			assert.NotErrorIs(t, err, enduser.ErrUserDomainNotFound, "GenAuth codes never match v2 sentinels")
			if tt.code == 429 {
				assert.Equal(t, 3, mt.GetTotalCallCount(), "a statusCode 429 was not processed: retried like an HTTP 429")
			} else {
				assert.Equal(t, 1, mt.GetTotalCallCount(), "a statusCode in an HTTP 200 answer is not retried")
			}
		})
	}
}

func TestSignInByMobileUnexpected(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"HTML":                `<html>oops</html>`,
		"empty":               ``,
		"v2 envelope":         `{"code":200,"data":null}`,
		"success, no token":   `{"statusCode":200,"data":{"access_token":""}}`,
		"apiCode not numeric": `{"statusCode":400,"apiCode":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, body))
			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			assert.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
		})
	}
}

// failingMarshaler fails to encode with an error that quotes its value, as
// a caller's type may.
type failingMarshaler struct{ v string }

func (m failingMarshaler) MarshalJSON() ([]byte, error) {
	return nil, errors.New("cannot encode " + m.v)
}

func TestSignInByMobileOptionsErrorNeverQuotesValues(t *testing.T) {
	t.Parallel()
	const secret = "CUSTOMDATA-SECRET-77"
	for name, opts := range map[string]*enduser.MobileSignInOptions{
		"customData": {CustomData: map[string]any{"k": failingMarshaler{secret}}},
		"context":    {Context: map[string]any{"k": failingMarshaler{secret}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := mobileClient(t, enduser.AuthNone)
			_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}, Options: opts})
			require.ErrorIs(t, err, enduser.ErrInvalidRequest)
			var ve *enduser.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "options."+name, ve.Field)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), ve.Reason} {
				assert.NotContains(t, s, secret)
			}
			assert.Equal(t, 0, mt.GetTotalCallCount())
		})
	}
}

func TestParseMobilePayload(t *testing.T) {
	t.Parallel()
	for _, mc := range mobileCases {
		t.Run(string(mc.conn), func(t *testing.T) {
			t.Parallel()
			p, err := enduser.ParseMobilePayload(mc.conn, []byte(mc.wire))
			require.NoError(t, err)
			assert.Equal(t, mc.payload, p)
		})
	}
	_, err := enduser.ParseMobilePayload("nope", []byte(`{}`))
	assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
	for _, bad := range []string{`{"cod":"SECRET-1"}`, `{"code":"SECRET-1"} {}`, `"SECRET-1"`, `{"code":1}`} {
		_, err := enduser.ParseMobilePayload(enduser.ConnectionWechat, []byte(bad))
		require.ErrorIs(t, err, enduser.ErrInvalidRequest, bad)
		assert.NotContains(t, err.Error(), "SECRET-1")
	}
}

func TestSignInByMobileLifetimeKeys(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second) // Valid reads the real clock
	tests := []struct {
		name     string
		lifetime string // the lifetime members of data, each ending in a comma
		want     time.Time
	}{
		{"expire_in only", `"expire_in":7200,`, now.Add(2 * time.Hour)},
		{"expires_in only", `"expires_in":7200,`, now.Add(2 * time.Hour)},
		{"both, the shorter wins", `"expire_in":7200,"expires_in":3600,`, now.Add(time.Hour)},
		{"both, the shorter wins either way", `"expire_in":600,"expires_in":7200,`, now.Add(10 * time.Minute)},
		{"as a string", `"expires_in":"7200",`, now.Add(2 * time.Hour)},
		{"null and a number", `"expire_in":null,"expires_in":600,`, now.Add(10 * time.Minute)},
		{"missing altogether", ``, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig(), enduser.WithClock(func() time.Time { return now }))
			body := `{"statusCode":200,"data":{` + tt.lifetime + `"access_token":"AT","token_type":"Bearer"}}`
			mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, body))
			tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			require.NoError(t, err)
			assert.Equal(t, tt.want, tok.Expiry)
			assert.True(t, tok.Valid(), "a fresh token, or one of unknown lifetime, is valid")
		})
	}
}

func TestSignInByMobileIDTokenOnly(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200,
		`{"statusCode":200,"data":{"id_token":"eyJ.id-only.sig","token_type":"Bearer","expire_in":3600,"scope":"openid"}}`))
	tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
	require.NoError(t, err)
	assert.Equal(t, "eyJ.id-only.sig", tok.IDToken)
	assert.Equal(t, "eyJ.id-only.sig", tok.AccessToken, "the id token stands in for the access token")
	assert.Equal(t, "Bearer eyJ.id-only.sig", tok.AuthorizationHeader())
	assert.Equal(t, enduser.FamilyGenAuth, tok.Family)
	assert.True(t, tok.Valid())
}

// TestEveryPayloadIsRedacted prints and logs a payload of every connection,
// built with a marker in each field from its wire JSON: no verb and no log
// handler shows a credential.
func TestEveryPayloadIsRedacted(t *testing.T) {
	t.Parallel()
	for _, mc := range mobileCases {
		t.Run(string(mc.conn), func(t *testing.T) {
			t.Parallel()
			var wire map[string]any
			require.NoError(t, json.Unmarshal([]byte(mc.wire), &wire))
			var markers []string
			var mark func(m map[string]any, prefix string)
			mark = func(m map[string]any, prefix string) {
				for k, v := range m {
					switch v := v.(type) {
					case string:
						m[k] = "SECRET-" + prefix + k
						markers = append(markers, m[k].(string))
					case map[string]any:
						mark(v, prefix+k+".")
					}
				}
			}
			mark(wire, "")
			b, err := json.Marshal(wire)
			require.NoError(t, err)
			p, err := enduser.ParseMobilePayload(mc.conn, b)
			require.NoError(t, err)
			var logs bytes.Buffer
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("p", "payload", p)
			slog.New(slog.NewTextHandler(&logs, nil)).Info("p", "payload", p)
			req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: p}
			out := []string{logs.String()}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				out = append(out, fmt.Sprintf(verb, p), fmt.Sprintf(verb, req), fmt.Sprintf(verb, &req))
			}
			require.NotEmpty(t, markers)
			for _, o := range out {
				for _, m := range markers {
					assert.NotContains(t, o, m)
				}
			}
		})
	}
}

// TestParseMobilePayloadErrorsAreLocal: a parse sends nothing, so its error
// carries no endpoint prefix, and a misspelled field is named (its value
// never is).
func TestParseMobilePayloadErrorsAreLocal(t *testing.T) {
	t.Parallel()
	for _, mc := range mobileCases {
		_, err := enduser.ParseMobilePayload(mc.conn, []byte(`{"codee":"SECRET-1"}`))
		var ve *enduser.ValidationError
		require.ErrorAs(t, err, &ve, mc.conn)
		assert.Empty(t, ve.Op, "nothing was sent: no endpoint")
		assert.NotContains(t, err.Error(), string(enduser.OpSignInByMobile))
		assert.Contains(t, err.Error(), `unknown field "codee"`, mc.conn)
		assert.Contains(t, err.Error(), string(mc.conn))
		assert.NotContains(t, err.Error(), "SECRET-1")
	}
	_, err := enduser.ParseMobilePayload(enduser.ConnectionWechat, []byte(`{"`+strings.Repeat("k", 10_000)+`":1}`))
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.Less(t, len(err.Error()), 300, "a long unknown name is cut")
	_, err = enduser.ParseMobilePayload("nope", []byte(`{}`))
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	assert.NotContains(t, err.Error(), string(enduser.OpSignInByMobile))
}
