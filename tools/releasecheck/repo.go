package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// repo is the git repository the modules are released from.
type repo struct {
	root     string // absolute path of the work tree
	corePath string // module path of the root module
}

// release is one module at one version: a line of the versions file.
type release struct {
	Tag     string // e.g. "v0.3.0" or "redisstore/v0.3.0"
	Subdir  string // the module's directory, "" for the root module
	Version string // e.g. "v0.3.0"
	Path    string // module path
	Commit  string // the commit the tag names: recorded, or resolved from the tag
	line    int
}

func openRepo(dir string) (*repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r := &repo{root: abs}
	top, err := r.git("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not a git work tree: %w", abs, err)
	}
	r.root = strings.TrimSpace(top)
	gomod, err := os.ReadFile(filepath.Join(r.root, "go.mod"))
	if err != nil {
		return nil, err
	}
	r.corePath = modfile.ModulePath(gomod)
	if r.corePath == "" {
		return nil, fmt.Errorf("%s/go.mod names no module", r.root)
	}
	return r, nil
}

// git runs git in the repository and returns its standard output.
func (r *repo) git(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command("git", args...) //nolint:gosec,noctx // G204: fixed git subcommands; a tool run to completion
	cmd.Dir = r.root
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// show returns a file of the repository at commit.
func (r *repo) show(commit, file string) ([]byte, error) {
	out, err := r.git("show", commit+":"+file)
	return []byte(out), err
}

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// readVersions parses the versions file: `TAG [COMMIT]` per line, # starts
// a comment. A tag is `vX.Y.Z` for the root module or `DIR/vX.Y.Z` for the
// module in directory DIR (the tag names of https://go.dev/ref/mod#vcs-version).
func readVersions(r *repo, file string) ([]release, error) {
	b, err := os.ReadFile(filepath.Join(r.root, file)) //nolint:gosec // G304: the repository's versions file
	if err != nil {
		return nil, fmt.Errorf("%w: reading the releases: %w", errCheck, err)
	}
	var rels []release
	seen := map[string]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) > 2 {
			return nil, fmt.Errorf("%w: %s:%d: want `TAG [COMMIT]`", errCheck, file, i+1)
		}
		rel := release{Tag: f[0], line: i + 1}
		if len(f) == 2 {
			if !commitRE.MatchString(f[1]) {
				return nil, fmt.Errorf("%w: %s:%d: %q is not a full commit hash", errCheck, file, i+1, f[1])
			}
			rel.Commit = f[1]
		}
		dir, ver := path.Split(rel.Tag)
		rel.Subdir, rel.Version = strings.TrimSuffix(dir, "/"), ver
		if !semver.IsValid(ver) || semver.Canonical(ver) != ver {
			return nil, fmt.Errorf("%w: %s:%d: tag %q does not end in a version vX.Y.Z", errCheck, file, i+1, rel.Tag)
		}
		rel.Path = r.corePath
		if rel.Subdir != "" {
			rel.Path += "/" + rel.Subdir
		}
		if err := module.Check(rel.Path, rel.Version); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %w", errCheck, file, i+1, err)
		}
		if seen[rel.Path] {
			return nil, fmt.Errorf("%w: %s:%d: a second release of %s", errCheck, file, i+1, rel.Path)
		}
		seen[rel.Path] = true
		rels = append(rels, rel)
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("%w: %s lists no release", errCheck, file)
	}
	return rels, nil
}

// tagCommit returns the commit tag names, or "" when the repository has no
// such tag (a clone made without tags).
func (r *repo) tagCommit(tag string) string {
	out, err := r.git("rev-parse", "--verify", "--quiet", "refs/tags/"+tag+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// resolve sets each release's commit: the tag's, which must equal the
// recorded one when both are there; the recorded one when the tag is not
// in this clone. A release with neither is an error.
func (r *repo) resolve(rels []release) error {
	for i := range rels {
		rel := &rels[i]
		tagged := r.tagCommit(rel.Tag)
		switch {
		case tagged != "" && rel.Commit != "" && tagged != rel.Commit:
			return fmt.Errorf("%w: tag %s names commit %s, release/versions records %s", errCheck, rel.Tag, tagged, rel.Commit)
		case tagged != "":
			rel.Commit = tagged
		case rel.Commit == "":
			return fmt.Errorf("%w: tag %s is not in this repository and release/versions records no commit for it: "+
				"create the tag, then run `make release-record` and commit release/versions", errCheck, rel.Tag)
		default:
			if _, err := r.git("cat-file", "-e", rel.Commit+"^{commit}"); err != nil {
				return fmt.Errorf("%w: tag %s is not in this repository and its recorded commit %s is not either: %w", errCheck, rel.Tag, rel.Commit, err)
			}
			fmt.Printf("release-check: tag %s not in this clone: using its recorded commit %s\n", rel.Tag, rel.Commit[:12])
		}
	}
	return nil
}

// recordVersions rewrites the versions file with each tag's commit.
func recordVersions(r *repo, file string, rels []release) error {
	b, err := os.ReadFile(filepath.Join(r.root, file)) //nolint:gosec // G304: the repository's versions file
	if err != nil {
		return err
	}
	lines := strings.Split(string(b), "\n")
	for _, rel := range rels {
		c := r.tagCommit(rel.Tag)
		if c == "" {
			return fmt.Errorf("%w: -record: no tag %s in the repository", errCheck, rel.Tag)
		}
		lines[rel.line-1] = rel.Tag + " " + c
	}
	return os.WriteFile(filepath.Join(r.root, file), []byte(strings.Join(lines, "\n")), 0o644) //nolint:gosec // G306: a file of the repository, read by everyone
}

// checkRequires refuses a module whose go.mod, at its release commit or in
// the work tree, requires a module of this repository at a version other
// than the one released: a consumer could not resolve it.
func checkRequires(r *repo, rels []release) error {
	released := map[string]string{}
	for _, rel := range rels {
		released[rel.Path] = rel.Version
	}
	for _, rel := range rels {
		name := path.Join(rel.Subdir, "go.mod")
		atTag, err := r.show(rel.Commit, name)
		if err != nil {
			return fmt.Errorf("%w: %s at %s: %w", errCheck, name, rel.Tag, err)
		}
		if err := checkGoMod(r.corePath, name+" at "+rel.Tag, atTag, rel.Path, released); err != nil {
			return err
		}
		tree, err := os.ReadFile(filepath.Join(r.root, rel.Subdir, "go.mod"))
		if err != nil {
			return err
		}
		if err := checkGoMod(r.corePath, name+" in the work tree", tree, rel.Path, released); err != nil {
			return err
		}
	}
	return nil
}

// checkGoMod checks one go.mod: its module path is want, and every module
// of the repository it requires (a path under corePath) is required at its
// released version.
func checkGoMod(corePath, name string, data []byte, want string, released map[string]string) error {
	f, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", errCheck, err)
	}
	if f.Module == nil || f.Module.Mod.Path != want {
		return fmt.Errorf("%w: %s does not declare module %s", errCheck, name, want)
	}
	for _, req := range f.Require {
		p, v := req.Mod.Path, req.Mod.Version
		if p != corePath && !strings.HasPrefix(p, corePath+"/") {
			continue
		}
		rv, ok := released[p]
		switch {
		case !ok:
			return fmt.Errorf("%w: %s requires %s %s, a module of this repository with no release in release/versions", errCheck, name, p, v)
		case v != rv:
			return fmt.Errorf("%w: %s requires %s %s, which is not released (the release is %s)", errCheck, name, p, v, rv)
		}
	}
	return nil
}
