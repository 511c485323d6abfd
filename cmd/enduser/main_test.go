package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/seed1804ee03/enduser/endusertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String()}
}

func emulatorEnv(srv *endusertest.Server) map[string]string {
	cfg := srv.Config()
	return map[string]string{
		"ENDUSER_BASE_URL": cfg.BaseURL, "ENDUSER_USER_DOMAIN": cfg.UserDomain, "ENDUSER_USER_DOMAIN_SECRET": cfg.UserDomainSecret,
		"ENDUSER_GENAUTH_HOST": cfg.GenAuth.Host, "ENDUSER_GENAUTH_APP_ID": cfg.GenAuth.AppID, "ENDUSER_GENAUTH_APP_SECRET": cfg.GenAuth.AppSecret,
	}
}

// with returns a copy of env with more variables.
func with(env map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"login"}, {"login", "myspace"}, {"login", "apple", "--bogus"}, {"emulator", "--auth-method", "x"}} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assert.NotEmpty(t, r.stderr, "%v", args)
		assert.Empty(t, r.stdout, "%v", args)
	}
	for _, args := range [][]string{{"--help"}, {"sign", "--help"}, {"login", "twitter", "--help"}, {"login", "mobile", "-h"}, {"emulator", "--help"}} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitOK, r.code, "%v", args)
		assert.Contains(t, r.stdout, "usage:", "%v: help goes to stdout", args)
		assert.Empty(t, r.stderr, "%v", args)
	}
}

func TestErrorsHaveOnePrefixAndOneLine(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := with(emulatorEnv(srv), "ENDUSER_USER_DOMAIN_SECRET", "not-the-secret", "ENDUSER_APPLE_IDENTITY_TOKEN", "apple-identity-token")
	for name, args := range map[string][]string{
		"call failed":   {"login", "apple"},
		"usage":         {"login", "apple", "--bogus"},
		"bad config":    {"login", "apple", "--base-url", "ftp://x"},
		"invalid input": {"login", "wechat", "--app-id", "wx"},
		"no provider":   {"login"},
	} {
		r := runCLI(t, env, "", args...)
		assert.NotEqual(t, exitOK, r.code, name)
		assert.True(t, strings.HasPrefix(r.stderr, "enduser: "), "%s: %q", name, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "enduser:"), "%s: one prefix: %q", name, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%s: one line: %q", name, r.stderr)
	}
}

func TestExtraArgumentsAreAUsageError(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := with(emulatorEnv(srv), "ENDUSER_APPLE_IDENTITY_TOKEN", "apple-identity-token")
	for _, args := range [][]string{
		{"login", "apple", "stray"},
		{"login", "apple", "--mcc", "262", "eyJhbGciOiJSUzI1NiJ9.stray-token"},
		{"login", "apple", "--", "x"},
		{"login", "mobile", "--connection", "wechat", "x", "--code", "-"},
		{"emulator", "--addr", "127.0.0.1:0", "extra"},
	} {
		r := runCLI(t, env, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assert.Contains(t, r.stderr, "unexpected argument", "%v", args)
		assert.NotContains(t, r.stderr, "stray", "%v: a stray argument may be a credential; not echoed", args)
	}
	assert.Equal(t, 0, srv.Count("appleAuthLogin"), "nothing was sent")
	assert.Equal(t, 0, srv.Count("signin-by-mobile"))
}

func TestInvalidFlagValueIsNotEchoed(t *testing.T) {
	r := runCLI(t, nil, "", "login", "apple", "--mcc", "eyJ-credential-in-the-wrong-flag")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-mcc")
	assert.NotContains(t, r.stderr, "eyJ-credential")

	r = runCLI(t, nil, "", "login", "apple", "--show-tokens=eyJ-credential-in-the-wrong-flag")
	assert.Equal(t, exitUsage, r.code)
	assert.NotContains(t, r.stderr, "eyJ-credential")
}

func TestEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	sb := &syncBuffer{b: &out}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0"}, strings.NewReader(""), sb, &errOut, func(string) string { return "" })
	}()
	require.Eventually(t, func() bool { return strings.Contains(sb.String(), "ENDUSER_GENAUTH_AUTH_METHOD") }, 30*time.Second, 10*time.Millisecond)
	cancel()
	assert.Equal(t, exitOK, <-done)
	assert.Contains(t, out.String(), "export ENDUSER_BASE_URL=http://127.0.0.1:")
	assert.Contains(t, out.String(), "export ENDUSER_USER_DOMAIN_SECRET=")
}

