package enduser_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// The examples run against the endusertest emulator with a fixed clock, so
// their output is checked by go test.

func fixedNow() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// start returns an emulator and a client for it; stop closes both.
func start(opts ...endusertest.Option) (srv *endusertest.Server, client *enduser.Client, stop func()) {
	srv, err := endusertest.Start(append([]endusertest.Option{endusertest.WithClock(fixedNow)}, opts...)...)
	if err != nil {
		panic(err)
	}
	client, err = enduser.NewClient(srv.Config(), enduser.WithClock(fixedNow))
	if err != nil {
		panic(err)
	}
	return srv, client, func() { client.CloseIdleConnections(); srv.Close() }
}

func ExampleNewClient() {
	client, err := enduser.NewClient(enduser.Config{
		BaseURL:          "https://iot-api.acceleronix.io", // Europe; China: https://iot-api.quectelcn.com
		UserDomain:       "E.SP.4294967410",
		UserDomainSecret: "the-user-domain-secret",
	}, enduser.WithTimeout(10*time.Second))
	fmt.Println(client != nil, err)

	_, err = enduser.NewClient(enduser.Config{BaseURL: "http://iot-api.acceleronix.io", UserDomain: "E.SP.1", UserDomainSecret: "s"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// enduser: invalid config: BaseURL uses plain http to a non-loopback host (use https, or WithInsecureHTTP)
}

func ExampleClient_TwitterLogin() {
	_, client, stop := start()
	defer stop()
	tok, err := client.TwitterLogin(context.Background(), enduser.TwitterLoginRequest{
		AppID: "twitter-app-id", OAuthToken: "oauth-token", OAuthTokenSecret: "oauth-token-secret",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.TokenType, tok.Expiry.UTC(), tok.RefreshExpiry.UTC())
	// Output: Bearer 2026-01-01 02:00:00 +0000 UTC 2026-01-31 00:00:00 +0000 UTC
}

func ExampleClient_AppleLogin() {
	_, client, stop := start()
	defer stop()
	tok, err := client.AppleLogin(context.Background(), enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(tok.AuthorizationHeader(), "Bearer "), tok.Expiry.UTC())
	// Output: true 2026-01-01 02:00:00 +0000 UTC
}

func ExampleClient_WechatOfficialAccountLogin() {
	_, client, stop := start()
	defer stop()
	req := enduser.WechatOfficialAccountLoginRequest{AppID: "wx0123456789abcdef", Code: "single-use-code", MCC: 460}
	_, err := client.WechatOfficialAccountLogin(context.Background(), req)
	fmt.Println(err)
	_, err = client.WechatOfficialAccountLogin(context.Background(), req) // codes are single-use
	fmt.Println(errors.Is(err, enduser.ErrOpenIDFetch))
	// Output:
	// <nil>
	// true
}

func ExampleClient_FacebookLogin() {
	_, client, stop := start()
	defer stop()
	tok, err := client.FacebookLogin(context.Background(), enduser.FacebookLoginRequest{AppID: "fb-app", Code: "facebook-code"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.TokenType, tok.Expiry.UTC())
	// Output: Bearer 2026-01-01 02:00:00 +0000 UTC
}

func ExampleClient_AlipayLogin() {
	_, client, stop := start()
	defer stop()
	_, err := client.AlipayLogin(context.Background(), enduser.AlipayLoginRequest{AppID: "2021000000000001"})
	fmt.Println(err)
	// Output: enduser: alipayAuthLogin: authCode is empty (code 5354)
}

func ExampleClient_WechatMiniProgramLogin() {
	_, client, stop := start()
	defer stop()
	tok, err := client.WechatMiniProgramLogin(context.Background(), enduser.WechatMiniProgramLoginRequest{AppID: "wx-mini", JSCode: "js-code"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok)
	// Output: enduser.Token{Family:v2 TokenType:Bearer AccessToken:[redacted] Expiry:2026-01-01T02:00:00Z RefreshToken:[redacted] RefreshExpiry:2026-01-31T00:00:00Z IDToken:none}
}

func ExampleClient_RefreshToken() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, _ := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	fresh, err := client.RefreshToken(ctx, tok.RefreshToken)
	fmt.Println(fresh.AccessToken != tok.AccessToken, err)
	_, err = client.RefreshToken(ctx, tok.RefreshToken) // refresh tokens rotate
	fmt.Println(errors.Is(err, enduser.ErrTokenInvalid))
	// Output:
	// true <nil>
	// true
}

func ExampleClient_TokenSource() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, _ := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})

	ts := client.TokenSource(tok, enduser.WithExpiryLeeway(time.Minute),
		enduser.WithTokenSaver(func(_ context.Context, t *enduser.Token) error {
			fmt.Println("saved a new token expiring", t.Expiry.UTC())
			return nil
		}))
	current, err := ts.Token(ctx) // still valid: no request
	fmt.Println(current == tok, err)
	// Output: true <nil>
}

func ExampleClient_UserInfo() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, _ := client.TwitterLogin(ctx, enduser.TwitterLoginRequest{AppID: "a", OAuthToken: "t", OAuthTokenSecret: "s"})
	info, err := client.UserInfo(ctx, tok)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Nickname, info.Status, info.TwitterUserID != "")
	// Output: Emulated User 1 true
}

func ExampleClient_Logout() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, _ := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	fmt.Println(client.Logout(ctx, tok, "device-42"))
	_, err := client.UserInfo(ctx, tok)
	fmt.Println(errors.Is(err, enduser.ErrTokenInvalid))
	// Output:
	// <nil>
	// true
}

