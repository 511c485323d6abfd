package endusertest_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// The httpmock recipe of the README, complete: a v2 login, a GenAuth
// sign-in whose id token the key set signed, and its verification against
// the key set's JWKS, all on the client's own *http.Client (never the
// global default transport).
func ExampleKeySet() {
	cfg := enduser.Config{
		BaseURL: "https://iot-api.acceleronix.io", UserDomain: "E.SP.1", UserDomainSecret: "test-secret",
		GenAuth: enduser.GenAuthConfig{Host: "https://example.genauth.ai", AppID: "app-1"},
	}
	keys := endusertest.NewKeySet(nil) // signs id tokens, answers JWKS requests
	idToken, _ := keys.SignIDToken(cfg.GenAuth, map[string]any{"sub": "u-42"})

	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, cfg.BaseURL+"/v2/enduser/enduserapi/appleAuthLogin",
		httpmock.NewStringResponder(200, `{"code":200,"msg":"ok","data":{`+
			`"accessToken":{"token":"Bearer at-1","expirationTime":4102444800},`+
			`"refreshToken":{"token":"rt-1","expirationTime":4102444800}}}`))
	mt.RegisterResponder(http.MethodPost, cfg.GenAuth.Host+"/api/v3/signin-by-mobile",
		httpmock.NewStringResponder(200, `{"statusCode":200,"data":{"access_token":"at-2","expires_in":3600,`+
			`"token_type":"Bearer","refresh_token":"rt-2","id_token":"`+idToken+`","scope":"openid offline_access"}}`))
	mt.RegisterResponder(http.MethodGet, keys.JWKSURL(cfg.GenAuth), keys.Respond)

	client, err := enduser.NewClient(cfg, enduser.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	v2, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("v2:", v2.Family, v2.Valid())

	ga, err := client.SignInByMobile(ctx, enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "wechat-mobile", Payload: enduser.WechatPayload{Code: "code-1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := client.VerifyIDToken(ctx, ga.IDToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("GenAuth:", ga.Family, ga.Valid(), "sub="+id.Subject)
	fmt.Println("calls:", mt.GetTotalCallCount(), "key fetches:", keys.Fetches())
	// Output:
	// v2: v2 true
	// GenAuth: genauth true sub=u-42
	// calls: 3 key fetches: 1
}
