package enduser

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-resty/resty/v2"
)

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
	genAuth     GenAuthConfig // without AppSecret, which is in keys
	// keys returns the configured secrets: sealed in a closure, which fmt
	// prints as an address whatever the verb, so even a reflective print of
	// a Client value shows none of them. *Client prints redacted (redact.go).
	keys func() *clientKeys
	// idTokenVerifier returns the one id token verifier, built on first use.
	idTokenVerifier func() *oidc.IDTokenVerifier
}

// clientKeys holds a Client's configured secrets (see Client.keys).
type clientKeys struct {
	userDomainSecret string
	appSecret        string
	basicAuth        string   // precomputed Authorization for AuthClientSecretBasic
	scrub            scrubber // the configured secrets, in every encoding
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
		opts:       o,
		userDomain: cfg.UserDomain,
		genAuth:    cfg.GenAuth,
	}
	keys := &clientKeys{userDomainSecret: cfg.UserDomainSecret, appSecret: cfg.GenAuth.AppSecret}
	c.genAuth.AppSecret = ""
	c.keys = func() *clientKeys { return keys }
	c.idTokenVerifier = sync.OnceValue(c.newIDTokenVerifier)
	if cfg.v2Configured() {
		c.v2Base = strings.TrimRight(cfg.BaseURL, "/") + v2Path
		c.v2Host = hostOf(cfg.BaseURL)
		keys.scrub.add(cfg.UserDomainSecret)
	}
	if cfg.GenAuth.Host != "" {
		c.genAuthURL = strings.TrimRight(cfg.GenAuth.Host, "/") + "/api/v3/signin-by-mobile"
		c.genAuthHost = hostOf(cfg.GenAuth.Host)
		keys.scrub.add(cfg.GenAuth.AppSecret)
		if cfg.GenAuth.AppSecret != "" { // for the endpoints whose method is client_secret_basic
			keys.basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.GenAuth.AppID+":"+cfg.GenAuth.AppSecret))
			keys.scrub.add(keys.basicAuth)
		}
	}
	return c, nil
}

// CloseIdleConnections closes the idle keep-alive connections of the
// Client's transport. A Client needs no closing; this is for programs and
// tests that want their connections gone now.
func (c *Client) CloseIdleConnections() { c.rc.GetClient().CloseIdleConnections() }

// hostOf returns the host of a validated base URL, for log records.
func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return ""
}
