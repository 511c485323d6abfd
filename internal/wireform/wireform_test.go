package wireform

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAppendIsQueryEscape: every byte, and strings mixing them, come out
// as url.QueryEscape writes them, joined by '&' after the first.
func TestAppendIsQueryEscape(t *testing.T) {
	t.Parallel()
	for ch := range 256 {
		s := string([]byte{'a', byte(ch), 'b'})
		assert.Equal(t, "k="+url.QueryEscape(s), string(Append(nil, "k", s)), "byte %#x", ch)
	}
	for _, s := range []string{"", "plain-_.~09AZaz", "a b+c&d=e%f", "汉字 é", "\x00\xff", "Bearer eyJ.x/y=="} {
		assert.Equal(t, "x=1&k="+url.QueryEscape(s), string(Append([]byte("x=1"), "k", s)), "%q", s)
	}
}

// TestAppendPlain writes a value that needs no escaping as Append would.
func TestAppendPlain(t *testing.T) {
	t.Parallel()
	const hexDigest = "0123456789abcdefABCDEF"
	assert.Equal(t, string(Append([]byte("x=1"), "sign", hexDigest)), string(AppendPlain([]byte("x=1"), "sign", hexDigest)))
	assert.Equal(t, "sign="+hexDigest, string(AppendPlain(nil, "sign", hexDigest)))
}
