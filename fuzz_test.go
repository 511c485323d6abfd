package enduser_test

import (
	"net/http"
	"strings"
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

// FuzzParseMobilePayload feeds arbitrary wire JSON to every connection: no
// input panics, an accepted payload encodes back into a sign-in body, and
// an error never quotes the input.
func FuzzParseMobilePayload(f *testing.F) {
	for _, seed := range []string{`{"code":"c"}`, `{"wxLoginInfo":{"code":"x"},"wxPhoneInfo":{}}`, `{"isSnsCode":"yes"}`,
		`{"loginParams":{"code":1}}`, `[]`, `{"code":"c"}{}`, `{"access_token":"\u2028"}`} {
		f.Add(seed, uint8(0))
		f.Add(seed, uint8(11))
		f.Add(seed, uint8(31))
	}
	conns := make([]enduser.Connection, 0, len(mobileCases))
	for _, mc := range mobileCases {
		conns = append(conns, mc.conn)
	}
	f.Fuzz(func(t *testing.T, wire string, i uint8) {
		conn := conns[int(i)%len(conns)]
		p, err := enduser.ParseMobilePayload(conn, []byte(wire))
		if err != nil {
			if len(wire) >= 8 && strings.Contains(err.Error(), wire) {
				t.Fatalf("error quotes the input: %v", err)
			}
			return
		}
		if p.Connection() != conn {
			t.Fatalf("connection %q, want %q", p.Connection(), conn)
		}
	})
}
