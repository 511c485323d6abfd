package enduser_test

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// TestNoSecretLeaks runs every call of both families against the emulator,
// successful and forced to fail in every way, with a debug logger capturing
// everything, and greps the logs, the errors and the fmt and slog output of
// every value involved for every secret and credential.
func TestNoSecretLeaks(t *testing.T) {
	const (
		udSecret  = "LEAK-ud-secret-0001"
		appSecret = "LEAK-app-secret-0002"
	)
	for _, method := range []enduser.ClientAuthMethod{enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		for _, query := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/query=%v", method, query), func(t *testing.T) {
				srv := endusertest.NewServer(t, endusertest.WithUserDomain("E.SP.7", udSecret),
					endusertest.WithGenAuthApp("leak-app-id", appSecret, method))
				var logs logBuffer
				opts := []enduser.Option{enduser.WithLogger(logs.Logger()), fastRetry}
				if query {
					opts = append(opts, enduser.WithQueryParams())
				}
				c, err := enduser.NewClient(srv.Config(), opts...)
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)

				secrets := []string{udSecret, appSecret, base64.StdEncoding.EncodeToString([]byte("leak-app-id:" + appSecret))}
				var printed []any
				var errs []error
				n := 0
				cred := func(kind string) string {
					n++
					s := fmt.Sprintf("LEAK-%s-%04d", kind, n)
					secrets = append(secrets, s)
					return s
				}
				faults := []endusertest.Fault{
					{}, // none: success
					endusertest.FailCode(5420), endusertest.GatewayHTML(502),
					endusertest.HTTPStatus(429, "0"), endusertest.DropConnection(),
				}
				for _, fault := range faults {
					inject := func(ep string) {
						if fault != (endusertest.Fault{}) {
							srv.Inject(ep, fault, fault, fault)
						}
					}
					tw := enduser.TwitterLoginRequest{AppID: "tw-app", OAuthToken: cred("ot"), OAuthTokenSecret: cred("ots"), MCC: 262}
					ap := enduser.AppleLoginRequest{IdentityToken: cred("idt")}
					wx := enduser.WechatOfficialAccountLoginRequest{AppID: "wx-app", Code: cred("wxcode")}
					fb := enduser.FacebookLoginRequest{AppID: "fb-app", Code: cred("fbcode")}
					al := enduser.AlipayLoginRequest{AppID: "al-app", AuthCode: cred("alcode")}
					mp := enduser.WechatMiniProgramLoginRequest{AppID: "mp-app", JSCode: cred("jscode")}
					payload := enduser.WechatMiniProgramCodeAndPhonePayload{
						WxLoginInfo: enduser.WechatMiniProgramCodePayload{Code: cred("lc"), EncryptedData: cred("ed"), IV: cred("iv")},
						WxPhoneInfo: enduser.WechatMiniProgramPhoneInfo{Code: cred("pc")},
					}
					mreq := enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn", Payload: payload,
						Options: &enduser.MobileSignInOptions{Scope: "openid offline_access", CustomData: map[string]any{"k": cred("custom")}}}
					secrets = append(secrets, enduser.Sign(udSecret, tw.AppID, tw.OAuthToken, tw.OAuthTokenSecret),
						enduser.Sign(udSecret, ap.IdentityToken), enduser.Sign(udSecret, wx.AppID, wx.Code))
					printed = append(printed, tw, ap, wx, fb, al, mp, payload, payload.WxLoginInfo, payload.WxPhoneInfo, mreq)

					for ep, call := range map[string]func() (*enduser.Token, error){
						"twitterAuthLogin":           func() (*enduser.Token, error) { return c.TwitterLogin(bg, tw) },
						"appleAuthLogin":             func() (*enduser.Token, error) { return c.AppleLogin(bg, ap) },
						"wechatOffiaccountAuthLogin": func() (*enduser.Token, error) { return c.WechatOfficialAccountLogin(bg, wx) },
						"facebookAuthLogin":          func() (*enduser.Token, error) { return c.FacebookLogin(bg, fb) },
						"alipayAuthLogin":            func() (*enduser.Token, error) { return c.AlipayLogin(bg, al) },
						"wechatMiniprogramAuthLogin": func() (*enduser.Token, error) { return c.WechatMiniProgramLogin(bg, mp) },
						enduser.OpSignInByMobile:     func() (*enduser.Token, error) { return c.SignInByMobile(bg, mreq) },
					} {
						inject(ep)
						tok, err := call()
						errs = append(errs, err)
						if tok == nil {
							continue
						}
						secrets = append(secrets, tok.AccessToken, strings.TrimPrefix(tok.AccessToken, "Bearer "), tok.RefreshToken, tok.IDToken)
						printed = append(printed, tok, *tok)
						if ep == enduser.OpSignInByMobile {
							continue
						}
						inject("userInfo")
						_, err = c.UserInfo(bg, tok)
						errs = append(errs, err)
						inject("refreshToken")
						fresh, err := c.RefreshToken(bg, tok.RefreshToken)
						errs = append(errs, err)
						if fresh != nil {
							secrets = append(secrets, fresh.AccessToken, fresh.RefreshToken)
							printed = append(printed, fresh)
							inject("userLogout")
							errs = append(errs, c.Logout(bg, fresh, "device-1"))
						}
					}
				}
				printed = append(printed, srv.Config(), srv.Config().GenAuth)

				var out strings.Builder
				out.WriteString(logs.String())
				for _, err := range errs {
					if err != nil {
						out.WriteString(err.Error() + "\n")
						fmt.Fprintf(&out, "%v %+v %#v %s\n", err, err, err, err)
					}
				}
				text := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
				jsonl := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
				for _, v := range printed {
					fmt.Fprintf(&out, "%v|%+v|%#v|%s|%q\n", v, v, v, v, v)
					fmt.Fprint(&out, v, "\n")
					text.Debug("value", "v", v)
					jsonl.Debug("value", "v", v)
				}
				all := out.String()
				require.NotEmpty(t, logs.String(), "the debug logger saw the calls")
				assert.Contains(t, all, "[redacted]")
				for _, s := range secrets {
					if s != "" && strings.Contains(all, s) {
						t.Errorf("secret %q leaked", s)
					}
				}
			})
		}
	}
}
