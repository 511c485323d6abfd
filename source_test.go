package enduser_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// bearer is what a service's code looks like when it takes a Source.
func bearer(ctx context.Context, src enduser.Source) (string, error) {
	t, err := src.Token(ctx)
	if err != nil {
		return "", err
	}
	return t.AuthorizationHeader(), nil
}

func TestStaticTokenSource(t *testing.T) {
	t.Parallel()
	tok := &enduser.Token{AccessToken: "Bearer AT-1"}
	src := enduser.StaticTokenSource(tok)
	for range 3 {
		got, err := src.Token(bg)
		require.NoError(t, err)
		assert.Same(t, tok, got)
	}
	h, err := bearer(bg, src)
	require.NoError(t, err)
	assert.Equal(t, "Bearer AT-1", h)

	_, err = enduser.StaticTokenSource(nil).Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenRequired)
}

func TestTokenSourceIsASource(t *testing.T) {
	t.Parallel()
	_, _, _, ts, tok := sessionFixture(t)
	h, err := bearer(bg, ts)
	require.NoError(t, err)
	assert.Equal(t, tok.AuthorizationHeader(), h)
}
