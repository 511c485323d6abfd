package endusertest_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLinksNoGenerator: endusertest is imported into users' tests, so it
// (and the SDK under it) must not link the code generators' go/parser and
// go/format; generators live in their own cmd packages.
func TestLinksNoGenerator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	assert.NotContains(t, deps, "go/parser")
	assert.NotContains(t, deps, "go/format")
	assert.Contains(t, deps, "github.com/seed1804ee03/enduser", "the list holds the SDK itself")
}
