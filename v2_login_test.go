package enduser_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// loginCase describes one signed v2 login for the shared table tests.
type loginCase struct {
	endpoint string
	// params are the signed parameters in signature order, with test values.
	params [][2]string
	// login calls the endpoint with vals in the order of params.
	login func(ctx context.Context, c *enduser.Client, vals []string, mcc int) (*enduser.Token, error)
	// missing is the code the server answers for each empty required field
	// (the platform's error-code list), by index.
	missing []enduser.Code
	// also is a code a seed document lists for the same empty field, which
	// matches too.
	also  map[int]enduser.Code
	codes []enduser.Code
}

func (lc loginCase) values() []string {
	vals := make([]string, len(lc.params))
	for i, p := range lc.params {
		vals[i] = p[1]
	}
	return vals
}

// call logs in with the case's values.
func (lc loginCase) call(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
	return lc.login(ctx, c, lc.values(), mcc)
}

// empty logs in with required field i empty.
func (lc loginCase) empty(ctx context.Context, c *enduser.Client, i int) error {
	vals := lc.values()
	vals[i] = ""
	_, err := lc.login(ctx, c, vals, 0)
	return err
}

var v2Logins = []loginCase{
	{
		endpoint: "twitterAuthLogin",
		params:   [][2]string{{"appId", "tw-app-1"}, {"oauthToken", "OAUTHTOKEN-abc 1"}, {"oauthTokenSecret", "OAUTHSECRET-x/y+z"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.TwitterLogin(ctx, enduser.TwitterLoginRequest{AppID: v[0], OAuthToken: v[1], OAuthTokenSecret: v[2], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAppIDRequired, enduser.ErrOAuthTokenRequired, enduser.ErrOAuthTokenSecretRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5325, 5569, 5570, 6084, 6085},
	},
	{
		endpoint: "appleAuthLogin",
		params:   [][2]string{{"identityToken", "eyJraWQiOiJBSURPUEsxIn0.IDTOKEN.sig"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: v[0], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrIdentityTokenRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5325, 5566, 5567, 5568, 6084, 6085},
	},
	{
		endpoint: "wechatOffiaccountAuthLogin",
		params:   [][2]string{{"appId", "wx0123456789abcdef"}, {"code", "WXCODE-061a2b3c"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: v[0], Code: v[1], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAppIDRequired, 5374},
		also:    map[int]enduser.Code{1: enduser.ErrCodeRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5218, 5325, 5367, 5368, 5369, 5372, 5374, 6084, 6085},
	},
	{
		endpoint: "facebookAuthLogin",
		params:   [][2]string{{"appId", "fb-app"}, {"code", "FBCODE-1"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.FacebookLogin(ctx, enduser.FacebookLoginRequest{AppID: v[0], Code: v[1], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAppIDRequired, enduser.ErrFacebookCodeRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5218, 5325, 5374, 6084, 6085},
	},
	{
		endpoint: "alipayAuthLogin",
		params:   [][2]string{{"appId", "2021000000000001"}, {"authCode", "ALIPAY-AUTH-1"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.AlipayLogin(ctx, enduser.AlipayLoginRequest{AppID: v[0], AuthCode: v[1], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAppIDRequired, 5354},
		also:    map[int]enduser.Code{1: enduser.ErrCodeRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5218, 5325, 5354, 5368, 5376, 6084, 6085},
	},
	{
		endpoint: "wechatMiniprogramAuthLogin",
		params:   [][2]string{{"appId", "wxmini0001"}, {"jsCode", "JSCODE-1"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.WechatMiniProgramLogin(ctx, enduser.WechatMiniProgramLoginRequest{AppID: v[0], JSCode: v[1], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAppIDRequired, enduser.ErrCodeRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5218, 5325, 5367, 5368, 5369, 5372, 5373, 6084, 6085},
	},
	{
		endpoint: "qqAuthLogin",
		params:   [][2]string{{"accessToken", "QQACCESSTOKEN-8f/2+x"}},
		login: func(ctx context.Context, c *enduser.Client, v []string, mcc int) (*enduser.Token, error) {
			return c.QQLogin(ctx, enduser.QQLoginRequest{AccessToken: v[0], MCC: mcc})
		},
		missing: []enduser.Code{enduser.ErrAccessTokenRequired},
		codes:   []enduser.Code{5013, 5015, 5023, 5104, 5146, 5147, 5148, 5325, 5366, 5367, 5368, 5369, 5420, 5550, 6084, 6085},
	},
}

func (lc loginCase) signature() string { return enduser.Sign(testSecret, lc.values()...) }

func TestV2LoginWire(t *testing.T) {
	t.Parallel()
	for _, lc := range v2Logins {
		for _, mode := range []struct {
			name  string
			query bool
			mcc   int
		}{{"form", false, 0}, {"form with mcc", false, 460}, {"query", true, 0}, {"query with mcc", true, 234}} {
			t.Run(lc.endpoint+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				var opts []enduser.Option
				if mode.query {
					opts = append(opts, enduser.WithQueryParams())
				}
				c, mt := newTestClient(t, testConfig(), opts...)
				rec := &recorder{}
				mt.RegisterResponder(http.MethodPost, v2URL(lc.endpoint), rec.responder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))

				_, err := lc.call(bg, c, mode.mcc)
				require.NoError(t, err)

				got := rec.last(t)
				assert.Equal(t, http.MethodPost, got.Method)
				assert.Equal(t, "/v2/enduser/enduserapi/"+lc.endpoint, got.URL.Path)
				assert.Equal(t, "application/json", got.Header.Get("Accept"))
				assert.Contains(t, got.Header.Get("User-Agent"), "enduser-go/")
				if mode.query {
					assert.Empty(t, got.Body)
					assert.Empty(t, got.Header.Get("Content-Type"))
				} else {
					assert.Empty(t, got.URL.RawQuery, "form mode keeps credentials out of the URL")
					assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
				}
				want := map[string][]string{"signature": {lc.signature()}, "userDomain": {testDomain}}
				for _, p := range lc.params {
					want[p[0]] = []string{p[1]}
				}
				if mode.mcc != 0 {
					want["mcc"] = []string{strconv.Itoa(mode.mcc)}
				}
				assert.Equal(t, want, map[string][]string(got.Form()))
			})
		}
	}
}

func TestV2LoginDecodesToken(t *testing.T) {
	t.Parallel()
	for _, lc := range v2Logins {
		t.Run(lc.endpoint, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, v2URL(lc.endpoint), httpmock.NewBytesResponder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))

			tok, err := lc.call(bg, c, 0)
			require.NoError(t, err)
			assert.Equal(t, &enduser.Token{
				Family:        enduser.FamilyV2,
				AccessToken:   "Bearer eyJhbGciOiJIUzI1NiJ9.access.sig",
				TokenType:     "Bearer",
				Expiry:        time.Unix(1744780894, 0),
				RefreshToken:  "eyJhbGciOiJIUzI1NiJ9.refresh.sig",
				RefreshExpiry: time.Unix(1747365894, 0),
			}, tok)
			assert.Equal(t, "Bearer eyJhbGciOiJIUzI1NiJ9.access.sig", tok.AuthorizationHeader(), "sent unchanged, not double-prefixed")
		})
	}
}

func TestV2LoginDocumentedCodes(t *testing.T) {
	t.Parallel()
	for _, lc := range v2Logins {
		for _, code := range lc.codes {
			t.Run(lc.endpoint+"/"+strconv.Itoa(int(code)), func(t *testing.T) {
				t.Parallel()
				c, mt := newTestClient(t, testConfig())
				body := `{"code":` + strconv.Itoa(int(code)) + `,"msg":"server says no","data":null,"extMsg":"detail"}`
				mt.RegisterResponder(http.MethodPost, v2URL(lc.endpoint), httpmock.NewStringResponder(200, body))

				tok, err := lc.call(bg, c, 0)
				require.Error(t, err)
				assert.Nil(t, tok)
				assert.ErrorIs(t, err, code)
				var apiErr *enduser.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, enduser.APIError{Op: lc.endpoint, Family: enduser.FamilyV2, HTTPStatus: 200, Code: int(code), Message: "server says no", ExtMsg: "detail"}, *apiErr)
				var asCode enduser.Code
				require.ErrorAs(t, err, &asCode)
				assert.Equal(t, code, asCode)
				assert.NotEmpty(t, code.Text(), "every documented code has a meaning")
				assert.Contains(t, err.Error(), code.Text())
			})
		}
	}
}

func TestV2LoginLocalValidationSendsNothing(t *testing.T) {
	t.Parallel()
	for _, lc := range v2Logins {
		for i, want := range lc.missing {
			t.Run(lc.endpoint+"/"+lc.params[i][0], func(t *testing.T) {
				t.Parallel()
				c, mt := newTestClient(t, testConfig())
				err := lc.empty(bg, c, i)
				assert.ErrorIs(t, err, want)
				var code enduser.Code
				require.ErrorAs(t, err, &code)
				assert.Equal(t, want, code, "errors.As finds the server's code")
				assert.Contains(t, err.Error(), "(code "+strconv.Itoa(int(want))+")")
				if also, ok := lc.also[i]; ok {
					assert.ErrorIs(t, err, also, "the seed's code matches too")
				}
				assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
				var ve *enduser.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, lc.params[i][0], ve.Field)
				assert.Equal(t, 0, mt.GetTotalCallCount())
			})
		}
		for _, mcc := range []int{-1, 1000} {
			t.Run(lc.endpoint+"/mcc "+strconv.Itoa(mcc), func(t *testing.T) {
				t.Parallel()
				c, mt := newTestClient(t, testConfig())
				_, err := lc.call(bg, c, mcc)
				assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
				assert.Equal(t, 0, mt.GetTotalCallCount())
			})
		}
	}
}

func TestV2ErrorEnvelopeWinsOverHTTPStatus(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, v2URL("appleAuthLogin"),
		httpmock.NewBytesResponder(500, httpmock.File("testdata/v2/error_5015.json").Bytes()))

	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
	require.ErrorIs(t, err, enduser.ErrUserDomainNotFound)
	var apiErr *enduser.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.HTTPStatus)
	assert.Equal(t, 5015, apiErr.Code)
}

func TestV2UnknownCodeIsStillAnAPIError(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, v2URL("appleAuthLogin"), httpmock.NewStringResponder(200, `{"code":7777,"msg":"new","data":null}`))

	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
	var apiErr *enduser.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 7777, apiErr.Code)
	assert.ErrorIs(t, err, enduser.Code(7777))
	assert.NotErrorIs(t, err, enduser.ErrUserDomainNotFound)
}

func TestV2UnexpectedResponses(t *testing.T) {
	t.Parallel()
	big := `{"code":200,"msg":"` + string(make([]byte, 2<<20)) + `"}`
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"HTML 502 from a gateway", 502, string(httpmock.File("testdata/v2/gateway_502.html").Bytes())},
		{"empty body", 200, ""},
		{"truncated JSON", 200, `{"code":200,"msg":"ok","data":{"accessToken":{"tok`},
		{"oversized body", 200, big},
		{"JSON without a code", 200, `{"error":"bad gateway"}`},
		{"success without data", 200, `{"code":200,"msg":"ok","data":null}`},
		{"success without an access token", 200, `{"code":200,"data":{"accessToken":{"token":""}}}`},
		{"wrong types", 200, `{"code":"two hundred"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			mt.RegisterResponder(http.MethodPost, v2URL("twitterAuthLogin"), httpmock.NewStringResponder(tt.status, tt.body))

			tok, err := c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "a", OAuthToken: "t", OAuthTokenSecret: "s"})
			assert.Nil(t, tok)
			require.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
			var ue *enduser.UnexpectedResponseError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, tt.status, ue.HTTPStatus)
			assert.LessOrEqual(t, len(ue.Excerpt), 128)
			assert.Less(t, len(err.Error()), 512, "the error stays short whatever the body")
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestV2ExcerptIsScrubbed(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, v2URL("appleAuthLogin"),
		httpmock.NewStringResponder(502, "<html>bad request identityToken=IDTOK-SECRET secret="+testSecret+"</html>"))

	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOK-SECRET"})
	require.ErrorIs(t, err, enduser.ErrUnexpectedResponse)
	var ue *enduser.UnexpectedResponseError
	require.ErrorAs(t, err, &ue)
	for _, text := range []string{err.Error(), ue.Excerpt} {
		assert.NotContains(t, text, "IDTOK-SECRET")
		assert.NotContains(t, text, testSecret)
	}
	assert.Contains(t, ue.Excerpt, "[redacted]", "the excerpt is kept, scrubbed")
	assert.NotContains(t, err.Error(), "html", "the excerpt is data, never in Error")
}

func TestV2CancelledContext(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, testConfig())
	mt.RegisterResponder(http.MethodPost, v2URL("appleAuthLogin"), func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done() // a server that never answers
		return nil, req.Context().Err()
	})
	ctx, cancel := context.WithCancel(bg)
	cancel()

	_, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "t"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// TestRefreshTokenIsTheV2Call: RefreshToken sends whatever string it is
// given to the v2 host and nowhere else (a refresh token is opaque: none
// is refused for its shape, so no real v2 token ever is); a GenAuth token
// goes to GenAuth's host through Refresh, and RefreshToken's doc comment
// says so.
func TestRefreshTokenIsTheV2Call(t *testing.T) {
	t.Parallel()
	const genAuthShaped = "WPsGJbvpBjqXz6IJIr1UHKyrdVF" // the shape of GenAuth's refresh tokens (Authing's docs)
	oidcToken := testGenHost + "/" + enduser.OpOIDCToken
	for _, rt := range []string{genAuthShaped, "eyJhbGciOiJIUzI1NiJ9.refresh.sig", "emu-rt-1"} {
		c, mt := newTestClient(t, testConfig())
		mt.RegisterResponder(http.MethodPut, v2URL(enduser.OpRefreshToken), httpmock.NewBytesResponder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))
		mt.RegisterResponder(http.MethodPost, oidcToken, httpmock.NewStringResponder(200, `{"access_token":"g-at","token_type":"Bearer","expires_in":60}`))
		tok, err := c.RefreshToken(bg, rt)
		require.NoError(t, err, rt)
		assert.Equal(t, enduser.FamilyV2, tok.Family)
		calls := mt.GetCallCountInfo()
		assert.Equal(t, 1, calls[http.MethodPut+" "+v2URL(enduser.OpRefreshToken)], rt)
		assert.Zero(t, calls[http.MethodPost+" "+oidcToken], "RefreshToken never sends to GenAuth's host")

		tok, err = c.Refresh(bg, &enduser.Token{Family: enduser.FamilyGenAuth, AccessToken: "g", RefreshToken: rt})
		require.NoError(t, err)
		assert.Equal(t, enduser.FamilyGenAuth, tok.Family)
		calls = mt.GetCallCountInfo()
		assert.Equal(t, 1, calls[http.MethodPost+" "+oidcToken], "Refresh sends a GenAuth token to GenAuth")
		assert.Equal(t, 1, calls[http.MethodPut+" "+v2URL(enduser.OpRefreshToken)])
	}
	src, err := os.ReadFile("refresh.go")
	require.NoError(t, err)
	assert.Regexp(t, `(?s)RefreshToken is the v2 API's call only.*use \[Client\.Refresh\].*func \(c \*Client\) RefreshToken\(`, string(src))
}
