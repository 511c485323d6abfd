package enduser_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	tablecodes "github.com/seed1804ee03/enduser/internal/codes"
)

// documentedCodes is every code of the platform's error-code summary (5000
// to 5479 with its gaps) and of the login pages, read independently of the
// table in internal/codes.
func documentedCodes() []enduser.Code {
	gaps := map[int]bool{5006: true, 5007: true, 5010: true, 5189: true}
	var out []enduser.Code
	for n := 5000; n <= 5479; n++ {
		if n > 5229 && n < 5300 || gaps[n] {
			continue
		}
		out = append(out, enduser.Code(n))
	}
	return append(out, 5550, 5566, 5567, 5568, 5569, 5570, 6084, 6085)
}

func TestEveryDocumentedCodeHasAMeaning(t *testing.T) {
	t.Parallel()
	codes := documentedCodes()
	var table []enduser.Code
	for _, r := range tablecodes.AllV2() {
		table = append(table, enduser.Code(r.Code))
	}
	require.Equal(t, codes, table, "internal/codes has one row per documented code, ascending")
	for _, c := range codes {
		t.Run(strconv.Itoa(int(c)), func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, c.Text())
			assert.Equal(t, "enduser: "+c.Text()+" (code "+strconv.Itoa(int(c))+")", c.Error())
			err := error(&enduser.APIError{Op: enduser.OpAppleLogin, HTTPStatus: 200, Code: int(c), Message: "m"})
			assert.Contains(t, err.Error(), "code "+strconv.Itoa(int(c))+" ("+c.Text()+")")
			assert.ErrorIs(t, err, c)
			assert.NotContains(t, err.Error(), "undocumented")
		})
	}
	assert.Empty(t, enduser.Code(5006).Text(), "a gap in the list stays unnamed")
	assert.Contains(t, enduser.Code(5006).Error(), "undocumented code")
}

// TestServerCodesReachTheCaller sends a sample of codes through a login
// answer: each is an *APIError matching its Code and naming its meaning.
func TestServerCodesReachTheCaller(t *testing.T) {
	t.Parallel()
	for _, c := range []enduser.Code{5000, 5146, 5147, 5148, 5325, 5354, 5374, 5479} {
		t.Run(strconv.Itoa(int(c)), func(t *testing.T) {
			t.Parallel()
			cl, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, v2URL("alipayAuthLogin"),
				httpmock.NewStringResponder(200, `{"code":`+strconv.Itoa(int(c))+`,"msg":"m","data":null}`))
			_, err := cl.AlipayLogin(bg, enduser.AlipayLoginRequest{AppID: "a", AuthCode: "c"})
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.True(t, errors.Is(err, c))
			assert.Contains(t, err.Error(), c.Text())
		})
	}
}

func TestLoginSentinelValues(t *testing.T) {
	t.Parallel()
	for want, c := range map[int]enduser.Code{
		5065: enduser.ErrUserIDRequired, 5146: enduser.ErrLoginAttemptsLeft, 5147: enduser.ErrAccountLocked,
		5148: enduser.ErrIPBlocked, 5325: enduser.ErrAccessBlocked, 5354: enduser.ErrAuthCodeRequired,
		5372: enduser.ErrJSCodeRequired, 5374: enduser.ErrCodeParamRequired,
	} {
		assert.Equal(t, want, int(c))
	}
}

// TestOfficialAccountEmptyCodeMatchesBothCodes: the official account's
// empty code is 5374 in the platform's code list and 5372 on the login's
// 2025 page; whichever the server answers, both sentinels match, and so
// does a local check.
func TestOfficialAccountEmptyCodeMatchesBothCodes(t *testing.T) {
	t.Parallel()
	for _, answered := range []enduser.Code{enduser.ErrCodeParamRequired, enduser.ErrJSCodeRequired} {
		t.Run(strconv.Itoa(int(answered)), func(t *testing.T) {
			t.Parallel()
			cl, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpWechatOfficialAccountLogin),
				httpmock.NewStringResponder(200, `{"code":`+strconv.Itoa(int(answered))+`,"msg":"m","data":null}`))
			_, err := cl.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx1", Code: "c"})
			assert.ErrorIs(t, err, enduser.ErrCodeParamRequired)
			assert.ErrorIs(t, err, enduser.ErrJSCodeRequired)
			assert.NotErrorIs(t, err, enduser.ErrAppIDRequired)
			var code enduser.Code
			require.ErrorAs(t, err, &code)
			assert.Equal(t, answered, code, "errors.As finds the code the server sent")
		})
	}
	cl, mt := newTestClient(t, testConfig())
	_, err := cl.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx1"})
	assert.ErrorIs(t, err, enduser.ErrCodeParamRequired)
	assert.ErrorIs(t, err, enduser.ErrJSCodeRequired)
	assert.Zero(t, mt.GetTotalCallCount())

	// Another login's 5372 is its own field's code only.
	mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpFacebookLogin), httpmock.NewStringResponder(200, `{"code":5372,"msg":"m","data":null}`))
	_, err = cl.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "c"})
	assert.ErrorIs(t, err, enduser.ErrJSCodeRequired)
	assert.NotErrorIs(t, err, enduser.ErrCodeParamRequired, "facebookAuthLogin documents one code for its empty code")
}

// TestNewLoginCodesClasses: the codes of the QQ and one-tap logins say what
// to do: an empty accessToken or a parameter the carrier rejects is the
// caller's request; the carrier's service failing is the server's.
func TestNewLoginCodesClasses(t *testing.T) {
	t.Parallel()
	for code, want := range map[enduser.Code]enduser.ErrorClass{
		enduser.ErrAccessTokenRequired:   enduser.ClassInvalidRequest,
		enduser.ErrCarrierParamsRejected: enduser.ClassInvalidRequest,
		enduser.ErrCarrierServiceError:   enduser.ClassServer,
	} {
		assert.Equal(t, want, enduser.Class(code), "%d", code)
		assert.Equal(t, want, enduser.Class(&enduser.APIError{Op: enduser.OpPhoneOneTapLogin, Family: enduser.FamilyV2, HTTPStatus: 200, Code: int(code)}), "%d", code)
	}
	assert.Equal(t, 5366, int(enduser.ErrAccessTokenRequired))
	assert.Equal(t, 5220, int(enduser.ErrCarrierServiceError))
	assert.Equal(t, 5221, int(enduser.ErrCarrierParamsRejected))
}
