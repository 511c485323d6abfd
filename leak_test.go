package enduser_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/internal/hostile"
)

// TestNoSecretLeaks runs every call of both families against the emulator,
// successful and forced to fail in every way, with a debug logger capturing
// everything, and greps the logs, the errors and the fmt and slog output of
// every value involved for every secret and credential.
func TestNoSecretLeaks(t *testing.T) {
	const (
		udSecret  = "LEAK-ud-secret-0001"
		appSecret = "LEAK-app-secret-0002"
		carrier   = "LEAK-carrier-secret-0003"
	)
	for _, method := range []enduser.ClientAuthMethod{enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		for _, query := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/query=%v", method, query), func(t *testing.T) {
				srv := endusertest.NewServer(t, endusertest.WithUserDomain("E.SP.7", udSecret),
					endusertest.WithGenAuthApp("leak-app-id", appSecret, method), endusertest.WithCarrierApp("leak-carrier-app", carrier))
				var logs logBuffer
				opts := []enduser.Option{enduser.WithLogger(logs.Logger()), fastRetry}
				if query {
					opts = append(opts, enduser.WithQueryParams())
				}
				c, err := enduser.NewClient(srv.Config(), opts...)
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)

				secrets := []string{udSecret, appSecret, carrier, base64.StdEncoding.EncodeToString([]byte("leak-app-id:" + appSecret))}
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
					qq := enduser.QQLoginRequest{AccessToken: cred("qqat")}
					ph := enduser.PhoneOneTapLoginRequest{AppID: "leak-carrier-app", AppSecret: carrier, Token: cred("carriertoken"), Version: "2.0"}
					payload := enduser.WechatMiniProgramCodeAndPhonePayload{
						WxLoginInfo: enduser.WechatMiniProgramCodePayload{Code: cred("lc"), EncryptedData: cred("ed"), IV: cred("iv")},
						WxPhoneInfo: enduser.WechatMiniProgramPhoneInfo{Code: cred("pc")},
					}
					mreq := enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn", Payload: payload,
						Options: &enduser.MobileSignInOptions{Scope: "openid offline_access", CustomData: map[string]any{"k": cred("custom")}}}
					secrets = append(secrets, enduser.Sign(udSecret, tw.AppID, tw.OAuthToken, tw.OAuthTokenSecret),
						enduser.Sign(udSecret, ap.IdentityToken), enduser.Sign(udSecret, wx.AppID, wx.Code), enduser.Sign(udSecret, qq.AccessToken))
					printed = append(printed, tw, ap, wx, fb, al, mp, qq, ph, payload, payload.WxLoginInfo, payload.WxPhoneInfo, mreq)

					for ep, call := range map[string]func() (*enduser.Token, error){
						"twitterAuthLogin":           func() (*enduser.Token, error) { return c.TwitterLogin(bg, tw) },
						"appleAuthLogin":             func() (*enduser.Token, error) { return c.AppleLogin(bg, ap) },
						"wechatOffiaccountAuthLogin": func() (*enduser.Token, error) { return c.WechatOfficialAccountLogin(bg, wx) },
						"facebookAuthLogin":          func() (*enduser.Token, error) { return c.FacebookLogin(bg, fb) },
						"alipayAuthLogin":            func() (*enduser.Token, error) { return c.AlipayLogin(bg, al) },
						"wechatMiniprogramAuthLogin": func() (*enduser.Token, error) { return c.WechatMiniProgramLogin(bg, mp) },
						enduser.OpQQLogin:            func() (*enduser.Token, error) { return c.QQLogin(bg, qq) },
						enduser.OpPhoneOneTapLogin:   func() (*enduser.Token, error) { return c.PhoneOneTapLogin(bg, ph) },
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

// hostileMode is how the hostile server of TestNoSecretLeaksHostile answers.
type hostileMode int

const (
	echoEnvelope    hostileMode = iota // a failure that echoes every credential in every text field and encoding
	echoHTML                           // a 502 page (and content type) that does the same
	cutToken                           // a success cut off in the middle of a token
	oversized                          // a success over the body limit, tokens inside
	undecodable                        // a success with tokens and one field that does not decode
	echoEncoded                        // a failure that echoes every credential in one of echoEncodings, in turn
	echoEncodedHTML                    // a 502 page (and content type) that does the same
)

// hostileServer answers every call of both families as mode says, and
// records every credential it was sent and every token it issued.
type hostileServer struct {
	mode    hostileMode
	mu      sync.Mutex
	secrets []string
	n       int
	echoes  *atomic.Int64 // answers of the echoEncoded modes so far, shared by the subtests: picks the encoding
}

func (h *hostileServer) remember(s ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, v := range s {
		if v != "" {
			h.secrets = append(h.secrets, v)
		}
	}
}

func (h *hostileServer) issue(kind string) string {
	h.mu.Lock()
	h.n++
	tok := fmt.Sprintf("ISSUED-%s-%06d-eyJhbGciOiJSUzI1NiJ9", kind, h.n)
	h.mu.Unlock()
	h.remember(tok)
	return tok
}

func allEncodings(s string) string {
	j, _ := json.Marshal(s)
	return strings.Join([]string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1]),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}, " | ")
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	creds := hostile.Credentials(r, body)
	h.remember(creds...)
	var echo strings.Builder
	for _, c := range creds {
		echo.WriteString(allEncodings(c) + " ; ")
	}
	e := echo.String()
	e2 := "" // the second halves, for a field of their own
	if h.mode == echoEncoded || h.mode == echoEncodedHTML {
		enc := hostile.Encodings[int(h.echoes.Add(1)-1)%len(hostile.Encodings)]
		var first, second []string
		for _, c := range creds {
			f, sec, _ := strings.Cut(enc.Encode(c), hostile.HalfSplit)
			first, second = append(first, f), append(second, sec)
		}
		e, e2 = "denied "+strings.Join(first, " ; "), strings.Join(second, " ; ")+" ;"
	}
	v2 := strings.HasPrefix(r.URL.Path, "/v2/")
	oidc := strings.HasPrefix(r.URL.Path, "/oidc/")
	w.Header().Set("Content-Type", "application/json")
	js := func(s string) string { j, _ := json.Marshal(s); return string(j) }
	switch h.mode {
	case echoEncoded:
		switch {
		case v2:
			fmt.Fprintf(w, `{"code":5000,"msg":%s,"extMsg":%s,"data":null}`, js(e), js(e2))
		case oidc:
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":%s,"error_description":%s}`, js(e2), js(e))
		default:
			fmt.Fprintf(w, `{"statusCode":400,"message":%s,"apiCode":2011,"requestId":%s}`, js(e), js(e2))
		}
		return
	case echoEncodedHTML:
		w.Header().Set("Content-Type", "text/html; echo="+url.QueryEscape(e2))
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<html><body>"+e+"</body></html>")
		return
	case echoEnvelope:
		switch {
		case v2:
			fmt.Fprintf(w, `{"code":5000,"msg":%s,"extMsg":%s,"data":null}`, js(e), js(e))
		case oidc:
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":%s,"error_description":%s}`, js(e), js(e))
		default:
			fmt.Fprintf(w, `{"statusCode":400,"message":%s,"apiCode":%s,"requestId":%s,"data":{"mfaToken":%s}}`, js(e), js(e), js(e), js(e))
		}
		return
	case echoHTML:
		w.Header().Set("Content-Type", "text/html; echo="+strings.NewReplacer("\r", "", "\n", "").Replace(e))
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<html><body>"+e+"</body></html>")
		return
	}
	at, rt, id := h.issue("AT"), h.issue("RT"), h.issue("ID")
	fill := strings.NewReplacer("{AT}", at, "{RT}", rt, "{ID}", id).Replace
	var ok string
	switch {
	case v2:
		ok = fill(`{"code":200,"msg":"issued {AT}","data":{"accessToken":{"token":"Bearer {AT}","expirationTime":4102444800},"refreshToken":{"token":"{RT}","expirationTime":4102444800},"uid":"u-1"}}`)
	case oidc:
		ok = fill(`{"access_token":"{AT}","refresh_token":"{RT}","id_token":"{ID}","expires_in":3600,"token_type":"Bearer","sub":"{AT}","active":true}`)
	default:
		ok = fill(`{"statusCode":200,"message":"issued {AT}","data":{"access_token":"{AT}","refresh_token":"{RT}","id_token":"{ID}","expire_in":3600}}`)
	}
	switch h.mode {
	case cutToken:
		i := strings.Index(ok, rt) + len(rt)/2
		_, _ = io.WriteString(w, ok[:i])
	case oversized:
		_, _ = io.WriteString(w, strings.Replace(ok, `"issued `, `"`+strings.Repeat("p", 300)+` issued `, 1)+strings.Repeat(" ", 4096))
	case undecodable:
		ok = strings.Replace(ok, "4102444800}", `"soon"}`, 1)
		ok = strings.Replace(ok, `"expires_in":3600`, `"expires_in":{}`, 1)
		ok = strings.Replace(ok, `"expire_in":3600`, `"expire_in":{}`, 1)
		_, _ = io.WriteString(w, strings.Replace(ok, `"active":true`, `"active":"maybe"`, 1))
	}
}

