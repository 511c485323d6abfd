package enduser_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed1804ee03/enduser"
)

func TestSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		secret string
		fields []string
		want   string
	}{
		{
			name:   "SPEC.md vector",
			secret: "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
			fields: []string{"13800138000", "3", "76a6L647F02CAoN9", "1744773894369"},
			want:   "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891",
		},
		{
			name: "empty input is the hash of the empty string",
			want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		},
		{
			name:   "fields are concatenated without separators",
			secret: "7yZESnF5VM33",
			fields: []string{"13800138000", "3", "76a6L647F02CAoN9", "1744773894369", "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ"},
			want:   "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891",
		},
		{
			name:   "raw values are hashed before URL escaping (UTF-8)",
			secret: "s",
			fields: []string{"a b&c", "中"},
			want:   enduser.Sign("", "a b&c中s"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := enduser.Sign(tt.secret, tt.fields...)
			assert.Equal(t, tt.want, got)
			assert.Len(t, got, 64)
		})
	}
	assert.NotEqual(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		enduser.Sign("57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", "13800138000", "3", "76a6L647F02CAoN9", "1744773894369"),
		"the documentation's example is the hash of the empty string and must not be reproduced")
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'x'
	}
	assert.Equal(t, enduser.Sign("", string(long)+"k"), enduser.Sign("k", string(long)), "inputs longer than the stack buffer")
}
