package enduser

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/seed1804ee03/enduser/internal/hostcheck"
)

// Config holds the credentials and hosts of a [Client]. Printing or logging
// a Config never shows its secrets.
type Config struct {
	// BaseURL is the v2 end-user API host, chosen by data center:
	// https://iot-api.quectelcn.com (China) or https://iot-api.acceleronix.io
	// (Europe), or any other deployment or emulator.
	BaseURL string
	// UserDomain identifies the user domain, e.g. "E.SP.4294967410".
	UserDomain string
	// UserDomainSecret signs every v2 login. It is never sent.
	UserDomainSecret string
	// GenAuth configures SignInByMobile. Its zero value disables it: GenAuth
	// calls then return ErrNotConfigured.
	GenAuth GenAuthConfig
}

// GenAuthConfig holds the GenAuth application used by [Client.SignInByMobile].
type GenAuthConfig struct {
	Host       string           // app host, e.g. https://example.genauth.ai
	AppID      string           // sent as x-authing-app-id
	AppSecret  string           // needed by AuthClientSecretPost and AuthClientSecretBasic
	AuthMethod ClientAuthMethod // how the client authenticates; AuthNone by default
	// TokenEndpointAuthMethod, IntrospectionEndpointAuthMethod and
	// RevocationEndpointAuthMethod set the client authentication of those
	// OIDC endpoints where the app's differs from AuthMethod, as Authing's
	// Node SDK does: "none", "client_secret_post" or "client_secret_basic";
	// "" means AuthMethod.
	TokenEndpointAuthMethod         string
	IntrospectionEndpointAuthMethod string
	RevocationEndpointAuthMethod    string
	// Issuer is the issuer (iss) VerifyIDToken requires of id tokens; ""
	// means Host + "/oidc". An app on a custom domain sets its own.
	Issuer string
	// IDTokenSigningAlg is how the app signs id tokens, as set in the GenAuth
	// console: IDTokenRS256 ("" means RS256: the host's published keys) or
	// IDTokenHS256 (HMAC with AppSecret, which must then be at least 32
	// bytes). VerifyIDToken accepts only this algorithm.
	IDTokenSigningAlg string
}

// ClientAuthMethod is GenAuth's "exchange token authentication method": how
// a sign-in proves the client's identity, as set in the GenAuth console.
type ClientAuthMethod int

// The three client authentication methods.
const (
	AuthNone              ClientAuthMethod = iota // nothing extra (single-page and native apps)
	AuthClientSecretPost                          // client_id and client_secret in the JSON body
	AuthClientSecretBasic                         // Authorization: Basic base64(appId:appSecret)
)

var authMethodNames = [...]string{AuthNone: "none", AuthClientSecretPost: "client_secret_post", AuthClientSecretBasic: "client_secret_basic"}

// String returns GenAuth's name for the method, e.g. "client_secret_post".
func (m ClientAuthMethod) String() string {
	if m >= 0 && int(m) < len(authMethodNames) {
		return authMethodNames[m]
	}
	return fmt.Sprintf("ClientAuthMethod(%d)", int(m))
}

// parseAuthMethod returns the method String names.
func parseAuthMethod(name string) (ClientAuthMethod, bool) {
	i := slices.Index(authMethodNames[:], name)
	return ClientAuthMethod(max(i, 0)), i >= 0
}

// String describes the config with its secrets redacted.
func (c Config) String() string { return redactedText(c) }

// Format prints String for every verb (%#v included).
func (c Config) Format(f fmt.State, _ rune) { formatRedacted(f, c) }

// LogValue logs the config with its secrets redacted.
func (c Config) LogValue() slog.Value { return redactedLogValue(c) }

// MarshalJSON encodes the config with every set secret as "[redacted]", so
// that no JSON log or status page shows one. Decoding is unaffected.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config // without methods
	c.UserDomainSecret = redactedString(c.UserDomainSecret)
	return json.Marshal(plain(c))
}

// String describes the config with its secret redacted.
func (c GenAuthConfig) String() string { return redactedText(c) }

// Format prints String for every verb (%#v included).
func (c GenAuthConfig) Format(f fmt.State, _ rune) { formatRedacted(f, c) }

// LogValue logs the config with its secret redacted.
func (c GenAuthConfig) LogValue() slog.Value { return redactedLogValue(c) }

// MarshalJSON encodes the config with AppSecret as "[redacted]" when set.
func (c GenAuthConfig) MarshalJSON() ([]byte, error) {
	type plain GenAuthConfig
	c.AppSecret = redactedString(c.AppSecret)
	return json.Marshal(plain(c))
}

// configError is a NewClient failure: it names the field, never its value.
func configError(field, reason string) error {
	return fmt.Errorf("%w: %s %s", ErrInvalidConfig, field, reason)
}

// v2Configured reports whether the v2 part of c is set at all.
func (c Config) v2Configured() bool {
	return c.BaseURL != "" || c.UserDomain != "" || c.UserDomainSecret != ""
}

