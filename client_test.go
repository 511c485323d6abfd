package enduser_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

func TestNewClientValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := testConfig()
	with := func(f func(*enduser.Config)) enduser.Config {
		c := ok
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     enduser.Config
		opts    []enduser.Option
		wantErr string // field named in the error; "" = valid
		also    error  // a sentinel the error matches besides ErrInvalidConfig
	}{
		{name: "complete", cfg: ok},
		{name: "GenAuth only", cfg: enduser.Config{GenAuth: ok.GenAuth}},
		{name: "v2 only", cfg: with(func(c *enduser.Config) { c.GenAuth = enduser.GenAuthConfig{} })},
		{name: "empty", cfg: enduser.Config{}, wantErr: "Config"},
		{name: "no base URL", cfg: with(func(c *enduser.Config) { c.BaseURL = "" }), wantErr: "BaseURL"},
		{name: "relative base URL", cfg: with(func(c *enduser.Config) { c.BaseURL = "iot-api.acceleronix.io" }), wantErr: "BaseURL"},
		{name: "base URL with credentials", cfg: with(func(c *enduser.Config) { c.BaseURL = "https://u:pw@host" }), wantErr: "BaseURL"},
		{name: "base URL ending in ?", cfg: with(func(c *enduser.Config) { c.BaseURL = "https://host/?" }), wantErr: "BaseURL"},
		{name: "base URL ending in #", cfg: with(func(c *enduser.Config) { c.BaseURL = "https://host#" }), wantErr: "BaseURL"},
		{name: "empty host name", cfg: with(func(c *enduser.Config) { c.BaseURL = "https://:443" }), wantErr: "BaseURL"},
		{name: "GenAuth host ending in ?", cfg: with(func(c *enduser.Config) { c.GenAuth.Host = "https://app.example/?" }), wantErr: "GenAuth.Host"},
		{name: "CR LF in app id", cfg: with(func(c *enduser.Config) { c.GenAuth.AppID = "app\r\nX-Evil: 1" }), wantErr: "GenAuth.AppID"},
		{name: "NUL in app id", cfg: with(func(c *enduser.Config) { c.GenAuth.AppID = "app\x00" }), wantErr: "GenAuth.AppID"},
		{name: "NUL in user agent", cfg: ok, opts: []enduser.Option{enduser.WithUserAgent("ua\x00")}, wantErr: "WithUserAgent"},
		{name: "tab in user agent", cfg: ok, opts: []enduser.Option{enduser.WithUserAgent("ua\tx")}, wantErr: "WithUserAgent"},
		{name: "ftp", cfg: with(func(c *enduser.Config) { c.BaseURL = "ftp://host" }), wantErr: "BaseURL"},
		{name: "plain http to a remote host", cfg: with(func(c *enduser.Config) { c.BaseURL = "http://iot-api.acceleronix.io" }), wantErr: "BaseURL"},
		{name: "plain http with WithInsecureHTTP", cfg: with(func(c *enduser.Config) { c.BaseURL = "http://10.0.0.8:8080" }), opts: []enduser.Option{enduser.WithInsecureHTTP()}},
		{name: "plain http to loopback", cfg: with(func(c *enduser.Config) { c.BaseURL = "http://127.0.0.1:8080" })},
		{name: "plain http to localhost", cfg: with(func(c *enduser.Config) { c.BaseURL = "http://localhost:8080" })},
		{name: "plain http to ::1", cfg: with(func(c *enduser.Config) { c.BaseURL = "http://[::1]:8080" })},
		{name: "no user domain", cfg: with(func(c *enduser.Config) { c.UserDomain = "" }), wantErr: "UserDomain", also: enduser.ErrUserDomainRequired},
		{name: "no secret", cfg: with(func(c *enduser.Config) { c.UserDomainSecret = "" }), wantErr: "UserDomainSecret"},
		{name: "GenAuth without host", cfg: with(func(c *enduser.Config) { c.GenAuth.Host = "" }), wantErr: "GenAuth.Host"},
		{name: "GenAuth without app id", cfg: with(func(c *enduser.Config) { c.GenAuth.AppID = "" }), wantErr: "GenAuth.AppID"},
		{name: "secret method without secret", cfg: with(func(c *enduser.Config) {
			c.GenAuth.AppSecret = ""
			c.GenAuth.AuthMethod = enduser.AuthClientSecretBasic
		}), wantErr: "GenAuth.AppSecret"},
		{name: "unknown auth method", cfg: with(func(c *enduser.Config) { c.GenAuth.AuthMethod = 9 }), wantErr: "GenAuth.AuthMethod"},
		{name: "nil http client", cfg: ok, opts: []enduser.Option{enduser.WithHTTPClient(nil)}, wantErr: "WithHTTPClient"},
		{name: "negative timeout", cfg: ok, opts: []enduser.Option{enduser.WithTimeout(-time.Second)}, wantErr: "WithTimeout"},
		{name: "zero body limit", cfg: ok, opts: []enduser.Option{enduser.WithResponseBodyLimit(0)}, wantErr: "WithResponseBodyLimit"},
		{name: "nil logger", cfg: ok, opts: []enduser.Option{enduser.WithLogger(nil)}, wantErr: "WithLogger"},
		{name: "nil clock", cfg: ok, opts: []enduser.Option{enduser.WithClock(nil)}, wantErr: "WithClock"},
		{name: "header injection in user agent", cfg: ok, opts: []enduser.Option{enduser.WithUserAgent("a\r\nX-Evil: 1")}, wantErr: "WithUserAgent"},
		{name: "zero retry attempts", cfg: ok, opts: []enduser.Option{enduser.WithRetry(enduser.RetryPolicy{})}, wantErr: "WithRetry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := enduser.NewClient(tt.cfg, tt.opts...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, enduser.ErrInvalidConfig)
			if tt.also != nil {
				assert.ErrorIs(t, err, tt.also)
			}
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), testSecret)
			assert.NotContains(t, err.Error(), testAppSecret)
			assert.NotContains(t, err.Error(), "pw")
		})
	}
}

