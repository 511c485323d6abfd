package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestEmulatorScript(t *testing.T) {
	path := writeScript(t, `{
	  "users": [{"uid": "u-ada", "nickname": "Ada", "email": "ada@example.com", "credentials": ["ada-token"]}],
	  "faults": [
	    {"endpoint": "appleAuthLogin", "fault": "failCode", "code": 5104, "forUser": "u-ada", "onCall": 2},
	    {"endpoint": "refreshToken", "fault": "processThenDrop"}
	  ]
	}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	sb := &syncBuffer{b: &out}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--script", path}, strings.NewReader(""), sb, &errOut, func(string) string { return "" })
	}()
	require.Eventually(t, func() bool { return strings.Contains(sb.String(), "ENDUSER_GENAUTH_AUTH_METHOD") }, 30*time.Second, 10*time.Millisecond)
	assert.Contains(t, sb.String(), "1 users seeded, 2 faults queued")
	base := regexp.MustCompile(`export ENDUSER_BASE_URL=(\S+)`).FindStringSubmatch(sb.String())
	require.Len(t, base, 2)

	c, err := enduser.NewClient(enduser.Config{BaseURL: base[1], UserDomain: "E.SP.4294967410", UserDomainSecret: "emulator-user-domain-secret"},
		enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	tok, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "ada-token"})
	require.NoError(t, err)
	info, err := c.UserInfo(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, "u-ada", info.UID)
	assert.Equal(t, "Ada", info.Nickname)
	_, err = c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "ada-token"})
	assert.ErrorIs(t, err, enduser.ErrUserDomainDisabled, "the scripted fault on Ada's second login")
	_, err = c.RefreshToken(ctx, tok.RefreshToken)
	require.Error(t, err, "processed, then dropped")
	_, err = c.RefreshToken(ctx, tok.RefreshToken)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the dropped refresh rotated the token")

	cancel()
	assert.Equal(t, exitOK, <-done)
	assert.Empty(t, errOut.String())
}

func TestEmulatorScriptMistakes(t *testing.T) {
	for name, tc := range map[string]struct{ script, want string }{
		"unknown endpoint": {`{"faults":[{"endpoint":"userinfo","fault":"dropConnection"}]}`, `unknown endpoint "userinfo"`},
		"unknown fault":    {`{"faults":[{"endpoint":"userInfo","fault":"explode"}]}`, `unknown fault "explode"`},
		"unknown key":      {`{"faults":[{"endpoint":"userInfo","fault":"delay","dealy":"1s"}]}`, `unknown field "dealy"`},
		"missing field":    {`{"faults":[{"endpoint":"userInfo","fault":"failCode"}]}`, `failCode needs "code"`},
		"bad duration":     {`{"faults":[{"endpoint":"userInfo","fault":"delay","delay":"soon"}]}`, `duration`},
		"code on refresh":  {`{"faults":[{"endpoint":"refreshToken","fault":"failCode","code":5032,"forCode":"c"}]}`, `ForCode`},
		"not JSON":         {`faults: []`, `not valid`},
	} {
		r := runCLI(t, nil, "", "emulator", "--addr", "127.0.0.1:0", "--script", writeScript(t, tc.script))
		assert.Equal(t, exitUsage, r.code, name)
		assert.Contains(t, r.stderr, tc.want, name)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%s: one line: %q", name, r.stderr)
	}
	r := runCLI(t, nil, "", "emulator", "--addr", "127.0.0.1:0", "--script", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--script")
}

// TestEmulatorLifetimesAndCounts: the lifetime flags set the tokens'
// expiries, and GET /_emulator/counts answers the calls per endpoint as JSON.
func TestEmulatorLifetimesAndCounts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	sb := &syncBuffer{b: &out}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--access-lifetime", "90s", "--refresh-lifetime", "5m"},
			strings.NewReader(""), sb, &errOut, func(string) string { return "" })
	}()
	require.Eventually(t, func() bool { return strings.Contains(sb.String(), "ENDUSER_GENAUTH_AUTH_METHOD") }, 30*time.Second, 10*time.Millisecond)
	assert.Contains(t, sb.String(), "tokens live 1m30s (access) and 5m0s (refresh)")
	base := regexp.MustCompile(`export ENDUSER_BASE_URL=(\S+)`).FindStringSubmatch(sb.String())
	require.Len(t, base, 2)

	c, err := enduser.NewClient(enduser.Config{BaseURL: base[1], UserDomain: "E.SP.4294967410", UserDomainSecret: "emulator-user-domain-secret"})
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	before := time.Now()
	for range 2 {
		tok, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "id-token"})
		require.NoError(t, err)
		assert.WithinDuration(t, before.Add(90*time.Second), tok.Expiry, 5*time.Second)
		assert.WithinDuration(t, before.Add(5*time.Minute), tok.RefreshExpiry, 5*time.Second)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base[1]+endusertest.CountsPath, http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var counts map[string]int
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&counts))
	assert.Equal(t, 2, counts[enduser.OpAppleLogin])
	assert.Contains(t, counts, enduser.OpRefreshToken, "every endpoint is listed")
	assert.Zero(t, counts[enduser.OpRefreshToken])
	cancel()
	assert.Equal(t, exitOK, <-done)

	for _, bad := range [][]string{{"--access-lifetime", "0s"}, {"--refresh-lifetime", "-1m"}, {"--access-lifetime", "100000h"}, {"--access-lifetime", "soon"}} {
		r := runCLI(t, nil, "", append([]string{"emulator", "--addr", "127.0.0.1:0"}, bad...)...)
		assert.Equal(t, exitUsage, r.code, "%v", bad)
	}
}
