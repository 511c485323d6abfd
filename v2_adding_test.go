package enduser

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAddingAV2LoginIsARowATypeAndAGoldenCase proves in a copy of the
// module what CONTRIBUTING says: a new v2 login is its row (and Op
// constant and printing), one file with its request type and method, and a
// golden case. With nothing else added, the SDK sends the golden bytes, the
// emulator accepts them and nothing else, and the README's rows follow.
func TestAddingAV2LoginIsARowATypeAndAGoldenCase(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command runs the copy's tests")
	dir := t.TempDir()
	copyForV2(t, ".", dir)

	edit := func(rel, marker, insert string) {
		t.Helper()
		path := filepath.Join(dir, rel)
		b, err := os.ReadFile(path) //nolint:gosec // G304: the copy of this repository
		require.NoError(t, err)
		require.Contains(t, string(b), marker, rel)
		require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), marker, insert+marker, 1)), 0o600))
	}
	edit(filepath.Join("internal", "endpoints", "endpoints.go"), "\t\t// New rows go above this line",
		"\t\tlogin(\"throwawayAuthLogin\", \"\", []Field{appID, {Name: \"ticket\", Missing: 5354, Credential: true, SingleUse: true}}, 5218, 5354),\n")
	edit("v2.go", "\tOpRefreshToken ", "\tOpThrowawayLogin = \"throwawayAuthLogin\"\n")
	for _, m := range []string{"String() string { return redactedText(r) }", "Format(f fmt.State, _ rune) { formatRedacted(f, r) }",
		"LogValue() slog.Value { return redactedLogValue(r) }"} {
		name, _, _ := strings.Cut(m, "(") // the first of the block's lines goes above it
		edit("v2.go", "// "+name+" ", "// "+name+" is the throwaway request's.\nfunc (r ThrowawayLoginRequest) "+m+"\n\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "throwaway.go"), []byte(throwawayLogin), 0o600))
	sum := sha256.Sum256([]byte("tw-app" + "golden-ticket" + "golden-user-domain-secret"))
	edit(filepath.Join("testdata", "golden", "v2", "requests.json"), `    {"op": "refreshToken"`,
		`    {"op": "throwawayAuthLogin", "method": "POST", "form": "appId=tw-app&ticket=golden-ticket&signature=`+hex.EncodeToString(sum[:])+
			`&userDomain=E.SP.4294967410", "answer": "answer_login.json", "call": "ThrowawayLogin", "request": {"AppID": "tw-app", "Ticket": "golden-ticket"}},`+"\n")

	run := func(env string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...) //nolint:gosec // G204: the go command on this repository's copy
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", env)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	out := run("ENDUSER_UPDATE_README=1", "test", "-count=1", "-v", "-run",
		"^(TestGoldenV2.*|TestEveryV2LoginIsARowATypeAndAGoldenCase|TestV2DocCommentsListTheTableCodes|TestV2TableCoversEveryOp|TestREADMEV2Tables)$",
		".", "./endusertest")
	for _, name := range []string{"TestGoldenV2/throwawayAuthLogin", "TestEveryV2LoginIsARowATypeAndAGoldenCase",
		"TestV2DocCommentsListTheTableCodes", "TestGoldenV2RequestsAccepted"} {
		assert.Contains(t, out, "--- PASS: "+name)
	}
	assert.Regexp(t, `--- PASS: TestGoldenV2LoginsAcceptedExactly/\d+/throwawayAuthLogin`, out)
	readme, err := os.ReadFile(filepath.Join(dir, "README.md")) //nolint:gosec // G304: the copy
	require.NoError(t, err)
	assert.Contains(t, string(readme), "| `throwawayAuthLogin` | POST | `ThrowawayLogin` | appId, ticket (SHA-256, user-domain secret) |")
}

// copyForV2 copies the root module (not the other modules, not hidden
// directories) into dst, with only the tests the v2 contract needs.
func copyForV2(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); rel != "." && (err == nil || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		if strings.HasSuffix(rel, "_test.go") && !v2ContractTests[filepath.ToSlash(rel)] {
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

// v2ContractTests are the test files the copy keeps.
var v2ContractTests = map[string]bool{
	"helpers_test.go": true, "golden_test.go": true, "v2_test.go": true,
	"endusertest/golden_test.go": true, "endusertest/helpers_test.go": true,
}

// throwawayLogin is the one file of a login that exists only in this test.
const throwawayLogin = `package enduser

import "context"

// ThrowawayLoginRequest is a login that exists only in a test.
type ThrowawayLoginRequest struct {
	AppID  string // the app
	Ticket string // the single-use ticket; never logged
	MCC    int    // mobile country code; 0 = omitted
}

// ThrowawayLogin logs a user in with a ticket.
//
// POST /v2/enduser/enduserapi/throwawayAuthLogin, signed over appId and
// ticket. Codes: 5000 5013 5015 5023 5104 5146 5147 5148 5218 5325 5354
// 5420 5421 5550 6084 6085.
func (c *Client) ThrowawayLogin(ctx context.Context, r ThrowawayLoginRequest) (*Token, error) {
	return c.login(ctx, v2Table[OpThrowawayLogin], r.MCC, nil, []string{r.AppID, r.Ticket})
}
`
