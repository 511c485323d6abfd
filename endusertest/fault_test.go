package endusertest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// noRetry keeps the SDK from retrying, so that every call is one request.
var noRetry = enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1})

func TestProcessThenDropChangesStateButNeverAnswers(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), noRetry)
	wechat := func(code string) error {
		_, err := c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: code})
		return err
	}
	require.NoError(t, wechat("warm-up"))

	srv.Inject(enduser.OpWechatOfficialAccountLogin, endusertest.ProcessThenDrop())
	err := wechat("lost-answer")
	require.Error(t, err)
	var apiErr *enduser.APIError
	assert.False(t, errors.As(err, &apiErr), "no answer arrived: %v", err)
	assert.ErrorIs(t, wechat("lost-answer"), enduser.ErrOpenIDFetch, "the code was redeemed before the connection dropped")

	tok, err := c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: "o", OAuthTokenSecret: "s"})
	require.NoError(t, err)
	srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop())
	_, err = c.RefreshToken(bg, tok.RefreshToken)
	require.Error(t, err)
	_, err = c.RefreshToken(bg, tok.RefreshToken)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token rotated before the connection dropped")
	assert.Equal(t, 2, srv.Count(enduser.OpRefreshToken))
}

func TestProcessThenDropOnGenAuthRefresh(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	tok := genAuthLogin(t, newClient(t, srv.Config()), "c")
	srv.Inject(enduser.OpOIDCToken, endusertest.ProcessThenDrop())
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {srv.Config().GenAuth.AppID}}
	_, err := http.PostForm(srv.URL()+"/oidc/token", form) //nolint:bodyclose // no response arrives
	require.Error(t, err, "the connection closes before the answer")
	a := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	assert.Equal(t, "invalid_grant", a.str("error"), "the refresh token rotated all the same")
}

func TestFaultTargeting(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), noRetry)
	apple := func(token string) error {
		_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: token})
		return err
	}
	ada := srv.SeedUser(endusertest.Profile{Nickname: "Ada"}, "ada-token")

	t.Run("ForUser", func(t *testing.T) {
		srv.Inject(enduser.OpAppleLogin, endusertest.FailCode(5104).ForUser(ada))
		require.NoError(t, apple("someone-else"))
		assert.ErrorIs(t, apple("ada-token"), enduser.ErrUserDomainDisabled)
		require.NoError(t, apple("ada-token"))
	})
	t.Run("ForCode", func(t *testing.T) {
		wechat := func(code string) error {
			_, err := c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: code})
			return err
		}
		srv.Inject(enduser.OpWechatOfficialAccountLogin, endusertest.FailCode(5367).ForCode("bad-code"))
		require.NoError(t, wechat("good-code"))
		assert.ErrorIs(t, wechat("bad-code"), enduser.ErrOpenIDRequest)
		require.NoError(t, wechat("bad-code"), "the fault came before the code was redeemed")
	})
	t.Run("ForToken", func(t *testing.T) {
		a, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "a"})
		require.NoError(t, err)
		b, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "b"})
		require.NoError(t, err)
		srv.Inject(enduser.OpUserInfo, endusertest.FailCode(5033).ForToken(b.AccessToken))
		_, err = c.UserInfo(bg, a)
		require.NoError(t, err)
		_, err = c.UserInfo(bg, b)
		var apiErr *enduser.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 5033, apiErr.Code)
		assert.Equal(t, "emulated failure (injected fault)", apiErr.Message)

		srv.Inject(enduser.OpRefreshToken, endusertest.FailCode(5032).ForToken(a.RefreshToken))
		_, err = c.RefreshToken(bg, b.RefreshToken)
		require.NoError(t, err)
		_, err = c.RefreshToken(bg, a.RefreshToken)
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
		_, err = c.RefreshToken(bg, a.RefreshToken)
		require.NoError(t, err, "the injected failure did not spend the token")
	})
	t.Run("OnCall", func(t *testing.T) {
		srv.Inject(enduser.OpAppleLogin, endusertest.FailCode(5104).OnCall(3), endusertest.FailCode(5015))
		assert.ErrorIs(t, apple("x"), enduser.ErrUserDomainNotFound, "the untargeted fault takes the first call")
		require.NoError(t, apple("x"))
		assert.ErrorIs(t, apple("x"), enduser.ErrUserDomainDisabled, "the third matching call")
		require.NoError(t, apple("x"))
		assert.Zero(t, srv.Pending(enduser.OpAppleLogin))
	})
	t.Run("ForUser and OnCall together", func(t *testing.T) {
		srv.Inject(enduser.OpAppleLogin, endusertest.FailCode(5104).ForUser(ada).OnCall(2))
		require.NoError(t, apple("ada-token"))
		require.NoError(t, apple("other"), "other users do not count")
		assert.ErrorIs(t, apple("ada-token"), enduser.ErrUserDomainDisabled)
	})
}