func TestMistypedInputIsNotEchoed(t *testing.T) {
	const secret = "Xk29sQ0pLm3"
	for _, args := range [][]string{
		{secret},
		{"login", "apple", "--" + secret},
		{"login", "apple", "--" + secret + "=v"},
		{"login", "apple", "-=" + secret},
		{"login", "mobile", "--auth-method", secret},
		{"emulator", "--auth-method", secret},
		{"login", secret},
	} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assert.NotContains(t, r.stderr, secret, "%v", args)
	}
	// Names are still shown.
	r := runCLI(t, nil, "", "login", "apple", "--identity-tokn", "-")
	assert.Contains(t, r.stderr, "unknown flag -identity-tokn")
	r = runCLI(t, nil, "", "signn")
	assert.Contains(t, r.stderr, `unknown command "signn"`)
	r = runCLI(t, nil, "", "login", "mobile", "--auth-method", "client_secret_jwt")
	assert.Contains(t, r.stderr, `unknown auth method "client_secret_jwt"`)
}

func TestHelpPrintsNoEnvironmentValue(t *testing.T) {
	env := map[string]string{
		"ENDUSER_BASE_URL": "https://v2-host-value", "ENDUSER_USER_DOMAIN": "ud-value", "ENDUSER_USER_DOMAIN_SECRET": "ud-secret-value",
		"ENDUSER_GENAUTH_HOST": "https://genauth-host-value", "ENDUSER_GENAUTH_APP_ID": "app-id-value", "ENDUSER_GENAUTH_APP_SECRET": "app-secret-value",
		"ENDUSER_GENAUTH_AUTH_METHOD": "client_secret_basic", "ENDUSER_APPLE_IDENTITY_TOKEN": "identity-token-value", "ENDUSER_MOBILE_CODE": "code-value",
	}
	for _, args := range [][]string{{"login", "apple", "--help"}, {"login", "mobile", "--help"}, {"sign", "--help"}, {"emulator", "--help"}} {
		r := runCLI(t, env, "", args...)
		require.Equal(t, exitOK, r.code, "%v", args)
		assert.NotContains(t, r.stdout, "-value", "%v", args)
		assert.NotContains(t, r.stdout, "client_secret_basic\"", "%v", args)
	}
}

func TestFlagsWinOverVariables(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := with(emulatorEnv(srv), "ENDUSER_BASE_URL", "https://not-this-host.invalid", "ENDUSER_APPLE_IDENTITY_TOKEN", "idt")
	r := runCLI(t, env, "", "login", "apple", "--base-url", srv.Config().BaseURL)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 1, srv.Count("appleAuthLogin"))
}

// FuzzRun runs random command lines (never the emulator, which serves
// until cancelled, nor a host flag) with no configuration, so nothing can
// be sent: the
// command never panics, exits 0, 1 or 2, and writes only printable lines
// to stderr.
func FuzzRun(f *testing.F) {
	f.Add("login apple --identity-token x")
	f.Add("login mobile --connection yidun --token - --access-token -")
	f.Add("sign --user-domain-secret - a b")
	f.Add("login twitter --app-id a \x1b[2J extra")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if (len(args) > 0 && args[0] == "emulator") || strings.Contains(line, "url") || strings.Contains(line, "host") {
			return // no server, and no host to send to
		}
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader("line-one\nline-two\n"), &out, &errOut, func(string) string { return "" })
		if code != exitOK && code != exitFail && code != exitUsage {
			t.Fatalf("exit %d", code)
		}
		for _, r := range strings.ReplaceAll(strings.ReplaceAll(errOut.String(), "\n", ""), "\t", "") {
			if !unicode.IsPrint(r) {
				t.Fatalf("%U on stderr: %q", r, errOut.String())
			}
		}
	})
}
