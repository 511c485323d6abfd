// Command releasecheck proves that the repository's modules can be consumed
// as published, at their release tags, by a module that knows nothing of
// the repository.
//
// It reads the releases from release/versions (one line per module: the tag,
// e.g. "redisstore/v0.3.0", and the commit it names), checks each tag
// against the repository when the tag is there (a clone without tags uses
// the recorded commit), refuses a module whose go.mod requires a version of
// another module of the repository that is not released, and builds a
// file-system module proxy from the repository at those commits in the
// golang.org/x/mod zip format (the layout of
// https://go.dev/ref/mod#goproxy-protocol). Then, in a temporary directory
// outside the repository and with a fresh module cache, it creates a
// consumer module that imports every released module, and runs
// `go get MODULE@VERSION` for each, `go build`, `go vet` and `go test` with
// GOPROXY naming only file:// proxies (that one, and the local module
// cache's download directory for the dependencies), no replace directive,
// GOFLAGS=-mod=mod and the checksum database off for the repository's
// module path only. No network is used.
//
// Usage:
//
//	cd tools/releasecheck && go run . -repo ../..           # check (make release-check)
//	cd tools/releasecheck && go run . -repo ../.. -record   # write the tags' commits into release/versions
//
// Every failure is an error and a non-zero exit: a release that cannot be
// checked never passes.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	repo := flag.String("repo", ".", "repository root")
	versions := flag.String("versions", "release/versions", "the releases: one `tag commit` line per module, relative to -repo")
	record := flag.Bool("record", false, "write the commits of the tags named in the versions file into it, then stop")
	keep := flag.Bool("keep", false, "keep the temporary proxy and consumer directories (their paths are printed)")
	flag.Parse()
	if err := run(*repo, *versions, *record, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "release-check: FAILED:", err)
		os.Exit(1)
	}
}

func run(repo, versionsFile string, record, keep bool) error {
	r, err := openRepo(repo)
	if err != nil {
		return err
	}
	rels, err := readVersions(r, versionsFile)
	if err != nil {
		return err
	}
	if record {
		return recordVersions(r, versionsFile, rels)
	}
	if err := r.resolve(rels); err != nil {
		return err
	}
	if err := checkRequires(r, rels); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "enduser-release-check-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("release-check: working in", work)
	} else {
		defer removeAll(work)
	}
	proxy, err := buildProxy(r, rels, work)
	if err != nil {
		return fmt.Errorf("building the module proxy: %w", err)
	}
	if err := consume(r, rels, proxy, work); err != nil {
		return err
	}
	for _, rel := range rels {
		fmt.Printf("release-check: ok %s@%s (tag %s, commit %s)\n", rel.Path, rel.Version, rel.Tag, rel.Commit[:12])
	}
	return nil
}

// errCheck marks a release that does not hold, as opposed to a tool failure.
var errCheck = errors.New("release check")
