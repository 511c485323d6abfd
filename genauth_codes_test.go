package enduser_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/internal/codes"
	"github.com/seed1804ee03/enduser/internal/gacodes"
)

// signInFailing answers one sign-in with body and returns the error.
func signInFailing(t *testing.T, body string) error {
	t.Helper()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewStringResponder(200, body))
	tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
	require.Nil(t, tok)
	require.Error(t, err)
	return err
}

// TestGenAuthStatusCodes answers a sign-in with every statusCode of the
// code table, as the emulator's injected failure: the error matches its
// sentinel, says its meaning, has its row's class and is rate limited only
// for 429.
func TestGenAuthStatusCodes(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := emulatorClient(t, srv)
	for _, r := range gacodes.Statuses {
		s := enduser.GenAuthStatus(r.Code)
		require.NoError(t, srv.Inject(enduser.OpSignInByMobile, endusertest.FailCode(r.Code)))
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c-" + strconv.Itoa(r.Code)}})
		assert.ErrorIs(t, err, s)
		var got enduser.GenAuthStatus
		require.ErrorAs(t, err, &got)
		assert.Equal(t, s, got)
		assert.Equal(t, r.Text, s.Text())
		assert.Contains(t, err.Error(), "statusCode "+strconv.Itoa(r.Code)+" ("+r.Text+")")
		assert.Equal(t, r.Class == gacodes.RateLimited, errors.Is(err, enduser.ErrRateLimited), r.Code)
		want := r.Class
		if r.Code == 401 { // a sign-in has no session to end: see TestSignInUnauthorizedIsNeverReLogin
			want = enduser.ClassMisconfigured.String()
		}
		assert.Equal(t, want, enduser.Class(err).String(), "statusCode %d", r.Code)
	}
}

// TestGenAuthAPICodes answers a sign-in with every apiCode of the code
// table, as number and as string: the error matches its sentinel, its group
// and the code it is a kind of, no other group, and has its row's class.
func TestGenAuthAPICodes(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := emulatorClient(t, srv)
	groups := map[string]error{gacodes.Step: enduser.ErrGenAuthStepRequired, gacodes.Tenant: enduser.ErrGenAuthTenantDenied, gacodes.App: enduser.ErrGenAuthAppMisconfigured}
	for _, r := range gacodes.APICodes {
		code := enduser.APICode(r.Code)
		require.NotEmpty(t, code.Text())
		require.NoError(t, srv.Inject(enduser.OpSignInByMobile, endusertest.FailAPICode(403, r.Code)))
		_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c-" + strconv.Itoa(r.Code)}})
		strErr := signInFailing(t, `{"statusCode":403,"message":"m","apiCode":"`+strconv.Itoa(r.Code)+`","requestId":"r"}`)
		for _, err := range []error{err, strErr} {
			assert.ErrorIs(t, err, code)
			assert.ErrorIs(t, err, enduser.ErrGenAuthForbidden)
			for name, g := range groups {
				assert.Equal(t, name == r.Group, errors.Is(err, g), "apiCode %d in group %s", r.Code, name)
			}
			if r.Of != 0 {
				assert.ErrorIs(t, err, enduser.APICode(r.Of))
			}
			assert.Contains(t, err.Error(), "apiCode "+strconv.Itoa(r.Code)+" ("+r.Text+")")
			assert.Equal(t, r.Class, enduser.Class(err).String(), "apiCode %d", r.Code)
			assert.NotErrorIs(t, err, enduser.ErrUserDomainNotFound)
		}
	}
	assert.Contains(t, enduser.APICode(4242).Error(), "undocumented apiCode")
	assert.NotErrorIs(t, enduser.APICode(4242), enduser.ErrGenAuthStepRequired)
}

