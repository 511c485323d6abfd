package enduser_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// What a caller sees when the server processed a call (redeemed the code,
// rotated the refresh token, revoked the session) and the connection then
// closed before the answer: an error that is no answer of the server, one
// request on the wire (the SDK never resends: the credential may be spent),
// and a credential that is indeed spent. Each faulted call goes out on a
// kept-alive connection, where net/http itself would replay a rewindable
// request, so the test also covers the transport's own retry.
func TestProcessThenDropIsNeverResent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	wechat := func(c *enduser.Client, code string) (*enduser.Token, error) {
		return c.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: code})
	}
	mobile := func(c *enduser.Client, code string) (*enduser.Token, error) {
		return c.SignInByMobile(ctx, enduser.MobileSignInRequest{
			ExtIdpConnIdentifier: "conn", Payload: enduser.WechatPayload{Code: code},
			Options: &enduser.MobileSignInOptions{Scope: "openid offline_access"},
		})
	}
	type session struct {
		c   *enduser.Client
		tok *enduser.Token // a live session to act on, made before the fault
	}
	tests := []struct {
		endpoint string
		genAuth  bool
		calls    int // requests the call makes (0: one)
		call     func(s session) error
		// spent checks the state change happened: the same call again fails
		// because the first one was processed.
		spent func(t *testing.T, s session)
	}{
		{endpoint: enduser.OpWechatOfficialAccountLogin,
			call: func(s session) error { _, err := wechat(s.c, "code-1"); return err },
			spent: func(t *testing.T, s session) {
				_, err := wechat(s.c, "code-1")
				assert.ErrorIs(t, err, enduser.ErrOpenIDFetch, "the code was redeemed")
			}},
		{endpoint: enduser.OpAlipayLogin,
			call: func(s session) error {
				_, err := s.c.AlipayLogin(ctx, enduser.AlipayLoginRequest{AppID: "ali", AuthCode: "code-2"})
				return err
			},
			spent: func(t *testing.T, s session) {
				_, err := s.c.AlipayLogin(ctx, enduser.AlipayLoginRequest{AppID: "ali", AuthCode: "code-2"})
				assert.ErrorIs(t, err, enduser.ErrOpenIDFetch, "the code was redeemed")
			}},
		{endpoint: enduser.OpFacebookLogin,
			call: func(s session) error {
				_, err := s.c.FacebookLogin(ctx, enduser.FacebookLoginRequest{AppID: "fb", Code: "code-4"})
				return err
			},
			spent: func(t *testing.T, s session) {
				_, err := s.c.FacebookLogin(ctx, enduser.FacebookLoginRequest{AppID: "fb", Code: "code-4"})
				assert.ErrorIs(t, err, enduser.ErrOpenIDFetch, "the code was redeemed")
			}},
		{endpoint: enduser.OpWechatMiniProgramLogin,
			call: func(s session) error {
				_, err := s.c.WechatMiniProgramLogin(ctx, enduser.WechatMiniProgramLoginRequest{AppID: "mini", JSCode: "code-5"})
				return err
			},
			spent: func(t *testing.T, s session) {
				_, err := s.c.WechatMiniProgramLogin(ctx, enduser.WechatMiniProgramLoginRequest{AppID: "mini", JSCode: "code-5"})
				assert.ErrorIs(t, err, enduser.ErrOpenIDFetch, "the code was redeemed")
			}},
		{endpoint: enduser.OpTwitterLogin, // no single-use credential: a session was made and lost
			call: func(s session) error {
				_, err := s.c.TwitterLogin(ctx, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: "o", OAuthTokenSecret: "s"})
				return err
			}},
		{endpoint: enduser.OpAppleLogin,
			call: func(s session) error {
				_, err := s.c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple"})
				return err
			}},
		{endpoint: enduser.OpRefreshToken,
			call: func(s session) error { _, err := s.c.RefreshToken(ctx, s.tok.RefreshToken); return err },
			spent: func(t *testing.T, s session) {
				_, err := s.c.RefreshToken(ctx, s.tok.RefreshToken)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token rotated")
			}},
		{endpoint: enduser.OpLogout,
			call: func(s session) error { return s.c.Logout(ctx, s.tok, "") },
			spent: func(t *testing.T, s session) {
				_, err := s.c.UserInfo(ctx, s.tok)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the session was logged out")
			}},
		{endpoint: enduser.OpSignInByMobile, genAuth: true,
			call: func(s session) error { _, err := mobile(s.c, "code-3"); return err },
			spent: func(t *testing.T, s session) {
				_, err := mobile(s.c, "code-3")
				var apiErr *enduser.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Contains(t, apiErr.Message, "already redeemed")
			}},
		{endpoint: enduser.OpOIDCToken, genAuth: true,
			call: func(s session) error { _, err := s.c.Refresh(ctx, s.tok); return err },
			spent: func(t *testing.T, s session) {
				_, err := s.c.Refresh(ctx, s.tok)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "invalid_grant: the refresh token rotated")
			}},
		{endpoint: enduser.OpOIDCRevocation, genAuth: true, calls: 2, // the refresh token's revocation drops; the access token's follows
			call: func(s session) error { return s.c.Logout(ctx, s.tok, "") },
			spent: func(t *testing.T, s session) {
				_, err := s.c.Refresh(ctx, s.tok)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token was revoked")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t)
			c, err := enduser.NewClient(srv.Config())
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)

			// A session made on the connection the faulted call will reuse.
			s := session{c: c}
			if tt.genAuth {
				s.tok, err = mobile(c, "warm-up")
			} else {
				s.tok, err = wechat(c, "warm-up")
			}
			require.NoError(t, err)
			before := srv.Count(tt.endpoint)

			srv.Inject(tt.endpoint, endusertest.ProcessThenDrop())
			err = tt.call(s)
			require.Error(t, err, "no answer arrived")
			var apiErr *enduser.APIError
			assert.False(t, errors.As(err, &apiErr), "the error is not a server answer: %v", err)
			assert.NotErrorIs(t, err, enduser.ErrUnexpectedResponse, "nothing was answered, not a bad answer")
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "it fails at once, not at the deadline")
			calls := max(tt.calls, 1)
			assert.Equal(t, before+calls, srv.Count(tt.endpoint), "sent once: the SDK does not resend")
			if calls > 1 {
				var hints []string
				for _, r := range srv.Requests()[len(srv.Requests())-calls:] {
					hints = append(hints, r.Form.Get("token_type_hint"))
				}
				assert.Equal(t, []string{"refresh_token", "access_token"}, hints, "two different requests, none resent")
			}
			assert.Zero(t, srv.Pending(tt.endpoint))

			if tt.spent != nil {
				tt.spent(t, s)
			}
		})
	}
}

