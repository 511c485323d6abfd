package endusertest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var bg = context.Background()

func newClient(t *testing.T, cfg enduser.Config, opts ...enduser.Option) *enduser.Client {
	t.Helper()
	c, err := enduser.NewClient(cfg, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// logins runs every v2 login once with fresh credentials.
var logins = map[string]func(c *enduser.Client, unique string) (*enduser.Token, error){
	"twitterAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: "ot-" + u, OAuthTokenSecret: "os-" + u})
	},
	"appleAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "idt-" + u})
	},
	"wechatOffiaccountAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "code-" + u})
	},
	"facebookAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "code-" + u})
	},
	"alipayAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.AlipayLogin(bg, enduser.AlipayLoginRequest{AppID: "ali", AuthCode: "code-" + u})
	},
	"wechatMiniprogramAuthLogin": func(c *enduser.Client, u string) (*enduser.Token, error) {
		return c.WechatMiniProgramLogin(bg, enduser.WechatMiniProgramLoginRequest{AppID: "mini", JSCode: "code-" + u})
	},
}

func TestEndToEndV2(t *testing.T) {
	t.Parallel()
	for name, login := range logins {
		for _, query := range []bool{false, true} {
			t.Run(name+map[bool]string{false: "/form", true: "/query"}[query], func(t *testing.T) {
				t.Parallel()
				srv := endusertest.NewServer(t)
				var opts []enduser.Option
				if query {
					opts = append(opts, enduser.WithQueryParams())
				}
				c := newClient(t, srv.Config(), opts...)

				tok, err := login(c, "1")
				require.NoError(t, err)
				assert.True(t, strings.HasPrefix(tok.AccessToken, "Bearer "))
				assert.True(t, tok.Valid())
				assert.WithinDuration(t, time.Now().Add(2*time.Hour), tok.Expiry, 5*time.Second)

				info, err := c.UserInfo(bg, tok)
				require.NoError(t, err)
				assert.NotEmpty(t, info.UID)
				assert.Equal(t, "Emulated User", info.Nickname)

				fresh, err := c.RefreshToken(bg, tok.RefreshToken)
				require.NoError(t, err)
				assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
				_, err = c.RefreshToken(bg, tok.RefreshToken)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "refresh tokens rotate")

				require.NoError(t, c.Logout(bg, fresh, "device-1"))
				_, err = c.UserInfo(bg, fresh)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "a logged-out token is rejected")

				reqs := srv.Requests()
				require.NotEmpty(t, reqs)
				assert.Equal(t, name, reqs[0].Endpoint)
				assert.Equal(t, srv.Config().UserDomain, reqs[0].Params.Get("userDomain"))
				if query {
					assert.Empty(t, reqs[0].Form)
				} else {
					assert.Empty(t, reqs[0].Query)
				}
			})
		}
	}
}

