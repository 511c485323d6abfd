package downstream_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// Recipe 1: the emulator. Real HTTP, real signatures, scripted failures.
func TestLoginWithEmulator(t *testing.T) {
	srv := endusertest.NewServer(t)
	client, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	s := downstream.NewSessions(client)

	uid, err := s.LoginWithApple(context.Background(), "apple-identity-token")
	require.NoError(t, err)
	assert.NotEmpty(t, uid)

	srv.Inject("appleAuthLogin", endusertest.FailCode(5567)) // identityToken malformed
	_, err = s.LoginWithApple(context.Background(), "garbage")
	assert.ErrorIs(t, err, downstream.ErrRejected)
}

// Recipe 2: httpmock on the *http.Client handed to the SDK (never the
// global default transport), with canned envelopes.
func TestLoginWithHTTPMock(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://iot-api.example.test/v2/enduser/enduserapi/appleAuthLogin",
		httpmock.NewStringResponder(200, `{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer at","expirationTime":4102444800},"refreshToken":{"token":"rt","expirationTime":4102444800}}}`))
	mt.RegisterResponder(http.MethodGet, "https://iot-api.example.test/v2/enduser/enduserapi/userInfo",
		httpmock.NewStringResponder(200, `{"code":200,"msg":"ok","data":{"uid":"u-42"}}`))
	client, err := enduser.NewClient(enduser.Config{
		BaseURL: "https://iot-api.example.test", UserDomain: "E.SP.1", UserDomainSecret: "test-secret",
	}, enduser.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)

	uid, err := downstream.NewSessions(client).LoginWithApple(context.Background(), "apple-identity-token")
	require.NoError(t, err)
	assert.Equal(t, "u-42", uid)
	assert.Equal(t, map[string]int{
		"POST https://iot-api.example.test/v2/enduser/enduserapi/appleAuthLogin": 1,
		"GET https://iot-api.example.test/v2/enduser/enduserapi/userInfo":        1,
	}, mt.GetCallCountInfo())
}