// TestNoSecretLeaksHostile runs every call of both families against a
// server that echoes every credential it receives in every text field and
// encoding, cuts successes mid-token, exceeds the body limit and sends
// undecodable successes; it greps every error, log record and rendering of
// the client, a token source and a nested Config for every secret and every
// token the server issued.
func TestNoSecretLeaksHostile(t *testing.T) {
	const (
		udSecret  = "HOSTILE-ud-secret-0001"
		appSecret = "HOSTILE-app-secret/0002+x"
		appID     = "hostile-app"
	)
	modes := map[string]hostileMode{"echo envelope": echoEnvelope, "echo html": echoHTML, "cut": cutToken, "oversized": oversized,
		"undecodable": undecodable, "echo encoded": echoEncoded, "echo encoded html": echoEncodedHTML}
	var echoes atomic.Int64
	var ruleOff struct {
		sync.Mutex
		hits map[string]bool // the encodings found in the fields that hold server text
		ran  bool            // an echoEncoded mode ran
	}
	ruleOff.hits = map[string]bool{}
	t.Cleanup(func() {
		// The rule switched off: had Error, the log or the Hook printed the
		// fields that keep the server's text (as they once did), the
		// detector above would have found the encodings no scrubber
		// recognises in them.
		if !ruleOff.ran {
			return // filtered out with -run
		}
		for _, name := range []string{"hex", "HEX", "base32", "reversed", "quoted-printable", "base64 of base64", "&#37;-escaped percent signs"} {
			assert.True(t, ruleOff.hits[name], "%s: the server's text would have leaked through the data fields", name)
		}
	})
	for name, mode := range modes {
		for _, method := range []enduser.ClientAuthMethod{enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
			for _, query := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%v/query=%v", name, method, query), func(t *testing.T) {
					t.Parallel()
					h := &hostileServer{mode: mode, echoes: &echoes}
					srv := httptest.NewServer(h)
					t.Cleanup(srv.Close)
					var logs logBuffer
					hook := &recHook{}
					limit := int64(512)
					if mode == echoEncoded || mode == echoEncodedHTML {
						limit = enduser.DefaultResponseBodyLimit
					}
					opts := []enduser.Option{enduser.WithLogger(logs.Logger()), enduser.WithHook(hook), fastRetry, enduser.WithResponseBodyLimit(limit)}
					if query {
						opts = append(opts, enduser.WithQueryParams())
					}
					cfg := enduser.Config{BaseURL: srv.URL, UserDomain: "E.SP.7", UserDomainSecret: udSecret,
						GenAuth: enduser.GenAuthConfig{Host: srv.URL, AppID: appID, AppSecret: appSecret, AuthMethod: method}}
					c, err := enduser.NewClient(cfg, opts...)
					require.NoError(t, err)
					t.Cleanup(c.CloseIdleConnections)
					secrets := []string{udSecret, appSecret, base64.StdEncoding.EncodeToString([]byte(appID + ":" + appSecret))}

					v2Tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer HOSTILE-v2-access-0003", RefreshToken: "HOSTILE-v2-refresh-0004"}
					gaTok := &enduser.Token{Family: enduser.FamilyGenAuth, AccessToken: "HOSTILE-ga-access-0005", TokenType: "Bearer",
						RefreshToken: "HOSTILE-ga-refresh-0006", IDToken: "HOSTILE-ga-id-0007"}
					secrets = append(secrets, v2Tok.AccessToken, v2Tok.RefreshToken, gaTok.AccessToken, gaTok.RefreshToken, gaTok.IDToken)
					var errs []error
					add := func(_ any, err error) { errs = append(errs, err) }
					add(c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: "HOSTILE-ot-0008", OAuthTokenSecret: "HOSTILE-ots/0009 +&"}))
					add(c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "HOSTILE.idt.0010"}))
					add(c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "HOSTILE-wx-0011"}))
					add(c.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "HOSTILE-fb-0012"}))
					add(c.AlipayLogin(bg, enduser.AlipayLoginRequest{AppID: "al", AuthCode: "HOSTILE-al-0013"}))
					add(c.WechatMiniProgramLogin(bg, enduser.WechatMiniProgramLoginRequest{AppID: "mp", JSCode: "HOSTILE-mp-0014"}))
					add(c.RefreshToken(bg, "HOSTILE-rt-0015"))
					add(c.Refresh(bg, v2Tok))
					add(c.UserInfo(bg, v2Tok))
					add(nil, c.Logout(bg, v2Tok, "device-1"))
					add(c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn",
						Payload: enduser.LinePayload{AccessToken: "HOSTILE-line-0016", IDToken: "HOSTILE-line-id-0017"}}))
					add(c.Refresh(bg, gaTok))
					add(c.UserInfo(bg, gaTok))
					add(c.Introspect(bg, gaTok))
					add(nil, c.Logout(bg, gaTok, ""))
					ts := c.TokenSource(v2Tok)
					add(ts.Token(bg))

					var out, fields strings.Builder
					out.WriteString(logs.String())
					text := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
					jsonl := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
					for i, err := range errs {
						if err == nil {
							t.Logf("call %d succeeded", i)
							continue // a call may succeed where the answer carried nothing it needs
						}
						fmt.Fprintf(&out, "%s\n%v %+v %#v %s %q %x %X\n", err.Error(), err, err, err, err, err, err, err)
						fmt.Fprintln(&out, err)
						text.Debug("error", "err", err)
						jsonl.Debug("error", "err", err)
						for _, layer := range unwrapAll(err) {
							fmt.Fprintf(&out, "%v %+v %#v\n", layer, layer, layer)
						}
						var ae *enduser.APIError
						var ue *enduser.UnexpectedResponseError
						switch {
						case errors.As(err, &ae):
							fields.WriteString(ae.Message + " " + ae.ExtMsg + " " + ae.OAuthError + "\n")
						case errors.As(err, &ue):
							fields.WriteString(ue.Excerpt + " " + ue.ContentType + "\n")
						}
					}
					for _, info := range hook.infos() {
						fmt.Fprintf(&out, "%v|%+v|%#v\n", info, info, info)
						text.Debug("hook", "info", info)
						jsonl.Debug("hook", "info", info)
					}
					type holder struct {
						Name   string
						Config enduser.Config
						Client *enduser.Client
						Source *enduser.TokenSource
					}
					for _, v := range []any{c, ts, cfg, holder{"h", cfg, c, ts}, &holder{"h", cfg, c, ts}} {
						fmt.Fprintf(&out, "%v|%+v|%#v|%s|%q|%d|%x\n", v, v, v, v, v, v, v)
						fmt.Fprint(&out, v, "\n")
						fmt.Fprintln(&out, v)
						text.Debug("value", "v", v)
						jsonl.Debug("value", "v", v)
						j, err := json.Marshal(v)
						if err == nil {
							out.Write(j)
						}
					}
					func() {
						defer func() { fmt.Fprint(&out, recover()) }()
						panic(c)
					}()
					all := out.String()
					h.mu.Lock()
					secrets = append(secrets, h.secrets...)
					h.mu.Unlock()
					require.Greater(t, len(secrets), 20, "the server saw the credentials")
					for _, leak := range hostile.Leaks(all, secrets) {
						t.Errorf("leaked: %s", leak)
					}
					ruleOff.Lock()
					ruleOff.ran = ruleOff.ran || mode == echoEncoded || mode == echoEncodedHTML
					for _, leak := range hostile.Leaks(fields.String(), secrets) {
						ruleOff.hits[strings.SplitN(leak, " ~ ", 2)[0]] = true
					}
					ruleOff.Unlock()
					for _, s := range secrets {
						for _, form := range strings.Split(allEncodings(s), " | ") {
							if len(form) >= 8 && strings.Contains(all, form) {
								t.Errorf("secret %q leaked as %q", s, form)
							}
						}
						if strings.HasPrefix(s, "ISSUED-") && strings.Contains(all, s[:20]) {
							t.Errorf("part of issued token %q leaked", s)
						}
					}
				})
			}
		}
	}
}

