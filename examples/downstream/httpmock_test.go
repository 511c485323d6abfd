package downstream_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// Style 2: httpmock on the *http.Client given to the SDK (WithHTTPClient,
// never the global default transport), with canned answers of both
// families; endusertest.KeySet signs the GenAuth id token and answers the
// JWKS request of VerifyIDToken.

var mockConfig = enduser.Config{
	BaseURL: "https://iot-api.example.test", UserDomain: "E.SP.1", UserDomainSecret: "test-secret",
	GenAuth: enduser.GenAuthConfig{Host: "https://example.genauth.test", AppID: "app-1"},
}

const (
	v2Path    = "https://iot-api.example.test/v2/enduser/enduserapi/"
	v2OK      = `{"code":200,"msg":"ok","data":{`
	v2Expired = `{"code":5032,"msg":"token invalid"}`
)

// mockService is the service on a client whose transport is mt.
func mockService(t *testing.T, mt *httpmock.MockTransport) (*enduser.Sessions, *browser) {
	t.Helper()
	c, err := enduser.NewClient(mockConfig, enduser.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	sessions := c.Sessions(enduser.NewMemoryStore())
	t.Cleanup(sessions.Close)
	return sessions, newBrowser(t, downstream.Handler(c, sessions))
}

// v2Token answers a v2 login or refresh with the access token at.
func v2Token(at string) httpmock.Responder {
	return httpmock.NewStringResponder(http.StatusOK, v2OK+`"accessToken":{"token":"Bearer `+at+
		`","expirationTime":4102444800},"refreshToken":{"token":"rt-`+at+`","expirationTime":4102444800}}}`)
}

// v2UserInfo answers uid for the access token valid, and 5032 (token
// invalid) for any other.
func v2UserInfo(valid, uid string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer "+valid {
			return httpmock.NewStringResponse(http.StatusOK, v2Expired), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, v2OK+`"uid":"`+uid+`","nikeName":"Ada"}}`), nil
	}
}

// genAuthSignIn answers a sign-in by mobile with the id token idToken.
func genAuthSignIn(idToken string) httpmock.Responder {
	return httpmock.NewStringResponder(http.StatusOK, `{"statusCode":200,"data":{"access_token":"ga-at","expires_in":3600,`+
		`"token_type":"Bearer","refresh_token":"ga-rt","id_token":"`+idToken+`","scope":"openid profile offline_access"}}`)
}

// Both families log in and read /me through canned answers: the v2 user is
// named by userInfo, the GenAuth user by the verified id token (one JWKS
// fetch), and every endpoint is called exactly as often as the flow needs.
func TestHTTPMockLoginBothFamilies(t *testing.T) {
	keys := endusertest.NewKeySet(nil)
	idToken, err := keys.SignIDToken(mockConfig.GenAuth, map[string]any{"sub": "u-ga"})
	require.NoError(t, err)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, v2Path+enduser.OpAppleLogin, v2Token("at-1"))
	mt.RegisterResponder(http.MethodGet, v2Path+enduser.OpUserInfo, v2UserInfo("at-1", "u-v2"))
	mt.RegisterResponder(http.MethodPost, mockConfig.GenAuth.Host+"/api/v3/"+enduser.OpSignInByMobile, genAuthSignIn(idToken))
	mt.RegisterResponder(http.MethodGet, keys.JWKSURL(mockConfig.GenAuth), keys.Respond)
	mt.RegisterResponder(http.MethodGet, mockConfig.GenAuth.Host+"/"+enduser.OpOIDCUserInfo,
		httpmock.NewStringResponder(http.StatusOK, `{"sub":"u-ga","nickname":"Grace"}`))
	_, v2 := mockService(t, mt)
	_, ga := mockService(t, mt) // a second replica on the same transport

	require.Equal(t, http.StatusNoContent, v2.loginApple("apple-identity-token").status)
	require.Equal(t, http.StatusNoContent, ga.loginWechat("wechat-code").status)
	assert.Equal(t, "u-v2", v2.me().body["uid"])
	assert.Equal(t, "u-ga", ga.me().body["uid"])
	assert.Equal(t, map[string]int{
		"POST " + v2Path + enduser.OpAppleLogin:                                   1,
		"GET " + v2Path + enduser.OpUserInfo:                                      2, // login, /me
		"POST " + mockConfig.GenAuth.Host + "/api/v3/" + enduser.OpSignInByMobile: 1,
		"GET " + keys.JWKSURL(mockConfig.GenAuth):                                 1,
		"GET " + mockConfig.GenAuth.Host + "/" + enduser.OpOIDCUserInfo:           1, // /me
	}, mt.GetCallCountInfo())
	assert.Equal(t, 1, keys.Fetches())
}

// The platform refuses the session's access token before its expiry: /me
// refreshes once (PUT refreshToken) and reads the profile with the new token.
func TestHTTPMockRejectedTokenRefreshedOnce(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, v2Path+enduser.OpAppleLogin, v2Token("at-1"))
	mt.RegisterResponder(http.MethodPut, v2Path+enduser.OpRefreshToken, v2Token("at-2"))
	mt.RegisterResponder(http.MethodGet, v2Path+enduser.OpUserInfo, v2UserInfo("at-1", "u-v2"))
	_, b := mockService(t, mt)
	require.Equal(t, http.StatusNoContent, b.loginApple("apple-identity-token").status)

	mt.RegisterResponder(http.MethodGet, v2Path+enduser.OpUserInfo, v2UserInfo("at-2", "u-v2")) // at-1 revoked
	me := b.me()
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, "u-v2", me.body["uid"])
	assert.Equal(t, 1, mt.GetCallCountInfo()["PUT "+v2Path+enduser.OpRefreshToken])

	mt.RegisterResponder(http.MethodGet, v2Path+enduser.OpUserInfo, v2UserInfo("at-3", "u-v2")) // at-2 refused too
	assert.Equal(t, http.StatusUnauthorized, b.me().status, "refused again after the refresh: log in again")
	assert.Equal(t, 2, mt.GetCallCountInfo()["PUT "+v2Path+enduser.OpRefreshToken], "one refresh per refused token, no loop")
}

// Hostile: an id token signed by a key the GenAuth host never published.
// The login is refused (401) and no session starts.
func TestHTTPMockForgedIDTokenRefused(t *testing.T) {
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	forged, err := endusertest.NewKeySet(forger).SignIDToken(mockConfig.GenAuth, map[string]any{"sub": "u-victim"})
	require.NoError(t, err)
	published := endusertest.NewKeySet(nil)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, mockConfig.GenAuth.Host+"/api/v3/"+enduser.OpSignInByMobile, genAuthSignIn(forged))
	mt.RegisterResponder(http.MethodGet, published.JWKSURL(mockConfig.GenAuth), published.Respond)
	sessions, b := mockService(t, mt)

	assert.Equal(t, http.StatusUnauthorized, b.loginWechat("wechat-code").status)
	_, err = sessions.Token(t.Context(), "session:u-victim")
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "no session was started")
	assert.Equal(t, http.StatusUnauthorized, b.me().status)
}
