package enduser

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExcerptNeverShowsPartOfASecret(t *testing.T) {
	secret := "S3CRET-" + strings.Repeat("x", 600)
	for _, at := range []int{0, 1, 100, 127, 500, 511, 512} {
		body := []byte(strings.Repeat("a", at) + secret + "tail")
		got := excerpt(body, []string{secret})
		assert.NotContains(t, got, "S3CRET", "secret at %d", at)
		assert.NotContains(t, got, "xxxx", "secret at %d", at)
		assert.LessOrEqual(t, len(got), excerptLen)
	}
	assert.Equal(t, "bad.gateway", excerpt([]byte("bad\ngateway"), nil), "control bytes are replaced")
}
