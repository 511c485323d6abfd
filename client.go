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
	secret      string
	v2Host      string
	genAuthURL  string // GenAuth.Host + "/api/v3/signin-by-mobile"
	genAuthHost string
	genAuth     GenAuthConfig
	basicAuth   string   // precomputed Authorization for AuthClientSecretBasic
	scrub       scrubber // the configured secrets, in every encoding
	// idTokenVerifier returns the one id token verifier, built on first use.
	idTokenVerifier func() *oidc.IDTokenVerifier
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
		secret:     cfg.UserDomainSecret,
		genAuth:    cfg.GenAuth,
	}
	c.idTokenVerifier = sync.OnceValue(c.newIDTokenVerifier)
	if cfg.v2Configured() {
		c.v2Base = strings.TrimRight(cfg.BaseURL, "/") + v2Path
		c.v2Host = hostOf(cfg.BaseURL)
		c.scrub.add(cfg.UserDomainSecret)
	}
	if cfg.GenAuth.Host != "" {
		c.genAuthURL = strings.TrimRight(cfg.GenAuth.Host, "/") + "/api/v3/signin-by-mobile"
		c.genAuthHost = hostOf(cfg.GenAuth.Host)
		c.scrub.add(cfg.GenAuth.AppSecret)
		if cfg.GenAuth.AuthMethod == AuthClientSecretBasic {
			c.basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.GenAuth.AppID+":"+cfg.GenAuth.AppSecret))
			c.scrub.add(c.basicAuth)
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