func TestWithHTTPClientIsCopied(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: 3 * time.Second}
	_, err := enduser.NewClient(testConfig(), enduser.WithHTTPClient(hc), enduser.WithTimeout(time.Second))
	require.NoError(t, err)
	assert.Nil(t, hc.Transport, "the caller's client is not modified")
	assert.Nil(t, hc.CheckRedirect)
	assert.Equal(t, 3*time.Second, hc.Timeout)
}

func TestGenAuthNotConfigured(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.GenAuth = enduser.GenAuthConfig{}
	c, mt := newTestClient(t, cfg)
	_, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wx", Payload: enduser.WechatPayload{Code: "c"}})
	assert.ErrorIs(t, err, enduser.ErrNotConfigured)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestV2NotConfigured(t *testing.T) {
	t.Parallel()
	c, mt := newTestClient(t, enduser.Config{GenAuth: testConfig().GenAuth})
	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "t"})
	assert.ErrorIs(t, err, enduser.ErrNotConfigured)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// TestNewClientRejectsMalformedBaseURLs: both base URLs refuse what
// url.Parse accepts but names no single server path: a port outside
// 1-65535 or an empty one, whitespace, ';' in the host, dot segments. The
// error names the field, never the value.
func TestNewClientRejectsMalformedBaseURLs(t *testing.T) {
	t.Parallel()
	fields := map[string]func(c *enduser.Config, u string){
		"BaseURL":      func(c *enduser.Config, u string) { c.BaseURL = u },
		"GenAuth.Host": func(c *enduser.Config, u string) { c.GenAuth.Host = u },
	}
	tests := []struct {
		url   string
		valid bool
	}{
		{url: "https://mark.example:99999/"},
		{url: "https://mark.example:65536"},
		{url: "https://mark.example:0/"},
		{url: "https://mark.example:/"},
		{url: "https://mark.example:"},
		{url: "https://mark.example/ "},
		{url: " https://mark.example/"},
		{url: "https://mark.example/a b"},
		{url: "https://mark.example/\u00a0"},
		{url: "https://mark.example;x/"},
		{url: "https://mark.example/./api"},
		{url: "https://mark.example/../api"},
		{url: "https://mark.example/api/.."},
		{url: "https://mark.example/api/."},
		{url: "https://mark.example:1/", valid: true},
		{url: "https://mark.example:65535/base/", valid: true},
		{url: "https://mark.example/a.b/..c/", valid: true},
	}
	for field, set := range fields {
		for _, tt := range tests {
			t.Run(field+"/"+tt.url, func(t *testing.T) {
				t.Parallel()
				cfg := testConfig()
				set(&cfg, tt.url)
				c, err := enduser.NewClient(cfg)
				if tt.valid {
					require.NoError(t, err)
					assert.NotNil(t, c)
					return
				}
				require.ErrorIs(t, err, enduser.ErrInvalidConfig)
				assert.Nil(t, c)
				assert.Contains(t, err.Error(), field)
				assert.NotContains(t, err.Error(), "mark")
			})
		}
	}
}
