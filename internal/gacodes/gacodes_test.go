package gacodes_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/gacodes"
)

const (
	begin = "<!-- BEGIN genauth-codes: generated from internal/gacodes by its test (UPDATE_README=1); do not edit -->\n"
	end   = "<!-- END genauth-codes -->"
)

// TestREADMECodeTable checks that the README's GenAuth code table is the
// table's rendering; UPDATE_README=1 rewrites it.
func TestREADMECodeTable(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(raw)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	require.True(t, i >= 0 && j > i, "README.md has no generated GenAuth code table")
	want := readme[:i+len(begin)] + gacodes.Markdown() + readme[j:]
	if os.Getenv("UPDATE_README") == "1" {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o600))
		return
	}
	assert.Equal(t, want, readme, "README.md's GenAuth code table is stale: run UPDATE_README=1 go test ./internal/gacodes")
}

// TestRows checks each table: ascending unique codes, a name, a meaning, a
// known class and group, and an Of that is a row.
func TestRows(t *testing.T) {
	classes := []string{gacodes.InvalidRequest, gacodes.Misconfigured, gacodes.ReLogin, gacodes.Denied, gacodes.RateLimited, gacodes.Server}
	for _, rows := range [][]gacodes.Row{gacodes.Statuses, gacodes.APICodes} {
		require.NotEmpty(t, rows)
		assert.True(t, sort.SliceIsSorted(rows, func(i, j int) bool { return rows[i].Code < rows[j].Code }))
		for i, r := range rows {
			if i > 0 {
				assert.NotEqual(t, rows[i-1].Code, r.Code)
			}
			assert.True(t, strings.HasPrefix(r.Name, "ErrGenAuth"), r.Code)
			assert.NotEmpty(t, r.Text, r.Code)
			assert.Contains(t, classes, r.Class, r.Code)
			assert.Contains(t, []string{"", gacodes.Step, gacodes.Tenant, gacodes.App}, r.Group, r.Code)
			if r.Of != 0 {
				assert.NotNil(t, gacodes.API(r.Of), r.Code)
			}
		}
	}
	assert.Nil(t, gacodes.API(4242))
	assert.Equal(t, "ClassRateLimited", gacodes.GoClass(gacodes.RateLimited))
	assert.Equal(t, "ClassReLogin", gacodes.GoClass(gacodes.ReLogin))
}
