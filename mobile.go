package enduser

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
	"github.com/seed1804ee03/enduser/internal/wirejson"
)

// Connection names a GenAuth identity-source connection, e.g. "wechat". A
// payload's type decides its connection.
type Connection string

// MobilePayload is the credential of one GenAuth connection: one of this
// package's payload types, one per connection (WechatPayload, GooglePayload,
// …; see the README). It is sealed: other packages cannot implement it.
type MobilePayload interface {
	// Connection returns the connection the payload signs in with.
	Connection() Connection
	payloadKey() string       // the wire key of the payload object
	setWire(w *mobileWire)    // puts the payload under its key
	appendJSON([]byte) []byte // appends the payload as encoding/json would
	missing() string          // wire path of the first empty required field
}

// MobileSignInRequest is a GenAuth mobile social login.
type MobileSignInRequest struct {
	// ExtIdpConnIdentifier is the identity-source connection's identifier
	// from the GenAuth console (sent as extIdpConnidentifier).
	ExtIdpConnIdentifier string
	// Payload is the provider credential; its type decides `connection`.
	Payload MobilePayload
	// Options are optional; nil or empty sends none.
	Options *MobileSignInOptions
}

// MobileSignInOptions are the optional sign-in options.
type MobileSignInOptions struct {
	// Scope is space-separated and must include "openid"; add
	// "offline_access" to receive a refresh token.
	Scope      string         `json:"scope,omitempty"`
	Context    map[string]any `json:"context,omitempty"`
	TenantID   string         `json:"tenantId,omitempty"`
	CustomData map[string]any `json:"customData,omitempty"`
}

// String describes the options with Context and CustomData redacted.
func (o MobileSignInOptions) String() string { return redactedText(o) }

// Format prints String for every verb.
func (o MobileSignInOptions) Format(f fmt.State, _ rune) { formatRedacted(f, o) }

// LogValue logs the options with Context and CustomData redacted.
func (o MobileSignInOptions) LogValue() slog.Value { return redactedLogValue(o) }

// String describes the request with its credentials redacted.
func (r MobileSignInRequest) String() string { return redactedText(r) }

// Format prints String for every verb.
func (r MobileSignInRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r MobileSignInRequest) LogValue() slog.Value { return redactedLogValue(r) }

// SignInByMobile exchanges a mobile social-login credential for GenAuth
// tokens: POST {GenAuth.Host}/api/v3/signin-by-mobile. The payload's type
// picks the connection; the client authenticates as GenAuth.AuthMethod says.
//
// Expiry is now plus expire_in or expires_in (the shorter when both are
// sent), zero when neither is. A success carrying only an id token is a
// login, with the id token also as AccessToken (as Authing's clients do).
//
// A failure is an *APIError with GenAuth's statusCode as Code and its
// apiCode as APICode, matching the ErrGenAuth… sentinels and groups (see
// [APICode], [GenAuthStatus]) and, for 429, ErrRateLimited. On MFA (1636)
// and first login (1639) its Continuation holds the token to continue with.
func (c *Client) SignInByMobile(ctx context.Context, r MobileSignInRequest) (*Token, error) {
	if c.genAuthURL == "" {
		return nil, ErrNotConfigured
	}
	body, err := c.mobileBody(r)
	if err != nil {
		return nil, err
	}
	// The answer's data and the token are one allocation.
	r2 := new(struct {
		tok  Token
		data envelope.GenAuthToken
	})
	data := &r2.data
	status, err := c.do(ctx, &call{
		op: OpSignInByMobile, family: FamilyGenAuth, method: http.MethodPost,
		url: c.genAuthURL, host: c.genAuthHost, contentType: "application/json",
		body: body, auth: c.signInAuth(), appID: c.genAuth.AppID, payload: r.Payload, out: data,
	})
	if err != nil {
		return nil, err
	}
	lifetime, known := data.Lifetime()
	access := data.AccessToken
	if access == "" { // Authing's clients take access_token || id_token
		access = data.IDToken
	}
	if access == "" || lifetime < 0 || lifetime > maxLifetime {
		return nil, successWithout(OpSignInByMobile, status, "a usable token")
	}
	tok := &r2.tok
	*tok = Token{
		Family:      FamilyGenAuth,
		AccessToken: access, TokenType: data.TokenType, RefreshToken: data.RefreshToken,
		IDToken: data.IDToken, Scope: data.Scope,
	}
	if known && lifetime > 0 {
		tok.Expiry = c.serverNow().Add(time.Duration(lifetime) * time.Second)
	}
	return tok, nil
}

