// Package baseline is the floor the SDK's benchmarks measure against: a
// hand-tuned net/http + encoding/json client that sends byte for byte the
// requests the SDK sends (TestBaselineSendsWhatTheSDKSends) and decodes the
// answers into the same structs, with nothing else. Tuned means what a
// careful hand-written client does: bodies appended into one buffer (no
// url.Values, no Encode, no intermediate strings), header keys already in
// canonical form with their value slices built once per client (no
// Header.Set), URLs joined once per client, one pooled transport with the
// SDK's settings, answers read into one exact buffer, and the per-call
// timeout as a context deadline, as the SDK sets it.
package baseline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/envelope"
	"github.com/seed1804ee03/enduser/internal/tuned"
	"github.com/seed1804ee03/enduser/internal/wireform"
)

// NewTransport returns the SDK's default transport (internal/tuned): 64
// connections per host, all kept idle, HTTP/2 where the server offers it,
// 64 KiB of answer headers.
func NewTransport() *http.Transport { return tuned.Transport() }

// Config is what the floor needs: the SDK's Config fields it reads, and
// the SDK's per-call timeout and User-Agent.
type Config struct {
	BaseURL          string // v2 API base, as enduser.Config.BaseURL
	UserDomain       string
	UserDomainSecret string
	GenAuthHost      string // as enduser.GenAuthConfig.Host
	AppID            string // GenAuth app id (AuthNone: no client secret is sent)
	Timeout          time.Duration
	UserAgent        string
}

// Client is the floor. It is safe for concurrent use.
type Client struct {
	hc         *http.Client
	cfg        Config
	twitter    string // URLs, joined once
	refresh    string
	userInfo   string
	signIn     string
	oidcToken  string
	ua, appID  []string
	accept     []string
	form, json []string
}

// The header values that never change; net/http only reads them.
var (
	acceptJSON = []string{"application/json"}
	formType   = []string{"application/x-www-form-urlencoded"}
	jsonType   = []string{"application/json"}
)

// New returns a floor client over its own transport (NewTransport).
func New(cfg Config) *Client {
	return NewWith(&http.Client{Transport: NewTransport()}, cfg)
}

// NewWith returns a floor client sending through hc (no redirects are
// followed, like the SDK).
func NewWith(hc *http.Client, cfg Config) *Client {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	host := strings.TrimRight(cfg.GenAuthHost, "/")
	v2 := strings.TrimRight(cfg.BaseURL, "/") + "/v2/enduser/enduserapi/"
	return &Client{
		hc: &cp, cfg: cfg,
		twitter: v2 + "twitterAuthLogin", refresh: v2 + "refreshToken", userInfo: v2 + "userInfo",
		signIn: host + "/api/v3/signin-by-mobile", oidcToken: host + "/oidc/token",
		ua: []string{cfg.UserAgent}, appID: []string{cfg.AppID},
		accept: acceptJSON, form: formType, json: jsonType,
	}
}

// CloseIdleConnections closes the transport's idle connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// v2Envelope is the v2 answer with typed data.
type v2Envelope[T any] struct {
	Code   envelope.Int `json:"code"`
	Msg    string       `json:"msg"`
	Data   *T           `json:"data"`
	ExtMsg string       `json:"extMsg"`
}

// genAuthEnvelope is the GenAuth answer with typed data.
type genAuthEnvelope[T any] struct {
	StatusCode envelope.Int `json:"statusCode"`
	Message    string       `json:"message"`
	APICode    envelope.Int `json:"apiCode"`
	RequestID  string       `json:"requestId"`
	Data       *T           `json:"data"`
}

var errNotOK = errors.New("baseline: the answer is not a success")

// TwitterLogin is the signed v2 Twitter login.
func (c *Client) TwitterLogin(ctx context.Context, appID, oauthToken, oauthTokenSecret string) (*envelope.V2Token, error) {
	form := make([]byte, 0, 256)
	form = wireform.Append(form, "appId", appID)
	form = wireform.Append(form, "oauthToken", oauthToken)
	form = wireform.Append(form, "oauthTokenSecret", oauthTokenSecret)
	form = appendSignature(wireform.AppendPlain(form, "signature", ""), c.cfg.UserDomainSecret, appID, oauthToken, oauthTokenSecret)
	form = wireform.Append(form, "userDomain", c.cfg.UserDomain)
	var env v2Envelope[envelope.V2Token]
	if err := c.send(ctx, http.MethodPost, c.twitter, c.form, form, nil, &env); err != nil {
		return nil, err
	}
	if env.Code != envelope.Success || env.Data == nil {
		return nil, errNotOK
	}
	return env.Data, nil
}

