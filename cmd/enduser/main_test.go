package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/seed1804ee03/enduser"
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
		"ENDUSER_TWITTER_OAUTH_TOKEN_SECRET": "tw-secret",
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"login"}, {"login", "myspace"}, {"login", "apple", "--bogus"}, {"emulator", "--auth-method", "x"}} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assert.NotEmpty(t, r.stderr)
	}
	for _, args := range [][]string{{"--help"}, {"sign", "--help"}, {"login", "twitter", "--help"}, {"emulator", "--help"}} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitOK, r.code, "%v", args)
		assert.Contains(t, r.stdout+r.stderr, "usage:")
	}
}

func TestSign(t *testing.T) {
	want := enduser.Sign("s3cret", "a", "b")
	r := runCLI(t, map[string]string{"ENDUSER_USER_DOMAIN_SECRET": "s3cret"}, "", "sign", "a", "b")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, want+"\n", r.stdout)

	r = runCLI(t, nil, "s3cret\n", "sign", "a", "b")
	assert.Equal(t, want+"\n", r.stdout, "secret from stdin")

	r = runCLI(t, nil, "", "sign", "a")
	assert.Equal(t, exitUsage, r.code, "no secret anywhere")
}

func TestLoginEveryProvider(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	for name, args := range map[string][]string{
		"twitter":     {"--app-id", "tw", "--oauth-token", "ot"},
		"apple":       {"--identity-token", "idt", "--mcc", "262"},
		"wechat":      {"--app-id", "wx", "--code", "c1"},
		"facebook":    {"--app-id", "fb", "--code", "c2"},
		"alipay":      {"--app-id", "al", "--auth-code", "c3"},
		"miniprogram": {"--app-id", "mp", "--js-code", "c4", "--query"},
		"mobile":      {"--conn-id", "x", "--connection", "facebook", "--access-token", "at", "--scope", "openid offline_access"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, env, "", append([]string{"login", name}, args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			var tok map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &tok))
			assert.Equal(t, "[redacted]", tok["access_token"])
			assert.NotEmpty(t, tok["expiry"])
		})
	}
}

func TestLoginShowTokens(t *testing.T) {
	srv := endusertest.NewServer(t)
	r := runCLI(t, emulatorEnv(srv), "", "login", "apple", "--identity-token", "x", "--show-tokens")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"access_token": "Bearer emu-at-`)
}

func TestLoginFailureExitsOne(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	env["ENDUSER_USER_DOMAIN_SECRET"] = "wrong"
	r := runCLI(t, env, "", "login", "apple", "--identity-token", "x")
	assert.Equal(t, exitFail, r.code)
	assert.Contains(t, r.stderr, "5420")
	assert.Contains(t, r.stderr, "signature verification failed")
	assert.NotContains(t, r.stderr, "wrong")
}

func TestLoginMissingInputExitsTwo(t *testing.T) {
	srv := endusertest.NewServer(t)
	r := runCLI(t, emulatorEnv(srv), "", "login", "wechat", "--app-id", "wx")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "code")
	assert.Equal(t, 0, srv.Count("wechatOffiaccountAuthLogin"))

	r = runCLI(t, map[string]string{}, "", "login", "apple", "--identity-token", "x")
	assert.Equal(t, exitUsage, r.code, "no config")
}

func TestEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &syncBuffer{b: &out}, &errOut, func(string) string { return "" })
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	assert.Equal(t, exitOK, <-done)
	assert.Contains(t, out.String(), "export ENDUSER_BASE_URL=http://127.0.0.1:")
	assert.Contains(t, out.String(), "export ENDUSER_USER_DOMAIN_SECRET=")
}
