package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestQuickstartOnTheEmulator(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(string) string { return "" }))
	s := out.String()
	for _, name := range []string{"Twitter", "Apple", "WeChat Official Account", "GenAuth mobile (wechat)"} {
		assert.Contains(t, s, name)
	}
	assert.Equal(t, 5, strings.Count(s, "AccessToken:[redacted]"), "four logins and one GenAuth refresh, redacted")
	assert.Regexp(t, `verified id token\s+sub=uid-\S+\n\s+refreshed\s+enduser.Token\{Family:genauth`, s, "the GenAuth user from the verified id token, then one refresh")
	assert.NotContains(t, s, "emu-at-", "no token material is printed")
	assert.Contains(t, s, "errors.Is(err, enduser.ErrSignatureInvalid)")
	assert.Contains(t, s, "code 5420")
}
