package endpoints_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/endpoints"
)

func TestTable(t *testing.T) {
	t.Parallel()
	table := endpoints.All()
	ops := map[string]bool{}
	for _, e := range table {
		assert.False(t, ops[e.Op], "one row per endpoint: %s", e.Op)
		ops[e.Op] = true
		assert.False(t, e.Signed && e.Carrier, "%s: one signature", e.Op)
		assert.True(t, slices.IsSorted(e.Codes), e.Op)
		for _, f := range e.Fields {
			assert.Contains(t, e.Codes, f.Missing, "%s.%s", e.Op, f.Name)
			for _, c := range f.AlsoMatches {
				assert.Contains(t, e.Codes, c, "%s.%s", e.Op, f.Name)
			}
		}
		if e.Signed {
			assert.Subset(t, e.Codes, []int{5146, 5147, 5148, 5325, 5420, 5550}, e.Op)
			assert.Equal(t, []string{"mcc"}, e.Optional, e.Op)
		}
	}
	alipay, ok := endpoints.Lookup("alipayAuthLogin")
	require.True(t, ok)
	assert.Equal(t, endpoints.Field{Name: "authCode", Missing: 5354, AlsoMatches: []int{5372}, Credential: true, SingleUse: true}, alipay.Fields[1])
	qq, ok := endpoints.Lookup("qqAuthLogin")
	require.True(t, ok)
	assert.Equal(t, []endpoints.Field{{Name: "accessToken", Missing: 5366, Credential: true}}, qq.Fields)
	phone, ok := endpoints.Lookup("phoneAuthLogin")
	require.True(t, ok)
	assert.True(t, phone.Carrier)
	var names []string
	for _, f := range phone.Fields {
		names = append(names, f.Name)
		assert.Equal(t, f.Name != "token", f.Public, "only the carrier's token is a secret among the sent fields")
	}
	assert.Equal(t, []string{"appid", "version", "msgid", "systemtime", "strictcheck", "token"}, names, "the carrier's sign order")
}
