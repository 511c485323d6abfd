package gen_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/connections"
	"github.com/seed1804ee03/enduser/internal/connections/gen"
)

const root = "../../.."

// TestGeneratedFilesAreCurrent runs the generator on the table and fails
// when the committed payload file or README section differ: run
// `go generate ./...` after editing the table.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	t.Parallel()
	table := connections.All()
	want, err := gen.GenerateGo(table)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, gen.GoFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./...", gen.GoFile)

	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	spliced, err := gen.SpliceReadme(readme, gen.ReadmeSection(table))
	require.NoError(t, err)
	assert.Equal(t, string(spliced), string(readme), "README.md's connection table is stale: run go generate ./...")
}

func TestGeneratorRejectsBadTables(t *testing.T) {
	t.Parallel()
	row := connections.Connection{Name: "x", Const: "X", Key: "xPayload", Type: "XPayload", Fields: []connections.Field{{JSON: "code", Go: "Code", Required: true}}}
	dupKey := row
	dupKey.Name, dupKey.Const, dupKey.Type = "y", "Y", "YPayload"
	badOneOf := row
	badOneOf.OneOf = []string{"code", "nope"}
	noFields := row
	noFields.Fields = nil
	quotedName := row
	quotedName.Fields = []connections.Field{{JSON: `co"de`, Go: "Code", Required: true}}
	nestedName := row
	nestedName.Fields = []connections.Field{{JSON: "obj", Go: "Obj", Kind: connections.KindObject,
		Object: &connections.Object{Type: "Obj", Fields: []connections.Field{{JSON: "a<b", Go: "A"}}}}}
	twoCodes := row
	twoCodes.Fields = []connections.Field{{JSON: "code", Go: "Code", Required: true}, {JSON: "code", Go: "Code2"}}
	unexported := row
	unexported.Fields = []connections.Field{{JSON: "code", Go: "code", Required: true}}
	quotedKey := row
	quotedKey.Key = "x<Payload"
	for name, table := range map[string][]connections.Connection{
		"duplicate key": {row, dupKey},
		"bad OneOf":     {badOneOf},
		"no fields":     {noFields},
		"quoted name":   {quotedName},
		"nested name":   {nestedName},
		"two codes":     {twoCodes},
		"unexported":    {unexported},
		"quoted key":    {quotedKey},
		"empty name":    {{Const: "Z", Key: "z", Type: "Z", Fields: row.Fields}},
	} {
		_, err := gen.GenerateGo(table)
		assert.Error(t, err, name)
	}
}

// TestAddingAConnectionIsOneRow proves the table drives the SDK: in a copy
// of the module it adds one row to the table, runs the generator, and
// checks that the new payload signs in with the exact wire body, is
// validated, redacted and parsed, is accepted by the emulator, is offered by
// the command line and has its README row; then it removes
// the row, regenerates, and gets the committed files back byte for byte.
func TestAddingAConnectionIsOneRow(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command runs the generator")
	dir := t.TempDir()
	copyModule(t, root, dir)

	tablePath := filepath.Join(dir, "internal", "connections", "connections.go")
	original, err := os.ReadFile(tablePath)
	require.NoError(t, err)
	const marker = "\t\t// New rows go above this line"
	require.Contains(t, string(original), marker)
	row := "\t\tcodeRow(\"throwaway\", \"Throwaway\", \"throwawayPayload\", \"ThrowawayPayload\", \"a connection that exists only in a test\"),\n"
	require.NoError(t, os.WriteFile(tablePath, []byte(strings.Replace(string(original), marker, row+marker, 1)), 0o600))

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	run("generate", ".")
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(readme), "| `throwaway` | `ThrowawayPayload` | `throwawayPayload` | `Code` |")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "throwaway_test.go"), []byte(throwawayTest), 0o600))
	out := run("test", "-count=1", "-run", "^TestThrowaway$", "-v", ".")
	assert.Contains(t, out, "--- PASS: TestThrowaway")
	// The command line reads the table: it offers the new connection.
	help := run("run", "./cmd/enduser", "login", "mobile", "--help")
	assert.Regexp(t, `(?m)^\s+throwaway\s+--code$`, help)

	// Removing the row and regenerating gives back the committed files.
	require.NoError(t, os.WriteFile(tablePath, original, 0o600))
	run("generate", ".")
	for _, f := range []string{gen.GoFile, "README.md"} {
		want, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), f)
	}
}

// copyModule copies the root module's non-test Go files (cmd/ and
// endusertest/ included), go.mod, go.sum, README.md and internal/ (tests
// included) into dst.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		top := strings.Split(filepath.ToSlash(rel), "/")[0]
		if d.IsDir() {
			if rel != "." && top != "internal" && top != "cmd" && top != "endusertest" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(path), "go.mod")); err == nil && filepath.Dir(path) != src {
			return nil // another module
		}
		keep := top == "internal" || rel == "go.mod" || rel == "go.sum" || rel == "README.md" ||
			strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		if !keep {
			return nil
		}
		b, err := os.ReadFile(path) //nolint:gosec // G304: files of this repository
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	require.NoError(t, err)
}

const throwawayTest = `package enduser_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func TestThrowaway(t *testing.T) {
	var body []byte
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", "https://genauth.example/api/v3/signin-by-mobile", func(r *http.Request) (*http.Response, error) {
		body, _ = io.ReadAll(r.Body)
		return httpmock.NewStringResponse(200, ` + "`" + `{"statusCode":200,"data":{"access_token":"a","expire_in":60}}` + "`" + `), nil
	})
	c, err := enduser.NewClient(enduser.Config{
		BaseURL: "https://v2.example", UserDomain: "E.SP.1", UserDomainSecret: "s",
		GenAuth: enduser.GenAuthConfig{Host: "https://genauth.example", AppID: "app"},
	}, enduser.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.SignInByMobile(ctx, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.ThrowawayPayload{Code: "c"}}); err != nil {
		t.Fatal(err)
	}
	if want := ` + "`" + `{"extIdpConnidentifier":"x","connection":"throwaway","throwawayPayload":{"code":"c"}}` + "`" + `; string(body) != want {
		t.Fatalf("body %s, want %s", body, want)
	}
	_, err = c.SignInByMobile(ctx, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.ThrowawayPayload{}})
	var ve *enduser.ValidationError
	if !errors.As(err, &ve) || ve.Field != "throwawayPayload.code" {
		t.Fatalf("empty code: %v", err)
	}
	if s := fmt.Sprintf("%v %+v %#v", enduser.ThrowawayPayload{Code: "SECRET"}, enduser.ThrowawayPayload{Code: "SECRET"}, enduser.ThrowawayPayload{Code: "SECRET"}); len(s) == 0 || contains(s, "SECRET") {
		t.Fatalf("not redacted: %s", s)
	}
	p, err := enduser.ParseMobilePayload(enduser.ConnectionThrowaway, []byte(` + "`" + `{"code":"c"}` + "`" + `))
	if err != nil || p != (enduser.ThrowawayPayload{Code: "c"}) {
		t.Fatalf("parse: %v %v", p, err)
	}

	// The emulator reads the table: it signs the new connection in.
	srv := endusertest.NewServer(t)
	ec, err := enduser.NewClient(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ec.SignInByMobile(ctx, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.ThrowawayPayload{Code: "emu"}})
	if err != nil || !tok.Valid() {
		t.Fatalf("emulator: %v %v", tok, err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
`
