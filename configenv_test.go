package enduser_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	const secret, appSecret = "s3cr3t-user-domain", "s3cr3t-app-0123456789abcdef0123456789"
	full := map[string]string{
		"ENDUSER_BASE_URL": "https://iot-api.acceleronix.io", "ENDUSER_USER_DOMAIN": "E.SP.1", "ENDUSER_USER_DOMAIN_SECRET": secret,
		"ENDUSER_GENAUTH_HOST": "https://example.genauth.ai", "ENDUSER_GENAUTH_APP_ID": "app",
		"ENDUSER_GENAUTH_APP_SECRET": appSecret, "ENDUSER_GENAUTH_AUTH_METHOD": "client_secret_basic",
	}
	env := func(m map[string]string, drop ...string) func(string) string {
		return func(k string) string {
			for _, d := range drop {
				if k == d {
					return ""
				}
			}
			return m[k]
		}
	}
	cfg, err := enduser.ConfigFromEnv(env(full))
	require.NoError(t, err)
	assert.Equal(t, enduser.Config{
		BaseURL: "https://iot-api.acceleronix.io", UserDomain: "E.SP.1", UserDomainSecret: secret,
		GenAuth: enduser.GenAuthConfig{Host: "https://example.genauth.ai", AppID: "app", AppSecret: appSecret, AuthMethod: enduser.AuthClientSecretBasic},
	}, cfg)
	_, err = enduser.NewClient(cfg)
	require.NoError(t, err, "a Config from the environment is one NewClient accepts")

	v2 := []string{"ENDUSER_BASE_URL", "ENDUSER_USER_DOMAIN", "ENDUSER_USER_DOMAIN_SECRET"}
	genAuth := []string{"ENDUSER_GENAUTH_HOST", "ENDUSER_GENAUTH_APP_ID", "ENDUSER_GENAUTH_APP_SECRET", "ENDUSER_GENAUTH_AUTH_METHOD"}
	cfg, err = enduser.ConfigFromEnv(env(full, genAuth...))
	require.NoError(t, err, "the v2 group alone")
	assert.Zero(t, cfg.GenAuth)
	cfg, err = enduser.ConfigFromEnv(env(full, v2...))
	require.NoError(t, err, "the GenAuth group alone")
	assert.Empty(t, cfg.BaseURL)

	// Each required variable missing from a set group is named.
	for _, name := range []string{"ENDUSER_BASE_URL", "ENDUSER_USER_DOMAIN", "ENDUSER_USER_DOMAIN_SECRET", "ENDUSER_GENAUTH_HOST", "ENDUSER_GENAUTH_APP_ID", "ENDUSER_GENAUTH_APP_SECRET"} {
		_, err := enduser.ConfigFromEnv(env(full, name))
		require.ErrorIs(t, err, enduser.ErrInvalidConfig, name)
		assert.Contains(t, err.Error(), name+" is", "%s: %v", name, err)
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assert.NotContains(t, s, "s3cr3t", "%s: a secret is never echoed", name)
		}
	}
	_, err = enduser.ConfigFromEnv(env(nil))
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "ENDUSER_BASE_URL")
	assert.Contains(t, err.Error(), "ENDUSER_GENAUTH_HOST")

	bad := map[string]string{"ENDUSER_GENAUTH_AUTH_METHOD": "s3cr3t-typo"}
	for k, v := range full {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	_, err = enduser.ConfigFromEnv(env(bad))
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "ENDUSER_GENAUTH_AUTH_METHOD")
	assert.False(t, strings.Contains(err.Error(), "s3cr3t"), "the value is not echoed")
}
