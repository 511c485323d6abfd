// Command genconnections writes the root package's payload file and the
// README's connection table from the table in internal/connections. Run it
// through `go generate ./...` from the repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/seed1804ee03/enduser/internal/connections"
	"github.com/seed1804ee03/enduser/internal/connections/gen"
)

func main() {
	dir := flag.String("dir", ".", "repository root (where mobile.go and README.md are)")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "genconnections:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	table := connections.All()
	src, err := gen.GenerateGo(table)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, gen.GoFile), src, 0o600); err != nil {
		return err
	}
	readmePath := filepath.Join(dir, "README.md")
	readme, err := os.ReadFile(readmePath) //nolint:gosec // G304: the repository's own README
	if err != nil {
		return err
	}
	out, err := gen.SpliceReadme(readme, gen.ReadmeSection(table))
	if err != nil {
		return err
	}
	return os.WriteFile(readmePath, out, 0o600) //nolint:gosec // G703: the repository's own README
}
