package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGeneratedSentinelsAreUpToDate(t *testing.T) {
	want, err := GenerateGo()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join("..", "..", "..", "..", GoFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "run go generate ./... after changing a row")
}