func TestEmulatorRejectsWhatTheServerRejects(t *testing.T) {
	t.Parallel()
	post := func(t *testing.T, srv *endusertest.Server, endpoint string, form url.Values) int {
		t.Helper()
		resp, err := http.PostForm(srv.URL()+"/v2/enduser/enduserapi/"+endpoint, form)
		require.NoError(t, err)
		defer resp.Body.Close()
		var env struct{ Code int }
		require.NoError(t, jsonDecode(resp, &env))
		return env.Code
	}
	cfg := endusertest.NewServer(t).Config()
	signed := func(domain string, fields ...string) url.Values {
		v := url.Values{"userDomain": {domain}, "signature": {enduser.Sign(cfg.UserDomainSecret, fields...)}}
		return v
	}
	tests := []struct {
		name     string
		endpoint string
		form     func() url.Values
		want     int
	}{
		{"missing user domain", "appleAuthLogin", func() url.Values { v := signed("", "t"); v.Set("identityToken", "t"); return v }, 5023},
		{"malformed user domain", "appleAuthLogin", func() url.Values { v := signed("nope", "t"); v.Set("identityToken", "t"); return v }, 5013},
		{"unknown user domain", "appleAuthLogin", func() url.Values { v := signed("E.SP.1", "t"); v.Set("identityToken", "t"); return v }, 5015},
		{"missing identityToken", "appleAuthLogin", func() url.Values { return signed(cfg.UserDomain) }, 5568},
		{"missing oauthToken", "twitterAuthLogin", func() url.Values {
			v := signed(cfg.UserDomain, "a", "", "s")
			v.Set("appId", "a")
			v.Set("oauthTokenSecret", "s")
			return v
		}, 5569},
		{"missing oauthTokenSecret", "twitterAuthLogin", func() url.Values {
			v := signed(cfg.UserDomain, "a", "t")
			v.Set("appId", "a")
			v.Set("oauthToken", "t")
			return v
		}, 5570},
		{"missing appId", "wechatOffiaccountAuthLogin", func() url.Values { v := signed(cfg.UserDomain, "c"); v.Set("code", "c"); return v }, 5218},
		{"missing code", "wechatOffiaccountAuthLogin", func() url.Values { v := signed(cfg.UserDomain, "a"); v.Set("appId", "a"); return v }, 5374},
		{"missing signature", "appleAuthLogin", func() url.Values {
			return url.Values{"userDomain": {cfg.UserDomain}, "identityToken": {"t"}}
		}, 5550},
		{"bad signature", "appleAuthLogin", func() url.Values { v := signed(cfg.UserDomain, "other"); v.Set("identityToken", "t"); return v }, 5420},
		{"missing refresh token", "refreshToken", func() url.Values { return url.Values{} }, 5115},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t)
			if tt.endpoint == "refreshToken" {
				req, err := http.NewRequest(http.MethodPut, srv.URL()+"/v2/enduser/enduserapi/refreshToken", http.NoBody)
				require.NoError(t, err)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				var env struct{ Code int }
				require.NoError(t, jsonDecode(resp, &env))
				assert.Equal(t, tt.want, env.Code)
				return
			}
			assert.Equal(t, tt.want, post(t, srv, tt.endpoint, tt.form()))
		})
	}
}

func TestEmulatorWrongSecretIsSignatureInvalid(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	cfg := srv.Config()
	cfg.UserDomainSecret = "wrong"
	c := newClient(t, cfg)
	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
	assert.ErrorIs(t, err, enduser.ErrSignatureInvalid)
}

func TestEmulatorCodesAreSingleUse(t *testing.T) {
	t.Parallel()
	c := newClient(t, endusertest.NewServer(t).Config())
	_, err := c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "once"})
	require.NoError(t, err)
	_, err = c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "once"})
	assert.ErrorIs(t, err, enduser.ErrOpenIDFetch)
}

func TestEmulatorGenAuth(t *testing.T) {
	t.Parallel()
	for _, method := range []enduser.ClientAuthMethod{enduser.AuthNone, enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		t.Run(method.String(), func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t, endusertest.WithGenAuthApp("app-1", "app-secret-1", method))
			c := newClient(t, srv.Config())
			tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{
				ExtIdpConnIdentifier: "wechat-conn", Payload: enduser.WechatPayload{Code: "c"},
				Options: &enduser.MobileSignInOptions{Scope: "openid offline_access"},
			})
			require.NoError(t, err)
			assert.NotEmpty(t, tok.AccessToken)
			assert.NotEmpty(t, tok.RefreshToken)
			assert.Equal(t, "openid offline_access", tok.Scope)
			assert.Equal(t, "app-1", srv.Requests()[0].Header.Get("x-authing-app-id"))

			if method == enduser.AuthNone {
				return
			}
			bad := srv.Config()
			bad.GenAuth.AppSecret = "wrong"
			_, err = newClient(t, bad).SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 401, apiErr.Code, "wrong client secret")
		})
	}
}

