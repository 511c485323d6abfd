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

func TestGenAuthStatusCodes(t *testing.T) {
	t.Parallel()
	// Every statusCode of SPEC.md (seed 004 and Authing's OpenAPI table).
	for _, s := range []enduser.GenAuthStatus{400, 401, 402, 403, 404, 409, 413, 422, 429, 499, 500, 501, 502, 503, 601, 602, 603} {
		t.Run(strconv.Itoa(int(s)), func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, s.Text())
			err := signInFailing(t, `{"statusCode":`+strconv.Itoa(int(s))+`,"message":"m","requestId":"r"}`)
			assert.ErrorIs(t, err, s)
			var got enduser.GenAuthStatus
			require.ErrorAs(t, err, &got)
			assert.Equal(t, s, got)
			assert.Contains(t, err.Error(), "statusCode "+strconv.Itoa(int(s))+" ("+s.Text()+")")
			assert.Equal(t, s == 429, errors.Is(err, enduser.ErrRateLimited))
		})
	}
}

func TestGenAuthAPICodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code  enduser.APICode
		group error // nil: no group
	}{
		{enduser.ErrGenAuthNoLoginPermission, nil},
		{enduser.ErrGenAuthMFARequired, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthAppMFARequired, enduser.ErrGenAuthMFARequired},
		{enduser.ErrGenAuthAppMFARequired, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthFirstLogin, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthBindExistingAccount, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthBindOrCreateAccount, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthProfileIncomplete, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthSelfUnlock, enduser.ErrGenAuthUserLocked},
		{enduser.ErrGenAuthFlowAborted, nil},
		{enduser.ErrGenAuthUserNotFound, nil},
		{enduser.ErrGenAuthUserLocked, nil},
		{enduser.ErrGenAuthWrongPassword, nil},
		{enduser.ErrGenAuthAppNotFound, enduser.ErrGenAuthAppMisconfigured},
		{enduser.ErrGenAuthNotLoggedIn, nil},
		{enduser.ErrGenAuthRegistrationDisabled, enduser.ErrGenAuthAppMisconfigured},
		{enduser.ErrGenAuthPasswordResetRequired, enduser.ErrGenAuthStepRequired},
		{enduser.ErrGenAuthUserPoolNotFound, enduser.ErrGenAuthAppMisconfigured},
		{enduser.ErrGenAuthBadCredentials, nil},
		{enduser.ErrGenAuthTenantMembership, enduser.ErrGenAuthTenantDenied},
		{enduser.ErrGenAuthTenantLoginDenied, enduser.ErrGenAuthTenantDenied},
	}
	documented := map[enduser.APICode]bool{}
	for _, tt := range tests {
		documented[tt.code] = true
		t.Run(fmt.Sprintf("%d", int(tt.code)), func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.code.Text())
			for _, form := range []string{strconv.Itoa(int(tt.code)), `"` + strconv.Itoa(int(tt.code)) + `"`} {
				err := signInFailing(t, `{"statusCode":403,"message":"m","apiCode":`+form+`,"requestId":"r"}`)
				assert.ErrorIs(t, err, tt.code)
				assert.ErrorIs(t, err, enduser.ErrGenAuthForbidden)
				if tt.group != nil {
					assert.ErrorIs(t, err, tt.group)
				}
				for _, other := range []error{enduser.ErrGenAuthTenantDenied, enduser.ErrGenAuthAppMisconfigured, enduser.ErrGenAuthStepRequired} {
					if !errors.Is(tt.group, other) && !errors.Is(tt.code, other) {
						assert.NotErrorIs(t, err, other)
					}
				}
				assert.Contains(t, err.Error(), "apiCode "+strconv.Itoa(int(tt.code))+" ("+tt.code.Text()+")")
				assert.NotErrorIs(t, err, enduser.ErrUserDomainNotFound)
			}
		})
	}
	// Every apiCode SPEC.md lists (seed 004 and Authing's error table).
	for _, c := range []enduser.APICode{1576, 1635, 1636, 1639, 1640, 1641, 1642, 1643, 1699, 2004, 2005, 2006, 2011, 2020, 2031, 2058, 2224, 2333, 2120008, 2130010} {
		assert.True(t, documented[c], "apiCode %d has a sentinel in the table", c)
	}
	assert.Contains(t, enduser.APICode(4242).Error(), "undocumented apiCode")
}

func TestGenAuthContinuationTokenIsKeptAndRedacted(t *testing.T) {
	t.Parallel()
	const secret = "MFATOKEN-SECRET-9f2"
	for name, body := range map[string]string{
		"1636 mfaToken": `{"statusCode":401,"apiCode":1636,"message":"mfa","requestId":"r","data":{"mfaToken":"` + secret + `"}}`,
		"1639 token":    `{"statusCode":401,"apiCode":"1639","message":"first","requestId":"r","data":{"token":"` + secret + `"}}`,
	} {
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