// TestSignInUnauthorizedIsNeverReLogin: a sign-in has no session, so its
// 401 is never "log in again". A wrong app secret (the emulator refuses the
// client authentication) is the operator's to fix, under each method; a
// 401 naming a refused credential tells the user.
func TestSignInUnauthorizedIsNeverReLogin(t *testing.T) {
	t.Parallel()
	for _, m := range []enduser.ClientAuthMethod{enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		srv := endusertest.NewServer(t, endusertest.WithGenAuthApp(endusertest.DefaultAppID, endusertest.DefaultAppSecret, m))
		cfg := srv.Config()
		cfg.GenAuth.AppSecret = "APPSECRET-wrong-one"
		c, err := enduser.NewClient(cfg)
		require.NoError(t, err)
		_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
		assert.ErrorIs(t, err, enduser.ErrGenAuthUnauthorized, m)
		assert.Equal(t, enduser.ClassMisconfigured, enduser.Class(err), m)
		assert.NotContains(t, err.Error(), "APPSECRET-wrong-one")
	}
	for _, r := range gacodes.APICodes {
		err := signInFailing(t, `{"statusCode":401,"apiCode":`+strconv.Itoa(r.Code)+`,"requestId":"r"}`)
		assert.NotEqual(t, enduser.ClassReLogin, enduser.Class(err), "apiCode %d", r.Code)
		if r.Class == gacodes.ReLogin {
			assert.Equal(t, enduser.ClassDenied, enduser.Class(err), "apiCode %d: a refused credential", r.Code)
		}
	}
}

func TestGenAuthContinuationTokenIsKeptAndRedacted(t *testing.T) {
	t.Parallel()
	const secret = "MFATOKEN-SECRET-9f2"
	bodies := map[string]string{
		"1636 mfaToken": `{"statusCode":401,"apiCode":1636,"message":"mfa","requestId":"r","data":{"mfaToken":"` + secret + `"}}`,
		"1639 token":    `{"statusCode":401,"apiCode":"1639","message":"first","requestId":"r","data":{"token":"` + secret + `"}}`,
	}
	for _, r := range gacodes.APICodes { // every step keeps the token its answer carries
		if r.Group == gacodes.Step {
			bodies[strconv.Itoa(r.Code)] = `{"statusCode":400,"apiCode":` + strconv.Itoa(r.Code) + `,"requestId":"r","data":{"token":"` + secret + `"}}`
		}
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := signInFailing(t, body)
			assert.ErrorIs(t, err, enduser.ErrGenAuthStepRequired)
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, secret, string(apiErr.Continuation), "kept for the caller")

			var logs bytes.Buffer
			for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
				slog.New(h).Info("failed", "err", err, "apiErr", apiErr, "value", *apiErr, "token", apiErr.Continuation)
			}
			j, jerr := json.Marshal(apiErr)
			require.NoError(t, jerr)
			outputs := []string{err.Error(), logs.String(), string(j)}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				outputs = append(outputs, fmt.Sprintf(verb, err), fmt.Sprintf(verb, apiErr), fmt.Sprintf(verb, *apiErr), fmt.Sprintf(verb, apiErr.Continuation))
			}
			for _, out := range outputs {
				assert.NotContains(t, out, secret)
			}
			assert.Contains(t, fmt.Sprintf("%#v", *apiErr), "[redacted]")
		})
	}
}

// emulatorClient is a client of srv that sends every call once, so that an
// injected failure (a 429 too) is the answer the test sees.
func emulatorClient(t *testing.T, srv *endusertest.Server) *enduser.Client {
	t.Helper()
	c, err := enduser.NewClient(srv.Config(), enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestV2LoginUnauthorizedIsNeverReLogin: a v2 login answered HTTP 401 with
// a code that means "log in again" elsewhere (5032, 5146, 5368, …) refuses
// the credential: ClassDenied, never ClassReLogin; the same code on a call
// with a session keeps its class.
func TestV2LoginUnauthorizedIsNeverReLogin(t *testing.T) {
	t.Parallel()
	var checked int
	for _, r := range codes.AllV2() {
		if r.Class != codes.ReLogin {
			continue
		}
		checked++
		err := mockedLogin(401, `{"code":`+strconv.Itoa(r.Code)+`,"msg":"m"}`)(t)
		assert.Equal(t, enduser.ClassDenied, enduser.Class(err), "code %d", r.Code)
		assert.Equal(t, enduser.ClassReLogin, enduser.Class(&enduser.APIError{Op: enduser.OpUserInfo, Family: enduser.FamilyV2, HTTPStatus: 401, Code: r.Code}), "code %d", r.Code)
	}
	assert.Positive(t, checked)
}
