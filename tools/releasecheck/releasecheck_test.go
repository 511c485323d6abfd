package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && !errors.Is(err, errCheck) {
			t.Errorf("%s: want a release-check error, got %v", tt.name, err)
		}
	}
	if err := checkGoMod(core, "sub/go.mod", mod(core+" v0.3.0"), core+"/other", released); !errors.Is(err, errCheck) {
		t.Errorf("a go.mod of another module: %v", err)
	}
}

// TestResolve: a tag and its recorded commit must agree; a clone without
// the tag uses the recorded commit; neither is an error, never a pass.
func TestResolve(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed:", err)
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+core+"\n\ngo 1.25.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git("add", "go.mod")
	git("commit", "-qm", "one")
	first := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "two")
	second := git("rev-parse", "HEAD")
	r, err := openRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	write := func(text string) []release {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "versions"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		rels, err := readVersions(r, "versions")
		if err != nil {
			t.Fatal(err)
		}
		return rels
	}

	rels := write("v0.3.0\n")
	if err := r.resolve(rels); !errors.Is(err, errCheck) {
		t.Fatalf("no tag and no recorded commit: %v", err)
	}
	rels = write("# a comment\nv0.3.0 " + first + "\n")
	if err := r.resolve(rels); err != nil || rels[0].Commit != first {
		t.Fatalf("recorded commit without the tag: %v %q", err, rels[0].Commit)
	}
	git("tag", "v0.3.0", second)
	if err := r.resolve(write("v0.3.0 " + first + "\n")); !errors.Is(err, errCheck) {
		t.Fatalf("the tag and the record disagree: %v", err)
	}
	rels = write("v0.3.0\n")
	if err := r.resolve(rels); err != nil || rels[0].Commit != second {
		t.Fatalf("the tag alone: %v %q", err, rels[0].Commit)
	}
	rels = write("# kept\nv0.3.0\n")
	if err := recordVersions(r, "versions", rels); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "versions"))
	if string(b) != "# kept\nv0.3.0 "+second+"\n" {
		t.Fatalf("recorded: %q", b)
	}
	for _, bad := range []string{"v0.3\n", "v0.3.0 abc\n", "sub/v0.3.0\nsub/v0.4.0\n", "\n", "v0.3.0 " + first + " extra\n"} {
		if err := os.WriteFile(filepath.Join(dir, "versions"), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readVersions(r, "versions"); !errors.Is(err, errCheck) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