func ExampleClient_SignInByMobile() {
	_, client, stop := start()
	defer stop()
	tok, err := client.SignInByMobile(context.Background(), enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "wechat-mobile",
		Payload:              enduser.WechatPayload{Code: "code-from-the-wechat-sdk"},
		Options:              &enduser.MobileSignInOptions{Scope: "openid profile offline_access"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.Scope, tok.Expiry.UTC(), tok.RefreshToken != "")
	// Output: openid profile offline_access 2026-01-01 02:00:00 +0000 UTC true
}

func ExampleClient_SignInByMobile_clientSecretPost() {
	_, client, stop := start(endusertest.WithGenAuthApp("app-id", "app-secret", enduser.AuthClientSecretPost))
	defer stop()
	// The emulator's Config sets GenAuth.AuthMethod = AuthClientSecretPost and
	// the app secret: client_id and client_secret travel in the JSON body.
	_, err := client.SignInByMobile(context.Background(), enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "google-mobile", Payload: enduser.GooglePayload{Code: "google-code"},
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleClient_SignInByMobile_clientSecretBasic() {
	srv, _, stop := start(endusertest.WithGenAuthApp("app-id", "app-secret", enduser.AuthClientSecretBasic))
	defer stop()
	cfg := srv.Config()
	fmt.Println(cfg.GenAuth.AuthMethod)
	cfg.GenAuth.AppSecret = "a-wrong-secret"
	client, _ := enduser.NewClient(cfg)
	defer client.CloseIdleConnections()
	_, err := client.SignInByMobile(context.Background(), enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "line-mobile", Payload: enduser.LinePayload{AccessToken: "line-access-token"},
	})
	var apiErr *enduser.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.Code)
	// Output:
	// client_secret_basic
	// true 401
}

func ExampleSign() {
	fmt.Println(enduser.Sign("57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", "13800138000", "3", "76a6L647F02CAoN9", "1744773894369"))
	// Output: adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891
}

func ExampleAPIError() {
	srv, client, stop := start()
	defer stop()
	srv.Inject("appleAuthLogin", endusertest.FailCode(5015))

	_, err := client.AppleLogin(context.Background(), enduser.AppleLoginRequest{IdentityToken: "t0k3n"})
	switch {
	case errors.Is(err, enduser.ErrUserDomainNotFound):
		fmt.Println("wrong user domain for this data center")
	case errors.Is(err, enduser.ErrInvalidRequest):
		fmt.Println("fix the request")
	}
	var apiErr *enduser.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Op, apiErr.Code)
	}
	var code enduser.Code
	if errors.As(err, &code) {
		fmt.Println(code.Text())
	}
	// Output:
	// wrong user domain for this data center
	// appleAuthLogin 5015
	// user domain does not exist
}

func Example_emulator() {
	srv, err := endusertest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client, _ := enduser.NewClient(srv.Config())
	defer client.CloseIdleConnections()

	srv.Inject("twitterAuthLogin", endusertest.GatewayHTML(502))
	_, err = client.TwitterLogin(context.Background(), enduser.TwitterLoginRequest{AppID: "a", OAuthToken: "t", OAuthTokenSecret: "s"})
	fmt.Println(errors.Is(err, enduser.ErrUnexpectedResponse))
	_, err = client.TwitterLogin(context.Background(), enduser.TwitterLoginRequest{AppID: "a", OAuthToken: "t", OAuthTokenSecret: "s"})
	fmt.Println(err, srv.Count("twitterAuthLogin"), srv.Requests()[1].Params.Get("appId"))
	// Output:
	// true
	// <nil> 2 a
}

func ExampleClient_Refresh() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, err := client.SignInByMobile(ctx, enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "wechat-mobile",
		Payload:              enduser.WechatPayload{Code: "code-from-the-wechat-sdk"},
		Options:              &enduser.MobileSignInOptions{Scope: "openid offline_access"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fresh, err := client.Refresh(ctx, tok) // POST {host}/oidc/token: tok.Family is genauth
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fresh.Family, fresh.Expiry.UTC(), fresh.AccessToken != tok.AccessToken)
	_, err = client.Refresh(ctx, tok) // refresh tokens rotate: the old one is spent
	fmt.Println(errors.Is(err, enduser.ErrTokenInvalid))
	// Output:
	// genauth 2026-01-01 02:00:00 +0000 UTC true
	// true
}

func ExampleClient_VerifyIDToken() {
	srv, client, stop := start()
	defer stop()
	ctx := context.Background()
	srv.SeedUser(endusertest.Profile{UID: "user-ada", Email: "ada@example.com"}, "code-of-ada")
	tok, err := client.SignInByMobile(ctx, enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "wechat-mobile",
		Payload:              enduser.WechatPayload{Code: "code-of-ada"},
		Options:              &enduser.MobileSignInOptions{Scope: "openid email"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := client.VerifyIDToken(ctx, tok.IDToken) // signature, issuer, audience, expiry
	if err != nil {
		fmt.Println(err)
		return
	}
	var claims struct {
		Email string `json:"email"`
	}
	if err := id.Claims(&claims); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Subject, claims.Email, id.Issuer == srv.URL()+"/oidc")

	parts := strings.Split(tok.IDToken, ".")
	forged := parts[0] + "." + parts[1] + "x." + parts[2]
	_, err = client.VerifyIDToken(ctx, forged)
	fmt.Println(err, errors.Is(err, enduser.ErrIDTokenInvalid))
	// Output:
	// user-ada ada@example.com true
	// enduser: id token is invalid: signature true
}