func TestRateLimitedEnvelopes(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), noRetry)

	srv.Inject(enduser.OpAppleLogin, endusertest.RateLimited("30"))
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/v2/enduser/enduserapi/appleAuthLogin", strings.NewReader("identityToken=t"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a := do(t, req)
	assert.Equal(t, 429, a.status)
	assert.Equal(t, "30", a.header.Get("Retry-After"))
	assert.InDelta(t, 429, a.body["code"], 0)
	assert.Contains(t, a.str("msg"), "rate limit")

	srv.Inject(enduser.OpSignInByMobile, endusertest.RateLimited("7").InEnvelopeOnly())
	_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.GooglePayload{Code: "g"}})
	assert.ErrorIs(t, err, enduser.ErrRateLimited)
	var apiErr *enduser.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 429, apiErr.Code)
	assert.Equal(t, 200, apiErr.HTTPStatus, "GenAuth says 429 in the envelope only")

	srv.Inject(enduser.OpOIDCToken, endusertest.RateLimited("5"))
	o := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}})
	assert.Equal(t, 429, o.status)
	assert.Equal(t, "5", o.header.Get("Retry-After"))
	assert.Equal(t, "rate_limit_exceeded", o.str("error"))
}

func TestFailOAuth(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	tok := genAuthLogin(t, newClient(t, srv.Config()), "c")
	srv.Inject(enduser.OpOIDCToken, endusertest.FailOAuth(400, "invalid_grant").ForToken(tok.RefreshToken))
	a := oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	assert.Equal(t, 400, a.status)
	assert.Equal(t, "invalid_grant", a.str("error"))
	assert.Equal(t, "emulated failure (injected fault)", a.str("error_description"))
	a = oidcPost(t, srv, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	assert.Equal(t, 200, a.status, "the injected failure spent nothing")
}

func TestMessagesSayWhatWasChecked(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	cfg := srv.Config()
	cfg.UserDomainSecret = "wrong"
	// (the SDK scrubs its secrets from answers: a long token keeps the text readable)
	_, err := newClient(t, cfg).AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token-long"})
	var apiErr *enduser.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 5420, apiErr.Code)
	assert.NotContains(t, apiErr.Message, "emulated failure", "a real check is not an injected fault")
	assert.Contains(t, apiErr.Message, "identityToken")
	assert.Contains(t, apiErr.Message, "user domain secret")
}

func TestProcessThenDelayOutlivesTheClientsDeadline(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	// Long enough for a loaded machine to process the login before the
	// client gives up; the answer is held for a minute.
	c := newClient(t, srv.Config(), noRetry, enduser.WithTimeout(2*time.Second))
	srv.Inject(enduser.OpFacebookLogin, endusertest.ProcessThenDelay(time.Minute))
	_, err := c.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "slow"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err))
	_, err = c.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "slow"})
	assert.ErrorIs(t, err, enduser.ErrOpenIDFetch, "the code was redeemed though the client gave up")

	fast := newClient(t, srv.Config(), noRetry)
	srv.Inject(enduser.OpFacebookLogin, endusertest.ProcessThenDelay(50*time.Millisecond))
	_, err = fast.FacebookLogin(bg, enduser.FacebookLoginRequest{AppID: "fb", Code: "late"})
	require.NoError(t, err, "a patient client gets the late answer")
}

// net/http replays a GET that meets a closed kept-alive connection; the
// emulator's drop still reaches the caller, once.
func TestDropConnectionOnAReadIsVisible(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config(), noRetry)
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "reader"})
	require.NoError(t, err)
	_, err = c.UserInfo(bg, tok) // the connection is now kept alive
	require.NoError(t, err)
	srv.Inject(enduser.OpUserInfo, endusertest.DropConnection())
	_, err = c.UserInfo(bg, tok)
	require.Error(t, err)
	assert.Equal(t, 2, srv.Count(enduser.OpUserInfo), "no silent replay")
}
