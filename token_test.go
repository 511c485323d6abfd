package enduser_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

func TestTokenJSONKeepsEverythingForStorage(t *testing.T) {
	t.Parallel()
	tok := enduser.Token{AccessToken: "Bearer a", TokenType: "Bearer", Expiry: time.Unix(1744780894, 0).UTC(), RefreshToken: "r"}
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	var back enduser.Token
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, tok, back)
}

func TestTokenValidity(t *testing.T) {
	t.Parallel()
	var nilTok *enduser.Token
	assert.False(t, nilTok.Valid())
	assert.Empty(t, nilTok.AuthorizationHeader())
	assert.True(t, (&enduser.Token{AccessToken: "a"}).Valid(), "no expiry: valid")
	assert.False(t, (&enduser.Token{AccessToken: "a", Expiry: time.Now().Add(5 * time.Second)}).Valid(), "inside the leeway")
	assert.True(t, (&enduser.Token{AccessToken: "a", Expiry: time.Now().Add(time.Minute)}).Valid())
	assert.Equal(t, "Bearer x", (&enduser.Token{AccessToken: "x"}).AuthorizationHeader())
	assert.Equal(t, "bearer x", (&enduser.Token{AccessToken: "bearer x", TokenType: "Bearer"}).AuthorizationHeader())
}

// A hostile GenAuth server echoes the request's code, the app secret and the
// issued tokens into the token's type and scope, with terminal escapes:
// printing or logging the Token shows none of it.
func TestTokenPrintsOnlyKnownServerText(t *testing.T) {
	t.Parallel()
	const code, appSecret = "code-SECRET-42", "app-secret-XYZ"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"statusCode":200,"message":"ok","data":{`+
			`"access_token":"at-issued-0123","refresh_token":"rt-issued-4567","id_token":"id-issued-89",`+
			`"token_type":"Bearer at-issued-0123 \u001b[2J","expire_in":7200,`+
			`"scope":"openid code-SECRET-42 app-secret-XYZ rt-issued-4567 offline_access"}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{
		Host: srv.URL, AppID: "app", AppSecret: appSecret, AuthMethod: enduser.AuthClientSecretPost,
	}})
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.SignInByMobile(context.Background(), enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: "conn", Payload: enduser.WechatPayload{Code: code},
	})
	require.NoError(t, err)
	assert.Contains(t, tok.Scope, code, "the field keeps what the server sent")

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("t", "token", tok)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("t", "token", tok)
	out := fmt.Sprintf("%v %+v %#v %s %q %v %x", tok, tok, tok, tok, tok, *tok, *tok) + logs.String()
	for _, secret := range []string{code, appSecret, "at-issued-0123", "rt-issued-4567", "id-issued-89", "\x1b"} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "Scope:openid [redacted] [redacted] [redacted] offline_access")
	assert.Contains(t, out, "TokenType:[redacted]")
}
