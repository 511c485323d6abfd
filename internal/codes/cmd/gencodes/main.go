// Command gencodes writes sentinels.go, the root package's sentinel
// constants of both API families, from the rows of internal/codes (v2 Codes)
// and internal/gacodes (GenAuth statusCodes and apiCodes).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "repository root (where codes.go is)")
	flag.Parse()
	src, err := GenerateGo()
	if err == nil {
		err = os.WriteFile(filepath.Join(*dir, GoFile), src, 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencodes:", err)
		os.Exit(1)
	}
}