// A read that met a dropped connection: net/http would replay a GET on a
// kept-alive connection by itself, so the emulator lets a status line through
// before it drops, and the caller sees the failure of its one request.
func TestProcessThenDropOnReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	v2, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "reader"})
	require.NoError(t, err)
	ga, err := c.SignInByMobile(ctx, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.GooglePayload{Code: "reader"}})
	require.NoError(t, err)
	idToken := ga.IDToken

	for endpoint, read := range map[string]func() error{
		enduser.OpUserInfo:     func() error { _, err := c.UserInfo(ctx, v2); return err },
		enduser.OpOIDCUserInfo: func() error { _, err := c.UserInfo(ctx, ga); return err },
		enduser.OpOIDCKeys:     func() error { _, err := c.VerifyIDToken(ctx, idToken); return err },
	} {
		before := srv.Count(endpoint)
		srv.Inject(endpoint, endusertest.ProcessThenDrop())
		err := read()
		require.Error(t, err, endpoint)
		var apiErr *enduser.APIError
		assert.False(t, errors.As(err, &apiErr), "%s: not a server answer: %v", endpoint, err)
		assert.Equal(t, before+1, srv.Count(endpoint), "%s: one request", endpoint)
		// go-oidc may hand a fetch that has just failed to the next
		// verification, so the next call is polled rather than expected
		// to work at once.
		require.Eventually(t, func() bool { return read() == nil }, 5*time.Second, 10*time.Millisecond,
			"%s: the next call works", endpoint)
	}
}
