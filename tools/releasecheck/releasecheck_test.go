package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const core = "example.com/lib"

func TestCheckGoModRefusesUnreleasedRequires(t *testing.T) {
	released := map[string]string{core: "v0.3.0", core + "/sub": "v0.3.0"}
	mod := func(req string) []byte {
		return []byte("module " + core + "/sub\n\ngo 1.25.0\n\nrequire (\n\t" + req + "\n\tgithub.com/other/dep v1.2.3\n)\n\nreplace " + core + " => ../\n")
	}
	tests := []struct {
		name, req string
		ok        bool
	}{
		{"the released version", core + " v0.3.0", true},
		{"a pseudo-version", core + " v0.0.0-00010101000000-000000000000", false},
		{"v0.0.0", core + " v0.0.0", false},
		{"a later version", core + " v0.4.0", false},
		{"an earlier version", core + " v0.2.0", false},
		{"a module of the repository with no release", core + "/tools v0.3.0", false},
	}
	for _, tt := range tests {
		err := checkGoMod(core, "sub/go.mod", mod(tt.req), core+"/sub", released)
		if tt.ok {
			assert.NoError(t, err, tt.name)
		} else {
			assert.ErrorIs(t, err, errCheck, tt.name)
		}
	}
	assert.ErrorIs(t, checkGoMod(core, "sub/go.mod", mod(core+" v0.3.0"), core+"/other", released), errCheck, "a go.mod of another module")
}

// TestResolve: a tag and its recorded commit must agree; a clone without
// the tag uses the recorded commit; neither is an error, never a pass.
func TestResolve(t *testing.T) {
	_, err := exec.LookPath("git")
	require.NoError(t, err, "git is needed")
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+core+"\n\ngo 1.25.0\n"), 0o600))
	git("add", "go.mod")
	git("commit", "-qm", "one")
	first := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "two")
	second := git("rev-parse", "HEAD")
	r, err := openRepo(dir)
	require.NoError(t, err)
	write := func(text string) []release {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "versions"), []byte(text), 0o600))
		rels, err := readVersions(r, "versions")
		require.NoError(t, err)
		return rels
	}

	rels := write("v0.3.0\n")
	require.ErrorIs(t, r.resolve(rels), errCheck, "no tag and no recorded commit")
	rels = write("# a comment\nv0.3.0 " + first + "\n")
	require.NoError(t, r.resolve(rels), "a recorded commit without the tag")
	assert.Equal(t, first, rels[0].Commit)
	git("tag", "v0.3.0", second)
	require.ErrorIs(t, r.resolve(write("v0.3.0 "+first+"\n")), errCheck, "the tag and the record disagree")
	rels = write("v0.3.0\n")
	require.NoError(t, r.resolve(rels), "the tag alone")
	assert.Equal(t, second, rels[0].Commit)
	rels = write("# kept\nv0.3.0\n")
	require.NoError(t, recordVersions(r, "versions", rels))
	b, err := os.ReadFile(filepath.Join(dir, "versions"))
	require.NoError(t, err)
	assert.Equal(t, "# kept\nv0.3.0 "+second+"\n", string(b))
	for _, bad := range []string{"v0.3\n", "v0.3.0 abc\n", "sub/v0.3.0\nsub/v0.4.0\n", "\n", "v0.3.0 " + first + " extra\n"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "versions"), []byte(bad), 0o600))
		_, err := readVersions(r, "versions")
		assert.ErrorIs(t, err, errCheck, "%q", bad)
	}
}
