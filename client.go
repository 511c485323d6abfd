package enduser

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-resty/resty/v2"

	"github.com/seed1804ee03/enduser/internal/redact"
	"github.com/seed1804ee03/enduser/internal/scrub"
)

// Version is the SDK's semantic version; it is sent in the User-Agent.
const Version = "0.3.0"

// Client calls both API families. Build it once with [NewClient] and share
// it: it is immutable and safe for concurrent use by many goroutines.
type Client struct {
	rc          *resty.Client
	opts        options
	v2Base      string // BaseURL + "/v2/enduser/enduserapi/"
	userDomain  string
	v2Host      string
	genAuthURL  string // GenAuth.Host + "/api/v3/signin-by-mobile"
	genAuthHost string
	genAuth     GenAuthConfig     // without AppSecret, which is in keys
	appIDHeader []string          // the x-authing-app-id header value, built once
	urls        map[string]string // every endpoint's URL by Op, joined once
	userAgent   []string          // the User-Agent header value, built once
	reqs        *sync.Pool        // idle *resty.Request values (send)
	// keys returns the secrets, sealed in a closure: even a reflective
	// print of a Client value shows only an address.
	keys func() *clientKeys
	// idTokenVerifier returns the one id token verifier, built on first use.
	idTokenVerifier func() *oidc.IDTokenVerifier
}

// clientKeys holds a Client's configured secrets (see Client.keys).
type clientKeys struct {
	userDomainSecret string
	appSecret        string
	basicAuth        string          // precomputed Authorization for AuthClientSecretBasic
	scrub            *scrub.Scrubber // the configured secrets, in every encoding
}

// v2Path is the path of the v2 end-user API under Config.BaseURL.
const v2Path = "/v2/enduser/enduserapi/"

// NewClient validates cfg and the options and builds a Client. It does no
// network I/O. Errors wrap [ErrInvalidConfig] and name the offending field,
// never its value.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	if err := cfg.validate(o.insecureHTTP); err != nil {
		return nil, err
	}
	c := &Client{
		rc:         newResty(o),
		userAgent:  []string{o.userAgent},
		urls:       map[string]string{},
		reqs:       new(sync.Pool),
		opts:       o,
		userDomain: cfg.UserDomain,
		genAuth:    cfg.GenAuth,
	}
	keys := &clientKeys{userDomainSecret: cfg.UserDomainSecret, appSecret: cfg.GenAuth.AppSecret, scrub: &scrub.Scrubber{}}
	c.genAuth.AppSecret = ""
	c.keys = func() *clientKeys { return keys }
	c.idTokenVerifier = sync.OnceValue(c.newIDTokenVerifier)
	if cfg.v2Configured() {
		c.v2Base = strings.TrimRight(cfg.BaseURL, "/") + v2Path
		c.v2Host = hostOf(cfg.BaseURL)
		keys.scrub.Add(cfg.UserDomainSecret)
		for op := range v2Table {
			c.urls[op] = c.v2Base + op
		}
	}
	if cfg.GenAuth.Host != "" {
		c.genAuthURL = strings.TrimRight(cfg.GenAuth.Host, "/") + "/api/v3/signin-by-mobile"
		c.genAuthHost = hostOf(cfg.GenAuth.Host)
		c.appIDHeader = []string{cfg.GenAuth.AppID}
		for _, op := range []string{OpOIDCToken, OpOIDCUserInfo, OpOIDCRevocation, OpOIDCIntrospection, OpOIDCKeys} {
			c.urls[op] = strings.TrimRight(cfg.GenAuth.Host, "/") + "/" + op
		}
		keys.scrub.Add(cfg.GenAuth.AppSecret)
		if cfg.GenAuth.AppSecret != "" { // for the endpoints whose method is client_secret_basic
			// Each half form-urlencoded before base64, so that an id with ':'
			// stays one id: https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
			keys.basicAuth = "Basic " + base64.StdEncoding.EncodeToString(
				[]byte(url.QueryEscape(cfg.GenAuth.AppID)+":"+url.QueryEscape(cfg.GenAuth.AppSecret)))
			keys.scrub.Add(keys.basicAuth)
		}
	}
	return c, nil
}

// CloseIdleConnections closes the idle keep-alive connections of the
// Client's transport, for programs and tests that want them gone now; a
// Client needs no closing.
func (c *Client) CloseIdleConnections() { c.rc.GetClient().CloseIdleConnections() }

// hostOf returns the host of a validated base URL, for log records.
func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return ""
}

// config is the Config c was built from, for printing it redacted.
func (c *Client) config() Config {
	cfg := Config{UserDomain: c.userDomain, UserDomainSecret: c.keys().userDomainSecret, GenAuth: c.genAuth}
	cfg.GenAuth.AppSecret = c.keys().appSecret
	if c.v2Base != "" {
		cfg.BaseURL = strings.TrimSuffix(c.v2Base, v2Path)
	}
	return cfg
}

// String describes the client by its hosts and identifiers, never its
// secrets: the user-domain secret, the app secret and the Basic credential.
func (c *Client) String() string {
	if c == nil {
		return "<nil>"
	}
	return "enduser.Client" + strings.TrimPrefix(redact.Text(c.config()), "enduser.Config")
}

// Format prints String for every verb and flag (%v %+v %#v %s %q %d …).
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the client as its redacted configuration.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.Value{}
	}
	return redact.LogValue(c.config())
}

// The package's secret-holding types print through internal/redact: every
// verb and flag and slog show no secret (the pointer verb aside: see
// SECURITY.md).
const redacted = redact.Marker

func redactedText(v any) string          { return redact.Text(v) }
func formatRedacted(f fmt.State, v any)  { redact.Format(f, v) }
func redactedLogValue(v any) slog.Value  { return redact.LogValue(v) }
func redactedString(s string) string     { return redact.String(s) }
func secretStrings(payload any) []string { return redact.Strings(payload) }
