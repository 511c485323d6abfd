package enduser_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// A GenAuth session against the emulator, end to end, under each client
// authentication method: sign in, verify the id token, user info,
// introspection, refresh (rotation), logout (revocation).
func TestGenAuthSessionAgainstEmulator(t *testing.T) {
	t.Parallel()
	for _, m := range []enduser.ClientAuthMethod{enduser.AuthNone, enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			srv := endusertest.NewServer(t, endusertest.WithGenAuthApp(testAppID, testAppSecret, m))
			uid := srv.SeedUser(endusertest.Profile{Nickname: "Ada", Email: "ada@example.com", Phone: "+8613800138000", Picture: "https://cdn.example.com/a.png"}, "wx-code-ada")
			c, err := enduser.NewClient(srv.Config())
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)

			tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{
				ExtIdpConnIdentifier: "wechat-mobile", Payload: enduser.WechatPayload{Code: "wx-code-ada"},
				Options: &enduser.MobileSignInOptions{Scope: "openid profile email phone offline_access"},
			})
			require.NoError(t, err)
			require.NotEmpty(t, tok.IDToken)

			id, err := c.VerifyIDToken(bg, tok.IDToken)
			require.NoError(t, err, "a good RS256 token from the emulator")
			assert.Equal(t, uid, id.Subject)
			assert.Equal(t, srv.Issuer(), id.Issuer)
			assert.Equal(t, []string{testAppID}, id.Audience)
			var claims struct {
				Email string `json:"email"`
			}
			require.NoError(t, id.Claims(&claims))
			assert.Equal(t, "ada@example.com", claims.Email)

			info, err := c.UserInfo(bg, tok)
			require.NoError(t, err)
			assert.Equal(t, uid, info.UID)
			assert.Equal(t, "Ada", info.Nickname)
			assert.Equal(t, "ada@example.com", info.Email)
			assert.Equal(t, "+8613800138000", info.Phone)
			assert.Equal(t, "https://cdn.example.com/a.png", info.HeadImg)

			in, err := c.Introspect(bg, tok)
			require.NoError(t, err)
			assert.True(t, in.Active)
			assert.Equal(t, uid, in.Subject)

			fresh, err := c.Refresh(bg, tok)
			require.NoError(t, err)
			assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
			assert.Equal(t, enduser.FamilyGenAuth, fresh.Family)
			_, err = c.Refresh(bg, tok)
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the used refresh token is invalid_grant")

			require.NoError(t, c.Logout(bg, fresh, ""))
			in, err = c.Introspect(bg, fresh)
			require.NoError(t, err)
			assert.False(t, in.Active, "revoked")
			_, err = c.UserInfo(bg, fresh)
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "a revoked access token")
			_, err = c.Refresh(bg, fresh)
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "a revoked refresh token")
		})
	}
}

func TestVerifyIDTokenFromEmulator(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	var later atomic.Int64 // the client's clock runs ahead by this, for the key refetch interval
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(func() time.Time { return time.Now().Add(time.Duration(later.Load())) }))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	good, err := srv.SignIDToken(map[string]any{"sub": "u-1"})
	require.NoError(t, err)
	id, err := c.VerifyIDToken(bg, good)
	require.NoError(t, err)
	assert.Equal(t, "u-1", id.Subject)

	for name, claims := range map[string]map[string]any{
		"wrong audience": {"aud": "another-app"},
		"wrong issuer":   {"iss": "https://evil.example/oidc"},
		"expired":        {"exp": int64(1)},
	} {
		raw, err := srv.SignIDToken(claims)
		require.NoError(t, err)
		_, err = c.VerifyIDToken(bg, raw)
		assert.ErrorIs(t, err, enduser.ErrIDTokenInvalid, name)
	}

	// A rotated key is fetched once, on the first token that names it a
	// minute after the last fetch (TestVerifyIDTokenKeyRotation).
	require.NoError(t, srv.RotateSigningKey(nil))
	rotated, err := srv.SignIDToken(map[string]any{"exp": time.Now().Add(2 * time.Hour).Unix()})
	require.NoError(t, err)
	before := srv.Count(enduser.OpOIDCKeys)
	later.Store(int64(time.Minute))
	_, err = c.VerifyIDToken(bg, rotated)
	require.NoError(t, err)
	fetched := srv.Count(enduser.OpOIDCKeys)
	assert.Equal(t, before+1, fetched)
	_, err = c.VerifyIDToken(bg, rotated)
	require.NoError(t, err)
	assert.Equal(t, fetched, srv.Count(enduser.OpOIDCKeys), "a known key is not fetched again")
}

func TestVerifyIDTokenHS256FromEmulator(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t, endusertest.WithGenAuthApp(testAppID, hs256Secret, enduser.AuthClientSecretPost), endusertest.WithHS256IDTokens())
	cfg := srv.Config()
	cfg.GenAuth.IDTokenSigningAlg = enduser.IDTokenHS256
	c, err := enduser.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	raw, err := srv.SignIDToken(map[string]any{"sub": "u-hs"})
	require.NoError(t, err)
	id, err := c.VerifyIDToken(bg, raw)
	require.NoError(t, err)
	assert.Equal(t, "u-hs", id.Subject)
	assert.Equal(t, 0, srv.Count(enduser.OpOIDCKeys), "HS256 fetches no keys")
}
