package enduser_test

import (
	"encoding/json"
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
