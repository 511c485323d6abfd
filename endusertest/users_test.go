package endusertest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func TestRevokeTokenByValue(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c := newClient(t, srv.Config())
	g := genAuthLogin(t, c, "c")
	v2, err := logins[enduser.OpTwitterLogin](c, "r")
	require.NoError(t, err)

	assert.True(t, srv.RevokeToken(v2.AccessToken), "with its Bearer prefix")
	_, err = c.UserInfo(bg, v2)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	_, err = c.RefreshToken(bg, v2.RefreshToken)
	require.NoError(t, err, "revoking an access token leaves the refresh token")

	assert.True(t, srv.RevokeToken(g.RefreshToken))
	assert.False(t, srv.RevokeToken(g.RefreshToken), "already revoked")
	assert.Equal(t, 401, get(t, srv, "/oidc/me", "Bearer "+g.AccessToken).status)
	assert.False(t, srv.RevokeToken("never-issued"))
}
