package enduser

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/seed1804ee03/enduser/internal/keyset"
)

// ErrIDTokenInvalid matches every failure of [Client.VerifyIDToken]: a bad
// signature or key, a wrong issuer or audience, an expired or malformed
// token, or keys that could not be fetched. The error is an
// [*IDTokenError] and never includes the token.
var ErrIDTokenInvalid = errors.New("enduser: id token is invalid")

// IDTokenError is a rejected id token. It matches [ErrIDTokenInvalid], and
// unwraps to go-oidc's *oidc.TokenExpiredError for an expired token and to
// the transport error when the keys could not be fetched. It never quotes
// the token (go-oidc's other errors, which do, are not kept).
type IDTokenError struct {
	// Reason says what failed, in a few words: "empty", "malformed",
	// "signed HS256, configured RS256" (or the other way round, or another
	// algorithm), "algorithm not allowed", "signature", "keys unavailable",
	// "issuer", "audience", "expired", "not yet valid" or "rejected".
	Reason string
	Err    error
}

// Error names the reason, never the token or its claims.
func (e *IDTokenError) Error() string { return ErrIDTokenInvalid.Error() + ": " + e.Reason }

// errorClass: unavailable keys say nothing of the token (verify again
// later); an empty token is the caller's mistake; any other failure: log
// the user in again.
func (e *IDTokenError) errorClass() ErrorClass {
	switch e.Reason {
	case keyset.KeysUnavailable:
		return ClassTemporary
	case reasonEmpty:
		return ClassInvalidRequest
	}
	return ClassReLogin
}

// Unwrap returns [ErrIDTokenInvalid] and the cause.
func (e *IDTokenError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrIDTokenInvalid}
	}
	return []error{ErrIDTokenInvalid, e.Err}
}

// IDToken is a verified GenAuth id token.
type IDToken struct {
	Subject  string    // sub: the GenAuth user id
	Issuer   string    // iss: GenAuthConfig.Issuer, by default {GenAuth.Host}/oidc
	Audience []string  // aud: includes the app id
	Expiry   time.Time // exp
	IssuedAt time.Time // iat

	claims func(v any) error // a func: fmt prints its address, never the payload
}

// Claims decodes all of the token's claims (email, phone_number, name,
// custom claims…) into v, as json.Unmarshal does.
func (t *IDToken) Claims(v any) error {
	if t == nil || t.claims == nil {
		return &IDTokenError{Reason: reasonEmpty}
	}
	return t.claims(v)
}

// Signing algorithms of GenAuth id tokens, for GenAuthConfig.IDTokenSigningAlg.
const (
	// IDTokenRS256 (the default): signed with the host's keys, published at
	// {GenAuth.Host}/oidc/.well-known/jwks.json.
	IDTokenRS256 = "RS256"
	// IDTokenHS256: signed with the app secret (HMAC), for apps whose id
	// token signing algorithm is set to HS256 in the GenAuth console.
	IDTokenHS256 = "HS256"
)

const (
	reasonEmpty = "empty"
	// maxIDTokenLen bounds what VerifyIDToken parses; real id tokens are
	// a few kilobytes.
	maxIDTokenLen = 64 << 10
)

// VerifyIDToken verifies a GenAuth id token (a Token's IDToken; v2 issues
// none) and returns its claims. With github.com/coreos/go-oidc/v3 it checks:
//
//   - the signature: RS256 with the key of the token's key id from
//     {GenAuth.Host}/oidc/.well-known/jwks.json (no discovery round trip),
//     or HS256 with the app secret when GenAuthConfig.IDTokenSigningAlg is
//     [IDTokenHS256]; no other algorithm, never "none";
//   - the issuer: GenAuthConfig.Issuer, by default {GenAuth.Host}/oidc;
//   - the audience: it must include the app id;
//   - the expiry, by the client's clock ([WithClock]).
//
// The keys are fetched through the Client's call path and cached. A token
// of an unknown key id fetches them again at most once a minute however
// many tokens ask (a key rotation is seen within that minute); a bad
// signature under a known key id fetches nothing. Concurrent verifications
// share one fetch.
//
// Every failure matches [ErrIDTokenInvalid]. A nonce, when the login used
// one, is the caller's to compare (see [IDToken.Claims]).
func (c *Client) VerifyIDToken(ctx context.Context, rawIDToken string) (*IDToken, error) {
	if c.genAuthURL == "" {
		return nil, ErrNotConfigured
	}
	switch {
	case rawIDToken == "":
		return nil, &IDTokenError{Reason: reasonEmpty}
	case len(rawIDToken) > maxIDTokenLen:
		return nil, &IDTokenError{Reason: "malformed"}
	}
	var refused keyset.Refusal
	tok, err := c.idTokenVerifier().Verify(keyset.Watch(ctx, &refused), rawIDToken)
	var expired *oidc.TokenExpiredError
	switch {
	case err == nil:
		return &IDToken{
			Subject: tok.Subject, Issuer: tok.Issuer, Audience: tok.Audience,
			Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, claims: tok.Claims,
		}, nil
	case errors.As(err, &expired):
		return nil, &IDTokenError{Reason: "expired", Err: expired}
	case refused.Reason == keyset.KeysUnavailable:
		return nil, &IDTokenError{Reason: keyset.KeysUnavailable, Err: errors.Join(err, refused.Err)}
	}
	// go-oidc's and go-jose's other texts quote the token's issuer,
	// audience and algorithm (github.com/coreos/go-oidc: oidc/verify.go):
	// the reason is all the error keeps.
	return nil, &IDTokenError{Reason: keyset.Reason(rawIDToken, err, &refused, c.signingAlg())}
}

// signingAlg is the configured id token algorithm.
func (c *Client) signingAlg() string {
	if c.genAuth.IDTokenSigningAlg == IDTokenHS256 {
		return IDTokenHS256
	}
	return IDTokenRS256
}

// newIDTokenVerifier builds the Client's one verifier (see VerifyIDToken).
func (c *Client) newIDTokenVerifier() *oidc.IDTokenVerifier {
	cfg := &oidc.Config{ClientID: c.genAuth.AppID, Now: c.opts.clock, SupportedSigningAlgs: []string{c.signingAlg()}}
	var keys oidc.KeySet = &keyset.Published{Now: c.opts.clock, Fetch: func(ctx context.Context, into any) error {
		_, err := c.do(ctx, &call{
			op: OpOIDCKeys, family: FamilyGenAuth, oauth: true, method: http.MethodGet, url: c.oidcURL(OpOIDCKeys),
			host: c.genAuthHost, idempotent: true, out: into,
		})
		return err
	}}
	if c.signingAlg() == IDTokenHS256 {
		keys = keyset.Secret(c.keys().appSecret)
	}
	issuer := c.genAuth.Issuer
	if issuer == "" {
		issuer = strings.TrimRight(c.genAuth.Host, "/") + "/oidc"
		// An issuer is the host's canonical name: scheme and host in lower
		// case (RFC 3986 §6.2.2.1) and no trailing dot of a fully qualified
		// name, so "HTTPS://Tenant.example./" issues
		// "https://tenant.example/oidc".
		if u, err := url.Parse(issuer); err == nil {
			host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
			if strings.Contains(host, ":") {
				host = "[" + host + "]" // IPv6
			}
			if port := u.Port(); port != "" {
				host += ":" + port
			}
			u.Host = host
			issuer = u.String()
		}
	}
	return oidc.NewVerifier(issuer, keys, cfg)
}
