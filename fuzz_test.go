package enduser_test

import (
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/seed1804ee03/enduser"
)

// FuzzResponses feeds arbitrary answers to a v2 login and a GenAuth sign-in
// through the whole client: no input may panic, and every input gives
// exactly one of a usable Token or an error.
func FuzzResponses(f *testing.F) {
	for _, seed := range []string{
		string(httpmock.File("testdata/v2/login_ok.json").Bytes()),
		string(httpmock.File("testdata/genauth/signin_ok.json").Bytes()),
		string(httpmock.File("testdata/genauth/error_2011_string.json").Bytes()),
		`{"code":5015,"msg":"x","data":null}`, `<html>502</html>`, ``, `{"code":200,"data":{"accessToken":{"token":"a","expirationTime":-5}}}`,
		`{"statusCode":200,"data":{"access_token":"a","expire_in":99999999999999}}`,
		`{"statusCode":200,"data":{"id_token":"i","expires_in":"60","expire_in":-1}}`,
		`{"statusCode":401,"apiCode":1636,"data":{"mfaToken":"m","token":7}}`,
	} {
		f.Add(seed, 200)
		f.Add(seed, 503)
	}
	mt := httpmock.NewMockTransport()
	c, err := enduser.NewClient(testConfig(), enduser.WithHTTPClient(&http.Client{Transport: mt}),
		enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string, status int) {
		if status < 100 || status > 999 {
			status = 200
		}
		mt.RegisterNoResponder(httpmock.NewStringResponder(status, body))
		tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "fuzz-identity-token"})
		if (tok == nil) == (err == nil) || tok != nil && tok.AccessToken == "" {
			t.Fatalf("v2: token %v, error %v", tok, err)
		}
		tok, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.GooglePayload{Code: "fuzz-code"}})
		if (tok == nil) == (err == nil) || tok != nil && tok.AccessToken == "" {
			t.Fatalf("GenAuth: token %v, error %v", tok, err)
		}
	})
}