// signInAuth is the sign-in's Authorization header: Basic credentials
// under client_secret_basic, nothing otherwise.
func (c *Client) signInAuth() string {
	if c.genAuth.AuthMethod == AuthClientSecretBasic {
		return c.keys().basicAuth
	}
	return ""
}

// mobileBody validates r and encodes the exact JSON body: the identifier,
// the connection, its one payload, options when set, and the client
// credentials in client_secret_post mode. Nothing else.
func (c *Client) mobileBody(r MobileSignInRequest) ([]byte, error) {
	invalid := func(field, reason string) error {
		return &ValidationError{Op: OpSignInByMobile, Field: field, Reason: reason}
	}
	if r.ExtIdpConnIdentifier == "" {
		return nil, invalid("extIdpConnidentifier", "is empty")
	}
	if r.Payload == nil || reflect.ValueOf(r.Payload).Kind() == reflect.Pointer && reflect.ValueOf(r.Payload).IsNil() {
		return nil, invalid("payload", "is nil")
	}
	if field := r.Payload.missing(); field != "" {
		return nil, invalid(r.Payload.payloadKey()+"."+field, "is empty")
	}
	opts := r.Options
	if opts != nil && opts.Scope != "" && !hasWord(opts.Scope, "openid") {
		return nil, invalid("options.scope", `must include "openid"`)
	}
	if opts != nil && opts.Scope == "" && len(opts.Context) == 0 && opts.TenantID == "" && len(opts.CustomData) == 0 {
		opts = nil
	}
	// Byte for byte what encoding/json makes of mobileWire (a test holds
	// them equal for every connection), with only the options through
	// encoding/json.
	body := make([]byte, 0, 256)
	body = append(body, `{"extIdpConnidentifier":`...)
	body = wirejson.AppendString(body, r.ExtIdpConnIdentifier)
	body = append(body, `,"connection":`...)
	body = wirejson.AppendString(body, string(r.Payload.Connection()))
	body = append(body, `,"`...)
	body = append(body, r.Payload.payloadKey()...)
	body = append(body, `":`...)
	body = r.Payload.appendJSON(body)
	if opts != nil {
		// Options can fail (a func, a channel, NaN, a Marshaler's error);
		// encoding/json's text may quote a value, so it is dropped.
		var err error
		if body, err = wirejson.Append(append(body, `,"options":`...), opts); err != nil {
			return nil, invalid(unencodable(opts), "cannot be encoded as JSON (unsupported type or value)")
		}
	}
	if c.genAuth.AuthMethod == AuthClientSecretPost { // client_secret_post sends the secret by design
		if c.genAuth.AppID != "" {
			body = wirejson.AppendString(append(body, `,"client_id":`...), c.genAuth.AppID)
		}
		if secret := c.keys().appSecret; secret != "" {
			body = wirejson.AppendString(append(body, `,"client_secret":`...), secret)
		}
	}
	return append(body, '}'), nil
}

// unencodable names the options field that made encoding fail.
func unencodable(o *MobileSignInOptions) string {
	if o != nil {
		if _, err := json.Marshal(o.Context); err != nil {
			return "options.context"
		}
		if _, err := json.Marshal(o.CustomData); err != nil {
			return "options.customData"
		}
	}
	return "options"
}

// hasWord reports whether word is one of the whitespace-separated words of
// s (strings.Fields' words), without building the list.
func hasWord(s, word string) bool {
	for w := range strings.FieldsSeq(s) {
		if w == word {
			return true
		}
	}
	return false
}

//go:generate go run ./internal/connections/cmd/genconnections

// ParseMobilePayload builds the payload of connection c from its wire JSON,
// the object under the connection's payload key, e.g. {"code":"…"} for
// ConnectionWechat. A field the payload does not have is an error naming
// it. The error is a [*ValidationError] without an Op that never quotes a
// value.
func ParseMobilePayload(c Connection, wireJSON []byte) (MobilePayload, error) {
	decode := payloadDecoder(c)
	if decode == nil {
		return nil, &ValidationError{Field: "connection", Reason: "is not a known connection"}
	}
	p, err := decode(wireJSON)
	if err == nil {
		return p, nil
	}
	reason := "is not a JSON object of the " + string(c) + " payload's fields"
	if name, unknown := wirejson.UnknownField(err); unknown {
		reason = "has unknown field " + strconv.Quote(name) + " (not a field of the " + string(c) + " payload)"
	}
	return nil, &ValidationError{Field: "payload", Reason: reason}
}

// decodeAs decodes a payload's wire JSON strictly into its type P.
func decodeAs[P MobilePayload](wire []byte) (MobilePayload, error) {
	p, err := wirejson.Decode[P](wire)
	if err != nil {
		return nil, err
	}
	return p, nil
}
