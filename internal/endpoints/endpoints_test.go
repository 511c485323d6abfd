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
	require.Len(t, table, 9)
	for _, e := range table {
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
	_, ok = endpoints.Lookup("qqAuthLogin")
	assert.False(t, ok, "qqAuthLogin's parameters are undocumented: no row")
}
