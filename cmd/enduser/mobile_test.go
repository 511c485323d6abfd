package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/internal/connections"
)

// jsonAt returns the value at a dotted path of a decoded JSON object.
func jsonAt(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// payloadOf returns the payload object of a sign-in body (the one key
// ending in "Payload").
func payloadOf(body map[string]any) map[string]any {
	for k, v := range body {
		if strings.HasSuffix(k, "Payload") {
			p, _ := v.(map[string]any)
			return p
		}
	}
	return nil
}

func TestMobileEveryConnectionEveryField(t *testing.T) {
	srv := endusertest.NewServer(t, endusertest.WithSecretsRecorded()) // checks the exact credentials sent
	conns := mobileConnections()
	require.Len(t, conns, len(connections.All()), "one entry per row of the connection table")
	require.GreaterOrEqual(t, len(conns), 32)
	for _, name := range sortedConnections(conns) {
		mc := conns[enduser.Connection(name)]
		t.Run(name, func(t *testing.T) {
			env := emulatorEnv(srv)
			args := []string{"login", "mobile", "--conn-id", "conn-" + name, "--connection", name, "--tenant-id", "t1", "--scope", "openid"}
			want := map[string]any{}
			var stdin []string
			for i, f := range mc.fields {
				switch f.kind {
				case connections.KindBool:
					args = append(args, "--"+f.flag)
					want[f.path] = true
				case connections.KindString:
					v := name + "-" + f.flag + "-value"
					want[f.path] = v
					if i%2 == 0 { // half from the environment, half from standard input
						env[mobileEnv(f.flag)] = v
					} else {
						args = append(args, "--"+f.flag, "-")
						stdin = append(stdin, v)
					}
				}
			}
			before := len(srv.Requests())
			r := runCLI(t, env, strings.Join(stdin, "\n")+"\n", args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			reqs := srv.Requests()
			require.Len(t, reqs, before+1)
			body := reqs[len(reqs)-1].JSON
			assert.Equal(t, name, body["connection"])
			assert.Equal(t, "conn-"+name, body["extIdpConnidentifier"])
			assert.Equal(t, "t1", jsonAt(body, "options.tenantId"))
			p := payloadOf(body)
			require.NotNil(t, p, "%v", body)
			for path, v := range want {
				assert.Equal(t, v, jsonAt(p, path), path)
			}
		})
	}
}

func TestMobileMultiFieldConnections(t *testing.T) {
	// The hand-checked shapes of the multi-field connections.
	flags := func(c enduser.Connection) string { return flagList(mobileConnections()[c].fields) }
	assert.Equal(t, "--token --access-token", flags(enduser.ConnectionYidun))
	assert.Equal(t, "--code --encrypted-data --iv", flags(enduser.ConnectionWechatMiniProgramPhone))
	assert.Equal(t, "--code --encrypted-data --iv --phone-code", flags(enduser.ConnectionWechatMiniProgramCodeAndPhone))
	assert.Equal(t, "--access-token --id-token", flags(enduser.ConnectionLine))
	assert.Equal(t, "--code --access-token", flags(enduser.ConnectionBaidu))
	assert.Equal(t, "--code --is-sns-code", flags(enduser.ConnectionDingTalk))
	assert.Equal(t, "--code --encrypted-data --iv", flags(enduser.ConnectionDouyinMiniProgramCode))
	assert.Equal(t, "--code --encrypted-data --iv --phone-iv --phone-encrypted-data", flags(enduser.ConnectionDouyinMiniProgramCodeAndPhone))
}

func TestMobileFlagsAreUniquePerConnection(t *testing.T) {
	for c, mc := range mobileConnections() {
		seen := map[string]bool{}
		for _, f := range mc.fields {
			assert.False(t, seen[f.flag], "%s: --%s twice", c, f.flag)
			seen[f.flag] = true
		}
		assert.NotEmpty(t, mc.fields, c)
	}
}

func TestMobileRefusals(t *testing.T) {
	srv := endusertest.NewServer(t, endusertest.WithSecretsRecorded()) // checks the exact credentials sent
	env := with(emulatorEnv(srv), "ENDUSER_MOBILE_CODE", "c", "ENDUSER_MOBILE_IV", "iv-from-env")
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"unknown connection":      {[]string{"--connection", "myspace"}, "--connection must be one of: alipay,"},
		"no connection":           {nil, "--connection must be one of"},
		"flag of another":         {[]string{"--connection", "google", "--iv", "-"}, "connection google takes no --iv (its flags: --code)"},
		"bool flag of another":    {[]string{"--connection", "google", "--is-sns-code"}, "takes no --is-sns-code"},
		"required field missing":  {[]string{"--connection", "yidun"}, "token"},
		"code-and-phone no phone": {[]string{"--connection", "wechat_mini_program_code_and_phone"}, "wxPhoneInfo"},
	} {
		r := runCLI(t, env, "x\n", append([]string{"login", "mobile", "--conn-id", "c"}, tc.args...)...)
		assert.Equal(t, exitUsage, r.code, "%s: %s", name, r.stderr)
		assert.Contains(t, r.stderr, tc.want, name)
	}
	assert.Equal(t, 0, srv.Count("signin-by-mobile"), "nothing sent")

	// A variable for a field the connection does not have is ignored.
	r := runCLI(t, env, "", "login", "mobile", "--conn-id", "c", "--connection", "google")
	require.Equal(t, exitOK, r.code, r.stderr)
	p := payloadOf(srv.Requests()[0].JSON)
	assert.Equal(t, map[string]any{"code": "c"}, p)
}
