package main

import (
	"flag"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// credentialFlags returns every credential flag of every command line the
// tool has, with its variable: the list the refusal test walks, so a
// credential added later is covered without editing the test.
func credentialFlags(t *testing.T) map[string][]*credential {
	t.Helper()
	out := map[string][]*credential{}
	for name, p := range providers() {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		var cs credentials
		var lf loginFlags
		lf.register(fs, &cs, p.genAuth)
		_, err := p.flags(fs, &cs)
		require.NoError(t, err)
		out["login "+name] = cs.list
	}
	var cs credentials
	cs.add(flag.NewFlagSet("sign", flag.ContinueOnError), "user-domain-secret", "ENDUSER_USER_DOMAIN_SECRET", "")
	out["sign"] = cs.list
	return out
}

func TestEveryCredentialFlagRefusesAValue(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	const value = "s3cr3t-VALUE-from-a-flag"
	cmds := credentialFlags(t)
	require.Len(t, cmds, len(providers())+1)
	n := 0
	for cmd, creds := range cmds {
		require.NotEmpty(t, creds, cmd)
		base := strings.Fields(cmd)
		if cmd == "login mobile" {
			base = append(base, "--connection", "wechat")
		}
		for _, c := range creds {
			for _, form := range [][]string{{"--" + c.flag, value}, {"--" + c.flag + "=" + value}, {"-" + c.flag, value}, {"--" + c.flag + "="}} {
				args := append(append([]string(nil), base...), form...)
				r := runCLI(t, env, value+"\n", args...)
				assert.Equal(t, exitUsage, r.code, "%v", args)
				assert.Empty(t, r.stdout, "%v", args)
				assert.NotContains(t, r.stderr, "s3cr3t", "%v: the value is never echoed", args)
				assert.Contains(t, r.stderr, "--"+c.flag+" takes no value", "%v", args)
				assert.Contains(t, r.stderr, "set "+c.env+", or give --"+c.flag+" - and write the value on standard input", "%v: says how", args)
				n++
			}
		}
	}
	assert.Greater(t, n, 4*15)
	for _, r := range srv.Requests() {
		t.Errorf("a refused command line sent %s", r.Endpoint)
	}
}

func TestCredentialVariablesAreNamedAfterTheCommand(t *testing.T) {
	for cmd, creds := range credentialFlags(t) {
		for _, c := range creds {
			assert.True(t, strings.HasPrefix(c.env, "ENDUSER_"), "%s --%s: %s", cmd, c.flag, c.env)
			assert.True(t, strings.HasSuffix(c.env, strings.ToUpper(strings.ReplaceAll(c.flag, "-", "_"))), "%s --%s: %s", cmd, c.flag, c.env)
		}
	}
}

func TestRefusalComesBeforeAnyOtherUse(t *testing.T) {
	// Several refused flags: the first on the command line is named; none
	// is echoed, and standard input is not consumed.
	r := runCLI(t, nil, "", "login", "twitter", "--oauth-token-secret", "-", "--oauth-token", "AAAA-token", "--user-domain-secret", "BBBB-secret")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--oauth-token takes no value")
	assert.NotContains(t, r.stderr, "AAAA")
	assert.NotContains(t, r.stderr, "BBBB")

	r = runCLI(t, nil, "", "login", "twitter", "--oauth-token", "-", "--oauth-token", "AAAA-token")
	assert.Equal(t, exitUsage, r.code, "a value after a - is refused too")
	assert.NotContains(t, r.stderr, "AAAA")
}

func TestCredentialsFromStdin(t *testing.T) {
	srv := endusertest.NewServer(t, endusertest.WithSecretsRecorded()) // checks the exact credentials sent
	env := emulatorEnv(srv)
	delete(env, "ENDUSER_USER_DOMAIN_SECRET")
	secret := srv.Config().UserDomainSecret

	// Three "-" flags: one line each, in command-line order (not the
	// order the flags are declared in).
	r := runCLI(t, env, "tw-token-secret\r\n"+secret+"\ntw-oauth-token", "login", "twitter", "--app-id", "tw",
		"--oauth-token-secret", "-", "--user-domain-secret", "-", "--oauth-token", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "tw-oauth-token", reqs[0].Params.Get("oauthToken"))
	assert.Equal(t, "tw-token-secret", reqs[0].Params.Get("oauthTokenSecret"), "CR LF is trimmed")

	// A flag given as - wins over its variable.
	r = runCLI(t, with(emulatorEnv(srv), "ENDUSER_APPLE_IDENTITY_TOKEN", "from-env"), "from-stdin\n", "login", "apple", "--identity-token", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	reqs = srv.Requests()
	assert.Equal(t, "from-stdin", reqs[len(reqs)-1].Params.Get("identityToken"))

	// Without the flag the variable is used.
	r = runCLI(t, with(emulatorEnv(srv), "ENDUSER_APPLE_IDENTITY_TOKEN", "from-env"), "from-stdin\n", "login", "apple")
	require.Equal(t, exitOK, r.code, r.stderr)
	reqs = srv.Requests()
	assert.Equal(t, "from-env", reqs[len(reqs)-1].Params.Get("identityToken"))
}

func TestCredentialsFromStdinErrors(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"stdin empty":       {"", []string{"login", "apple", "--identity-token", "-"}, "--identity-token -: standard input ended"},
		"too few lines":     {"one\n", []string{"login", "twitter", "--app-id", "a", "--oauth-token", "-", "--oauth-token-secret", "-"}, "--oauth-token-secret -: standard input ended"},
		"empty line":        {"\nx\n", []string{"login", "wechat", "--app-id", "wx", "--code", "-"}, "--code -: its line on standard input is empty"},
		"missing argument":  {"x\n", []string{"login", "wechat", "--app-id", "wx", "--code"}, "flag needs an argument"},
		"nothing anywhere":  {"", []string{"login", "wechat", "--app-id", "wx"}, "code"},
		"sign: - and empty": {"", []string{"sign", "--user-domain-secret", "-", "a"}, "standard input ended"},
	} {
		r := runCLI(t, env, tc.stdin, tc.args...)
		assert.Equal(t, exitUsage, r.code, name)
		assert.Contains(t, r.stderr, tc.want, name)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
}

func TestCredentialHelpSaysHow(t *testing.T) {
	for cmd, creds := range credentialFlags(t) {
		r := runCLI(t, nil, "", append(strings.Fields(cmd), "--help")...)
		require.Equal(t, exitOK, r.code, cmd)
		for _, c := range creds {
			assert.Contains(t, r.stdout, "-"+c.flag+" -\n", "%s --%s", cmd, c.flag)
			assert.Contains(t, r.stdout, "$"+c.env, "%s --%s", cmd, c.flag)
		}
	}
	names := make([]string, 0, len(providers()))
	for n := range providers() {
		names = append(names, n)
	}
	sort.Strings(names)
	assert.Equal(t, strings.Join(names, ", "), providerNames())
}

func TestMissingCredentialSaysHow(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
		want []string
	}{
		"apple":          {env, []string{"login", "apple"}, []string{"missing identityToken from Sign in with Apple (set ENDUSER_APPLE_IDENTITY_TOKEN, or give --identity-token - and write the value on standard input)"}},
		"twitter secret": {with(env, "ENDUSER_TWITTER_OAUTH_TOKEN", "t"), []string{"login", "twitter", "--app-id", "a"}, []string{"set ENDUSER_TWITTER_OAUTH_TOKEN_SECRET"}},
		"v2 secret":      {with(env, "ENDUSER_USER_DOMAIN_SECRET", "", "ENDUSER_WECHAT_CODE", "c"), []string{"login", "wechat", "--app-id", "a"}, []string{"set ENDUSER_USER_DOMAIN_SECRET, or give --user-domain-secret -"}},
		"yidun both":     {env, []string{"login", "mobile", "--conn-id", "c", "--connection", "yidun"}, []string{"missing token (set ENDUSER_MOBILE_TOKEN", "; accessToken (set ENDUSER_MOBILE_ACCESS_TOKEN"}},
		"phone code":     {with(env, "ENDUSER_MOBILE_CODE", "c"), []string{"login", "mobile", "--conn-id", "c", "--connection", "wechat_mini_program_code_and_phone"}, []string{"missing wxPhoneInfo.code (set ENDUSER_MOBILE_PHONE_CODE, or give --phone-code -"}},
		"app secret":     {with(env, "ENDUSER_GENAUTH_APP_SECRET", "", "ENDUSER_MOBILE_CODE", "c"), []string{"login", "mobile", "--conn-id", "c", "--connection", "wechat", "--auth-method", "client_secret_basic"}, []string{"missing GenAuth app secret", "set ENDUSER_GENAUTH_APP_SECRET, or give --genauth-app-secret -"}},
		"baidu one of":   {env, []string{"login", "mobile", "--conn-id", "c", "--connection", "baidu"}, []string{"missing one of: code (set ENDUSER_MOBILE_CODE", "access_token (set ENDUSER_MOBILE_ACCESS_TOKEN"}},
	} {
		r := runCLI(t, tc.env, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, name)
		for _, w := range tc.want {
			assert.Contains(t, r.stderr, w, name)
		}
	}
	assert.Empty(t, srv.Requests(), "nothing sent")

	r := runCLI(t, with(env, "ENDUSER_MOBILE_ACCESS_TOKEN", "at"), "", "login", "mobile", "--conn-id", "c", "--connection", "baidu")
	assert.Equal(t, exitOK, r.code, "baidu with an access token only: %s", r.stderr)
}

// TestStdinOverItsLimitIsAnError: a credential line on standard input
// longer than maxStdin is a usage error (exit 2) for every credential flag
// and for sign's secret; it is never cut short and sent. A line within the
// limit still works.
func TestStdinOverItsLimitIsAnError(t *testing.T) {
	srv := endusertest.NewServer(t)
	env := emulatorEnv(srv)
	long := strings.Repeat("k", maxStdin) + "TAIL\n"
	for cmd, creds := range credentialFlags(t) {
		base := strings.Fields(cmd)
		if cmd == "login mobile" {
			base = append(base, "--connection", "wechat")
		}
		for _, c := range creds {
			args := append(append([]string(nil), base...), "--"+c.flag, "-")
			r := runCLI(t, env, long, args...)
			assert.Equal(t, exitUsage, r.code, "%v", args)
			assert.Empty(t, r.stdout, "%v", args)
			assert.Contains(t, r.stderr, "longer than its limit", "%v", args)
			assert.NotContains(t, r.stderr, "kkkkkkkk", "%v: the value is never echoed", args)
		}
	}
	assert.Empty(t, srv.Requests(), "nothing is sent")

	noSecret := with(env, "ENDUSER_USER_DOMAIN_SECRET", "")
	r := runCLI(t, noSecret, long, "sign", "a")
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)

	within := strings.Repeat("k", maxStdin-1) + "\n"
	r = runCLI(t, noSecret, within, "sign", "a")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, enduser.Sign(strings.Repeat("k", maxStdin-1), "a")+"\n", r.stdout)
}
