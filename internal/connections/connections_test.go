package connections_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/connections"
)

func TestTable(t *testing.T) {
	t.Parallel()
	table := connections.All()
	require.NotEmpty(t, table)
	for _, row := range table {
		got, ok := connections.Lookup(row.Name)
		require.True(t, ok, row.Name)
		assert.Equal(t, row.Type, got.Type, "Lookup finds the row by its name")
	}
	wechat, ok := connections.Lookup("wechat_mini_program_code_and_phone")
	require.True(t, ok)
	assert.Equal(t, []string{"wxLoginInfo.code", "wxPhoneInfo.code"}, wechat.Required())
	baidu, _ := connections.Lookup("baidu")
	assert.Equal(t, []string{"code|access_token"}, baidu.Required())
	douyin, _ := connections.Lookup("douyin_mini_program_code_and_phone")
	assert.Equal(t, []string{"loginParams.code"}, douyin.Required())
	_, ok = connections.Lookup("wechat_mini_program_code_and_phone ")
	assert.False(t, ok, "the seed's trailing space is not a connection")
}
