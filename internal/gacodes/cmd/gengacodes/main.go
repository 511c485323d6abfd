// Command gengacodes writes genauth_sentinels.go, the GenAuth statusCode and
// apiCode sentinels of the root package, from the rows of internal/gacodes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "repository root (where genauth_codes.go is)")
	flag.Parse()
	src, err := GenerateGo()
	if err == nil {
		err = os.WriteFile(filepath.Join(*dir, GoFile), src, 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gengacodes:", err)
		os.Exit(1)
	}
}