// TestNoSecretInASuccessRequestID: a hostile GenAuth server answers a
// sign-in with success and puts the credentials it was sent (and the
// configured app secret) in requestId, in several encodings. The request id
// reaches the debug log and the Hook's AttemptInfo only when it has the
// shape of an id and holds no secret; a plain one is kept.
func TestNoSecretInASuccessRequestID(t *testing.T) {
	t.Parallel()
	const (
		appSecret = "SUCCESS-app-secret-0001"
		lineAT    = "SUCCESS-line-access-0002"
		lineID    = "SUCCESS.line.id/0003"
	)
	ids := []string{
		"req " + lineAT + " " + url.QueryEscape(lineID) + " " + base64.StdEncoding.EncodeToString([]byte(appSecret)) + `\r\ninjected`,
		"req-" + lineAT, // the shape of an id, a secret inside
		"req-0123-abcd", // a request id
	}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := ids[int(n.Add(1)-1)%len(ids)]
		_, _ = io.WriteString(w, `{"statusCode":200,"requestId":"`+id+`","data":{"access_token":"AT-0123456789","expire_in":3600}}`)
	}))
	t.Cleanup(srv.Close)
	var logs logBuffer
	h := &recHook{}
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: srv.URL, AppID: "app", AppSecret: appSecret}},
		enduser.WithLogger(logs.Logger()), enduser.WithHook(h))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	for range ids {
		_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn",
			Payload: enduser.LinePayload{AccessToken: lineAT, IDToken: lineID}})
		require.NoError(t, err)
	}
	attempts := h.Attempts()
	require.Len(t, attempts, len(ids))
	all := logs.String()
	for _, a := range attempts {
		all += "\n" + a.RequestID
	}
	assert.Contains(t, all, ids[len(ids)-1], "a request id is kept")
	for _, s := range []string{appSecret, lineAT, lineID} {
		for _, form := range strings.Split(allEncodings(s), " | ") {
			assert.NotContains(t, all, form, "secret %q", s)
		}
	}
	assert.NotContains(t, all, "injected", "printable ASCII only")
}