// RefreshToken is the v2 refresh (unsigned).
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (*envelope.V2Token, error) {
	form := wireform.Append(make([]byte, 0, 256), "refreshToken", refreshToken)
	var env v2Envelope[envelope.V2Token]
	if err := c.send(ctx, http.MethodPut, c.refresh, c.form, form, nil, &env); err != nil {
		return nil, err
	}
	if env.Code != envelope.Success || env.Data == nil {
		return nil, errNotOK
	}
	return env.Data, nil
}

// UserInfo is the v2 user profile of a Bearer access token (authorization
// is the whole header value, as the token carries it: "Bearer …").
func (c *Client) UserInfo(ctx context.Context, authorization string) (*enduser.UserInfo, error) {
	var env v2Envelope[enduser.UserInfo]
	if err := c.send(ctx, http.MethodGet, c.userInfo, nil, nil, []string{authorization}, &env); err != nil {
		return nil, err
	}
	if env.Code != envelope.Success || env.Data == nil {
		return nil, errNotOK
	}
	return env.Data, nil
}

// SignInByMobileWechat is the GenAuth sign-in with a WeChat code, the app
// authenticating with AuthNone.
func (c *Client) SignInByMobileWechat(ctx context.Context, connID, code string) (*envelope.GenAuthToken, error) {
	body := make([]byte, 0, 256)
	body = append(body, `{"extIdpConnidentifier":`...)
	body = appendJSONString(body, connID)
	body = append(body, `,"connection":"wechat","wechatPayload":{"code":`...)
	body = appendJSONString(body, code)
	body = append(body, "}}"...)
	var env genAuthEnvelope[envelope.GenAuthToken]
	if err := c.send(ctx, http.MethodPost, c.signIn, c.json, body, nil, &env); err != nil {
		return nil, err
	}
	if env.StatusCode != envelope.Success || env.Data == nil {
		return nil, errNotOK
	}
	return env.Data, nil
}

// RefreshGenAuth is GenAuth's refresh_token grant (AuthNone: client_id in
// the form), a plain OAuth 2.0 answer.
func (c *Client) RefreshGenAuth(ctx context.Context, refreshToken string) (*envelope.OAuthToken, error) {
	form := make([]byte, 0, 256)
	form = append(form, "grant_type=refresh_token"...)
	form = wireform.Append(form, "refresh_token", refreshToken)
	form = wireform.Append(form, "client_id", c.cfg.AppID)
	var tok envelope.OAuthToken
	if err := c.send(ctx, http.MethodPost, c.oidcToken, c.form, form, nil, &tok); err != nil {
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, errNotOK
	}
	return &tok, nil
}

// send makes one exchange: the request with its headers set directly, the
// answer read into one exact buffer and decoded into out.
func (c *Client) send(ctx context.Context, method, url string, contentType []string, body []byte, auth []string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	h := req.Header
	h["User-Agent"], h["Accept"] = c.ua, c.accept
	if contentType != nil {
		h["Content-Type"] = contentType
	}
	if auth != nil {
		h["Authorization"] = auth
	}
	if url == c.signIn {
		h["X-Authing-App-Id"] = c.appID
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("baseline: HTTP %d", resp.StatusCode)
	}
	var b []byte
	if n := resp.ContentLength; n >= 0 && n <= 1<<20 {
		b = make([]byte, n)
		_, err = io.ReadFull(resp.Body, b)
	} else {
		b, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// appendSignature appends the v2 signature, hex(sha256(fields… + secret)),
// hashing one stack buffer for fields of usual size.
func appendSignature(b []byte, secret string, fields ...string) []byte {
	var stack [512]byte
	in := stack[:0]
	for _, f := range fields {
		in = append(in, f...)
	}
	in = append(in, secret...)
	sum := sha256.Sum256(in)
	return hex.AppendEncode(b, sum[:])
}

// appendJSONString appends s as encoding/json writes it (HTML characters
// escaped): plain ASCII as is, anything else through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
