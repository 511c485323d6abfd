package downstream_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/examples/downstream"
)

// The refresh reached the server, which rotated the refresh token, and the
// answer was lost (endusertest.ProcessThenDrop). The service must fail
// loudly, not resend a spent token and not serve a stale one: first "try
// later" (the outcome is unknown), then "log in again" (the refresh token
// may be spent), and after a new login the session works again.
func TestRefreshAnswerLostFailsLoudly(t *testing.T) {
	for _, family := range []enduser.Family{enduser.FamilyV2, enduser.FamilyGenAuth} {
		t.Run(string(family), func(t *testing.T) {
			ctx := context.Background()
			clk := endusertest.NewClock(time.Now())
			srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
			srv.SeedUser(endusertest.Profile{UID: "u-ada", Nickname: "Ada"}, "ada-code-1", "ada-code-2")
			client, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now))
			require.NoError(t, err)
			t.Cleanup(client.CloseIdleConnections)
			accounts := downstream.NewAccounts(client, enduser.NewMemoryStore())

			login := func(code string) *enduser.Token {
				var tok *enduser.Token
				if family == enduser.FamilyV2 {
					tok, err = client.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: code})
				} else {
					tok, err = client.SignInByMobile(ctx, enduser.MobileSignInRequest{
						ExtIdpConnIdentifier: "wechat", Payload: enduser.WechatPayload{Code: code},
						Options: &enduser.MobileSignInOptions{Scope: "openid profile offline_access"},
					})
				}
				require.NoError(t, err)
				return tok
			}
			refreshOp := map[enduser.Family]string{enduser.FamilyV2: enduser.OpRefreshToken, enduser.FamilyGenAuth: enduser.OpOIDCToken}[family]

			require.NoError(t, accounts.Save(ctx, "session-1", login("ada-code-1")))
			info, err := accounts.Profile(ctx, "session-1")
			require.NoError(t, err)
			assert.Equal(t, "u-ada", info.UID)

			clk.Advance(3 * time.Hour) // the access token expired: the next call refreshes
			srv.Inject(refreshOp, endusertest.ProcessThenDrop())
			_, err = accounts.Profile(ctx, "session-1")
			assert.ErrorIs(t, err, downstream.ErrTryLater, "the refresh's outcome is unknown")
			assert.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(err))
			assert.Equal(t, 1, srv.Count(refreshOp), "sent once")

			// The SDK stored the session without the refresh token the lost
			// refresh may have spent: no replica sends it again.
			_, err = accounts.Profile(ctx, "session-1")
			assert.ErrorIs(t, err, downstream.ErrLoginAgain, "the refresh token may be spent: the session is over")
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
			_, err = accounts.Profile(ctx, "session-1")
			assert.ErrorIs(t, err, downstream.ErrLoginAgain)
			assert.Equal(t, 1, srv.Count(refreshOp), "the possibly spent refresh token is never sent again")

			require.NoError(t, accounts.Save(ctx, "session-1", login("ada-code-2")))
			info, err = accounts.Profile(ctx, "session-1")
			require.NoError(t, err, "a new login revives the session")
			assert.Equal(t, "u-ada", info.UID)
		})
	}
}

// Logout ends the session: the next profile read asks for a new login, and
// the token was revoked at its host.
func TestLogoutEndsTheSession(t *testing.T) {
	ctx := context.Background()
	srv := endusertest.NewServer(t)
	srv.SeedUser(endusertest.Profile{UID: "u-ada", Nickname: "Ada"}, "ada-code-1")
	client, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	accounts := downstream.NewAccounts(client, enduser.NewMemoryStore())
	tok, err := client.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: "ada-code-1"})
	require.NoError(t, err)
	require.NoError(t, accounts.Save(ctx, "session-1", tok))
	_, err = accounts.Profile(ctx, "session-1")
	require.NoError(t, err)

	require.NoError(t, accounts.Logout(ctx, "session-1"))
	_, err = accounts.Profile(ctx, "session-1")
	assert.ErrorIs(t, err, downstream.ErrLoginAgain)
	assert.Equal(t, 1, srv.Count(enduser.OpLogout))
}