func (c Config) validate(insecure bool) error {
	if !c.v2Configured() && c.GenAuth == (GenAuthConfig{}) {
		return configError("Config", "is empty")
	}
	if c.v2Configured() {
		if reason := hostcheck.Reason(c.BaseURL, insecure); reason != "" {
			return configError("BaseURL", reason)
		}
		if c.UserDomain == "" {
			return fmt.Errorf("%w (%w)", configError("UserDomain", "is empty"), ErrUserDomainRequired)
		}
		if c.UserDomainSecret == "" {
			return configError("UserDomainSecret", "is empty")
		}
	}
	g := c.GenAuth
	if g == (GenAuthConfig{}) {
		return nil
	}
	if reason := hostcheck.Reason(g.Host, insecure); reason != "" {
		return configError("GenAuth.Host", reason)
	}
	if g.AppID == "" {
		return configError("GenAuth.AppID", "is empty")
	}
	if hostcheck.HasControl(g.AppID) {
		return configError("GenAuth.AppID", "holds a control character (it is sent in a header)")
	}
	for _, e := range [...]struct{ field, value string }{
		{"AuthMethod", g.AuthMethod.String()},
		{"TokenEndpointAuthMethod", g.TokenEndpointAuthMethod},
		{"IntrospectionEndpointAuthMethod", g.IntrospectionEndpointAuthMethod},
		{"RevocationEndpointAuthMethod", g.RevocationEndpointAuthMethod},
	} {
		m, ok := parseAuthMethod(e.value)
		switch {
		case e.value == "":
		case !ok:
			return configError("GenAuth."+e.field, `is not "none", "client_secret_post" or "client_secret_basic"`)
		case m != AuthNone && g.AppSecret == "":
			return configError("GenAuth.AppSecret", "is empty but "+e.field+" "+m.String()+" needs it")
		}
	}
	if hostcheck.HasControl(g.Issuer) || strings.TrimSpace(g.Issuer) != g.Issuer {
		return configError("GenAuth.Issuer", "holds a control character or surrounding space")
	}
	switch g.IDTokenSigningAlg {
	case "", IDTokenRS256:
	case IDTokenHS256:
		if len(g.AppSecret) < 32 {
			return configError("GenAuth.AppSecret", "is shorter than the 32 bytes HS256 id tokens need")
		}
	default:
		return configError("GenAuth.IDTokenSigningAlg", `is neither "RS256" nor "HS256"`)
	}
	return nil
}

// ConfigFromEnv reads a Config from environment variables through getenv
// (os.Getenv, or a map's lookup in tests):
//
//	ENDUSER_BASE_URL, ENDUSER_USER_DOMAIN, ENDUSER_USER_DOMAIN_SECRET   the v2 API (all three, or none)
//	ENDUSER_GENAUTH_HOST, ENDUSER_GENAUTH_APP_ID                        GenAuth (both, or none of its variables)
//	ENDUSER_GENAUTH_APP_SECRET                                          needed by the two secret methods
//	ENDUSER_GENAUTH_AUTH_METHOD   none (default), client_secret_post or client_secret_basic
//	ENDUSER_GENAUTH_ID_TOKEN_ALG  RS256 (default) or HS256
//
// One of the two groups must be set. An error wraps [ErrInvalidConfig] and
// names the missing or malformed variable, never a value; [NewClient]
// checks the values themselves (hosts, lengths).
func ConfigFromEnv(getenv func(key string) string) (Config, error) {
	c := Config{
		BaseURL: getenv("ENDUSER_BASE_URL"), UserDomain: getenv("ENDUSER_USER_DOMAIN"),
		UserDomainSecret: getenv("ENDUSER_USER_DOMAIN_SECRET"),
		GenAuth: GenAuthConfig{
			Host: getenv("ENDUSER_GENAUTH_HOST"), AppID: getenv("ENDUSER_GENAUTH_APP_ID"),
			AppSecret: getenv("ENDUSER_GENAUTH_APP_SECRET"), IDTokenSigningAlg: getenv("ENDUSER_GENAUTH_ID_TOKEN_ALG"),
		},
	}
	method := getenv("ENDUSER_GENAUTH_AUTH_METHOD")
	m, ok := parseAuthMethod(method)
	if method != "" && !ok {
		return Config{}, fmt.Errorf("%w: ENDUSER_GENAUTH_AUTH_METHOD is none of none, client_secret_post and client_secret_basic", ErrInvalidConfig)
	}
	c.GenAuth.AuthMethod = m
	for _, group := range [...][]string{
		{"ENDUSER_BASE_URL", "ENDUSER_USER_DOMAIN", "ENDUSER_USER_DOMAIN_SECRET"},
		{"ENDUSER_GENAUTH_HOST", "ENDUSER_GENAUTH_APP_ID"},
	} {
		var set, unset []string
		for _, name := range group {
			if getenv(name) != "" {
				set = append(set, name)
			} else {
				unset = append(unset, name)
			}
		}
		if len(set) > 0 && len(unset) > 0 {
			return Config{}, fmt.Errorf("%w: %s is set but %s is not", ErrInvalidConfig, strings.Join(set, ", "), strings.Join(unset, ", "))
		}
	}
	if c.GenAuth != (GenAuthConfig{}) && c.GenAuth.Host == "" {
		return Config{}, fmt.Errorf("%w: GenAuth variables are set but ENDUSER_GENAUTH_HOST and ENDUSER_GENAUTH_APP_ID are not", ErrInvalidConfig)
	}
	if c.GenAuth.AuthMethod != AuthNone && c.GenAuth.AppSecret == "" {
		return Config{}, fmt.Errorf("%w: ENDUSER_GENAUTH_AUTH_METHOD is %s but ENDUSER_GENAUTH_APP_SECRET is not set", ErrInvalidConfig, c.GenAuth.AuthMethod)
	}
	if !c.v2Configured() && c.GenAuth == (GenAuthConfig{}) {
		return Config{}, fmt.Errorf("%w: neither ENDUSER_BASE_URL (with ENDUSER_USER_DOMAIN and ENDUSER_USER_DOMAIN_SECRET) nor ENDUSER_GENAUTH_HOST (with ENDUSER_GENAUTH_APP_ID) is set", ErrInvalidConfig)
	}
	return c, nil
}