func TestEmulatorGenAuthRejections(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	post := func(appID, body string) (status, apiCode int) {
		req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v3/signin-by-mobile", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-authing-app-id", appID)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, "GenAuth answers HTTP 200 for everything")
		var env struct{ StatusCode, APICode int }
		require.NoError(t, jsonDecode(resp, &env))
		return env.StatusCode, env.APICode
	}
	app := srv.Config().GenAuth.AppID
	s, a := post("wrong-app", `{"extIdpConnidentifier":"x","connection":"wechat","wechatPayload":{"code":"c"}}`)
	assert.Equal(t, [2]int{400, 2011}, [2]int{s, a}, "wrong app id")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"wechat","applePayload":{"code":"c"}}`)
	assert.Equal(t, 400, s, "payload does not match the connection")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"wechat","wechatPayload":{"code":"c"},"applePayload":{"code":"c"}}`)
	assert.Equal(t, 400, s, "a second payload")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"wechat","wechatPayload":{"code":""}}`)
	assert.Equal(t, 400, s, "empty credential")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"baidu","baiduPayload":{"access_token":"t"}}`)
	assert.Equal(t, 200, s, "baidu accepts an access token instead of a code")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"wechat_mini_program_code_and_phone","wechatMiniProgramCodeAndPhonePayload":{"wxLoginInfo":{"code":"l"}}}`)
	assert.Equal(t, 400, s, "nested required field")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"facebook","facebookPayload":{"acess_token":"t","access_token":"t"}}`)
	assert.Equal(t, 400, s, "a field the connection's table does not have")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"dingtalk","dingTalkPayload":{"code":"c","isSnsCode":"yes"}}`)
	assert.Equal(t, 400, s, "a bool sent as a string")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"dingtalk","dingTalkPayload":{"code":"c2","isSnsCode":true}}`)
	assert.Equal(t, 200, s)
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"wechat_mini_program_code_and_phone","wechatMiniProgramCodeAndPhonePayload":{"wxLoginInfo":{"code":"l","extra":"x"},"wxPhoneInfo":{"code":"p"}}}`)
	assert.Equal(t, 400, s, "an unknown nested field")
	s, _ = post(app, `{"extIdpConnidentifier":"x","connection":"douyin_mini_program_code_and_phone","douyinMiniProgramCodeAndPhonePayload":{"loginParams":{"code":"d"},"phoneParams":{"iv":"i"}}}`)
	assert.Equal(t, 200, s, "the table's newest connection")
}

func TestEmulatorFaults(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	login := func() error {
		_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
		return err
	}
	srv.Inject("appleAuthLogin", endusertest.FailCode(5104), endusertest.GatewayHTML(502), endusertest.DropConnection(), endusertest.HTTPStatus(429, "1"))
	assert.ErrorIs(t, login(), enduser.ErrUserDomainDisabled)
	assert.ErrorIs(t, login(), enduser.ErrUnexpectedResponse)
	err := login()
	require.Error(t, err)
	assert.NotErrorIs(t, err, enduser.ErrUnexpectedResponse, "a dropped connection is a transport error")
	assert.ErrorIs(t, login(), enduser.ErrRateLimited)
	assert.NoError(t, login(), "faults are used up in order")
	assert.Equal(t, 5, srv.Count("appleAuthLogin"))

	srv.Inject(enduser.OpSignInByMobile, endusertest.FailAPICode(403, 2005))
	_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.GooglePayload{Code: "g"}})
	assert.ErrorIs(t, err, enduser.ErrGenAuthUserLocked)
}

func TestEmulatorDelayHonoursClientDeadline(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), enduser.WithTimeout(100*time.Millisecond))
	srv.Inject("appleAuthLogin", endusertest.Delay(time.Minute))
	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestEmulatorUnderConcurrentClients(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	const clients, calls = 64, 10
	var wg sync.WaitGroup
	errs := make(chan error, clients*calls)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := enduser.NewClient(srv.Config())
			if err != nil {
				errs <- err
				return
			}
			defer c.CloseIdleConnections()
			for j := range calls {
				u := string(rune('a'+i%26)) + "-" + time.Now().Format("150405.000000000") + "-" + string(rune('a'+j))
				if _, err := logins["wechatOffiaccountAuthLogin"](c, u); err != nil {
					errs <- err
				}
				if _, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.GithubPayload{Code: u}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, clients*calls, srv.Count("wechatOffiaccountAuthLogin"))
}
