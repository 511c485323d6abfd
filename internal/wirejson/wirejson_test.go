package wirejson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// AppendString writes what encoding/json writes, for plain and escaped
// strings alike.
func TestAppendStringIsEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "<a>&", "ctl\x01\n", "汉字", "bad\xffutf8", "\u2028"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(AppendString([]byte("x"), s))[1:], "%q", s)
	}
}

// Decode refuses an unknown field, naming it (cut when long) and never a
// value, and refuses trailing data.
func TestDecodeIsStrict(t *testing.T) {
	t.Parallel()
	type p struct {
		Code string `json:"code"`
	}
	got, err := Decode[p]([]byte(`{"code":"c1"}`))
	require.NoError(t, err)
	assert.Equal(t, "c1", got.Code)

	_, err = Decode[p]([]byte(`{"code":"c1","cod":"SECRET"}`))
	name, ok := UnknownField(err)
	assert.True(t, ok)
	assert.Equal(t, "cod", name)

	long := strings.Repeat("f", 100)
	_, err = Decode[p]([]byte(`{"` + long + `":1}`))
	name, ok = UnknownField(err)
	assert.True(t, ok)
	assert.Equal(t, long[:maxName]+"…", name)

	for _, bad := range []string{`{"code":"c1"} {}`, `{"code":"c1"}x`, `[1]`, `{"code":1}`} {
		_, err = Decode[p]([]byte(bad))
		require.Error(t, err, bad)
		_, ok = UnknownField(err)
		assert.False(t, ok, bad)
	}
	_, ok = UnknownField(nil)
	assert.False(t, ok)
}
