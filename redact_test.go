package enduser_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// stringers are the ways a value reaches text: every one must redact.
func renderings(v any) map[string]string {
	out := map[string]string{
		"%v": fmt.Sprintf("%v", v), "%+v": fmt.Sprintf("%+v", v), "%#v": fmt.Sprintf("%#v", v),
		"%s": fmt.Sprintf("%s", v), "%q": fmt.Sprintf("%q", v), "Sprint": fmt.Sprint(v),
		"%d": fmt.Sprintf("%d", v), "%x": fmt.Sprintf("%x", v), "Sprintln": fmt.Sprintln(v),
	}
	out["panic"] = func() (s string) {
		defer func() { s = fmt.Sprint(recover()) }()
		panic(v)
	}()
	if s, ok := v.(fmt.Stringer); ok {
		out["String"] = s.String()
	}
	if g, ok := v.(fmt.GoStringer); ok {
		out["GoString"] = g.GoString()
	}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("m", "v", v)
		out[name] = b.String()
	}
	return out
}

// jsonRedacts names the cases whose JSON encoding redacts too (requests,
// payloads and tokens encode in full: the wire and token stores need it).
var jsonRedacts = map[string]bool{
	"Config": true, "GenAuthConfig": true, "*Client": true, "*TokenSource": true, "struct holding a Config and a Client": true,
}

func TestRedaction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   any
		secrets []string
		public  []string // identifiers that stay readable
	}{
		{"Config", testConfig(), []string{testSecret, testAppSecret}, []string{testDomain, testBase, testAppID}},
		{"GenAuthConfig", testConfig().GenAuth, []string{testAppSecret}, []string{testAppID}},
		{"TwitterLoginRequest", enduser.TwitterLoginRequest{AppID: "tw-app", OAuthToken: "SECRET-ot", OAuthTokenSecret: "SECRET-ots", MCC: 460},
			[]string{"SECRET-ot", "SECRET-ots"}, []string{"tw-app", "460"}},
		{"AppleLoginRequest", enduser.AppleLoginRequest{IdentityToken: "SECRET-idt"}, []string{"SECRET-idt"}, nil},
		{"MobileSignInRequest", enduser.MobileSignInRequest{
			ExtIdpConnIdentifier: "conn-1", Payload: enduser.YidunPayload{Token: "SECRET-yt", AccessToken: "SECRET-yat"},
			Options: &enduser.MobileSignInOptions{Scope: "openid", Context: map[string]any{"ip": "SECRET-ip"}},
		}, []string{"SECRET-yt", "SECRET-yat", "SECRET-ip"}, []string{"conn-1", "openid"}},
		{"payload", enduser.DingTalkPayload{Code: "SECRET-dt", IsSnsCode: true}, []string{"SECRET-dt"}, []string{"true"}},
		{"Token", enduser.Token{AccessToken: "Bearer SECRET-at", TokenType: "Bearer", RefreshToken: "SECRET-rt", IDToken: "SECRET-id",
			Expiry: time.Unix(1744780894, 0), Scope: "openid"}, []string{"SECRET-at", "SECRET-rt", "SECRET-id"}, []string{"Bearer", "openid"}},
		{"*Token", &enduser.Token{AccessToken: "Bearer SECRET-at", RefreshToken: "SECRET-rt"}, []string{"SECRET-at", "SECRET-rt"}, nil},
	}
	c, err := enduser.NewClient(func() enduser.Config {
		cfg := testConfig()
		cfg.GenAuth.AuthMethod = enduser.AuthClientSecretBasic
		return cfg
	}())
	require.NoError(t, err)
	basic := base64.StdEncoding.EncodeToString([]byte(testAppID + ":" + testAppSecret))
	ts := c.TokenSource(&enduser.Token{AccessToken: "Bearer SECRET-ts-at", RefreshToken: "SECRET-ts-rt"})
	type holder struct {
		Config enduser.Config
		Client *enduser.Client
	}
	tests = append(tests, []struct {
		name    string
		value   any
		secrets []string
		public  []string
	}{
		{"*Client", c, []string{testSecret, testAppSecret, basic}, []string{testDomain, testBase, testAppID}},
		{"Client value (fmt prints it by reflection)", *c, []string{testSecret, testAppSecret, basic}, nil},
		{"struct holding an unexported Client value", struct{ c enduser.Client }{*c}, []string{testSecret, testAppSecret, basic}, nil},
		{"*TokenSource", ts, []string{testSecret, testAppSecret, basic, "SECRET-ts-at", "SECRET-ts-rt"}, []string{testDomain}},
		{"struct holding a Config and a Client", holder{testConfig(), c}, []string{testSecret, testAppSecret, basic}, []string{testDomain}},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := renderings(tt.value)
			if jsonRedacts[tt.name] {
				j, err := json.Marshal(tt.value)
				require.NoError(t, err)
				r["json"] = string(j)
			}
			for how, text := range r {
				for _, s := range tt.secrets {
					assert.NotContains(t, text, s, how)
				}
				if text == "{}" {
					continue // a Client has no exported fields to encode
				}
				for _, p := range tt.public {
					assert.Contains(t, text, p, how)
				}
			}
		})
	}
}

// A Config encodes with its secrets redacted, and a config file still
// decodes into a Config.
func TestConfigJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(testConfig())
	require.NoError(t, err)
	assert.NotContains(t, string(b), testSecret)
	assert.NotContains(t, string(b), testAppSecret)
	assert.Contains(t, string(b), `"UserDomainSecret":"[redacted]"`)
	assert.Contains(t, string(b), `"AppSecret":"[redacted]"`)
	assert.Contains(t, string(b), testDomain)
	var cfg enduser.Config
	require.NoError(t, json.Unmarshal([]byte(`{"BaseURL":"https://h","UserDomain":"E.SP.1","UserDomainSecret":"s3",
		"GenAuth":{"Host":"https://g","AppID":"a","AppSecret":"s4","AuthMethod":1}}`), &cfg))
	assert.Equal(t, enduser.Config{BaseURL: "https://h", UserDomain: "E.SP.1", UserDomainSecret: "s3",
		GenAuth: enduser.GenAuthConfig{Host: "https://g", AppID: "a", AppSecret: "s4", AuthMethod: enduser.AuthClientSecretPost}}, cfg)
	empty, err := json.Marshal(enduser.GenAuthConfig{Host: "https://g"})
	require.NoError(t, err)
	assert.Contains(t, string(empty), `"AppSecret":""`, "an unset secret stays empty")
}

// TestPercentP: %p is the one verb fmt handles before any method of the
// value, so a value of a secret-holding type printed with %p shows its
// fields raw (documented in SECURITY.md and on Client's printing; go vet
// does not report it, as the types implement fmt.Formatter). Of a pointer
// it prints only an address, and no %p appears in the repository's code.
func TestPercentP(t *testing.T) {
	t.Parallel()
	cfg := enduser.Config{BaseURL: "https://h", UserDomain: "E.SP.7", UserDomainSecret: "PERCENT-P-secret-0001"}
	for _, v := range []any{&cfg, &cfg.GenAuth, &enduser.Token{AccessToken: "PERCENT-P-token-0002"}} {
		out := fmt.Sprintf("%p", v)
		assert.Regexp(t, `^0x[0-9a-f]+$`, out)
	}
	assert.Contains(t, fmt.Sprintf("%p", cfg), "PERCENT-P-secret-0001", "the documented hazard: a value's fields, raw")

	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		assert.NotContains(t, string(src), "%p", "%s prints with %%p", path)
		return nil
	})
	require.NoError(t, err)
}
