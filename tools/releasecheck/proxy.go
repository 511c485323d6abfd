package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// buildProxy writes a file-system module proxy of the releases under
// work/proxy: for each, $path/@v/list, $version.info, $version.mod and
// $version.zip, as https://go.dev/ref/mod#goproxy-protocol lays them out.
// The zip is made from the commit by golang.org/x/mod/zip (git archive),
// so it holds exactly what a proxy would serve for the tag.
func buildProxy(r *repo, rels []release, work string) (string, error) {
	root := filepath.Join(work, "proxy")
	// The proxy says it serves the checksum database, and serves none of it:
	// a lookup (a dependency missing from the released go.sum files) then
	// fails here instead of reaching sum.golang.org over the network
	// (https://go.dev/ref/mod#checksum-database: proxies that support it).
	sumdb := filepath.Join(root, "sumdb", "sum.golang.org")
	if err := os.MkdirAll(sumdb, 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(sumdb, "supported"), nil, 0o600); err != nil {
		return "", err
	}
	for _, rel := range rels {
		esc, err := module.EscapePath(rel.Path)
		if err != nil {
			return "", err
		}
		dir := filepath.Join(root, filepath.FromSlash(esc), "@v")
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", err
		}
		mod, err := r.show(rel.Commit, path.Join(rel.Subdir, "go.mod"))
		if err != nil {
			return "", err
		}
		when, err := r.git("show", "-s", "--format=%cI", rel.Commit)
		if err != nil {
			return "", err
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(when))
		if err != nil {
			return "", fmt.Errorf("commit time of %s: %w", rel.Tag, err)
		}
		info, err := json.Marshal(struct {
			Version string
			Time    time.Time
		}{rel.Version, t.UTC()})
		if err != nil {
			return "", err
		}
		files := map[string][]byte{"list": []byte(rel.Version + "\n"), rel.Version + ".info": info, rel.Version + ".mod": mod}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				return "", err
			}
		}
		zf, err := os.Create(filepath.Join(dir, rel.Version+".zip")) //nolint:gosec // G304: a file of the temporary proxy
		if err != nil {
			return "", err
		}
		err = zip.CreateFromVCS(zf, module.Version{Path: rel.Path, Version: rel.Version}, r.root, rel.Commit, rel.Subdir)
		if cerr := zf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("zip of %s@%s: %w", rel.Path, rel.Version, err)
		}
	}
	return root, nil
}
