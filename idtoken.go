package enduser

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// ErrIDTokenInvalid matches every failure of [Client.VerifyIDToken]: a bad
// signature or key, a wrong issuer or audience, an expired or malformed
// token, or keys that could not be fetched. The error is an
// [*IDTokenError] and never includes the token.
var ErrIDTokenInvalid = errors.New("enduser: id token is invalid")

// IDTokenError is a rejected id token. It matches [ErrIDTokenInvalid]; it
// also unwraps to go-oidc's error (an *oidc.TokenExpiredError for an
// expired token) and, when the keys could not be fetched, to the transport
// error (a context's error, say).
type IDTokenError struct {
	// Reason says what failed, in a few words: "empty", "malformed",
	// "algorithm not allowed", "signature", "keys unavailable", "issuer",
	// "audience", "expired", "not yet valid" or "rejected".
	Reason string
	Err    error
}

// Error names the reason, never the token or its claims.
func (e *IDTokenError) Error() string { return ErrIDTokenInvalid.Error() + ": " + e.Reason }

// errorClass: keys that could not be fetched say nothing about the token
// (verify again later); an empty token is the caller's mistake; any other
// failure means the token is not to be trusted: log the user in again.
func (e *IDTokenError) errorClass() ErrorClass {
	switch e.Reason {
	case reasonKeysUnavailable:
		return ClassTemporary
	case reasonEmpty:
		return ClassInvalidRequest
	}
	return ClassReLogin
}

const (
	reasonEmpty           = "empty"
	reasonKeysUnavailable = "keys unavailable"
)

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
	Issuer   string    // iss: {GenAuth.Host}/oidc
	Audience []string  // aud: includes the app id
	Expiry   time.Time // exp
	IssuedAt time.Time // iat

	// claims decodes the verified payload. It is a func so that no fmt
	// verb can reach the payload (fmt prints a func as an address).
	claims func(v any) error
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

// maxIDTokenLen bounds what VerifyIDToken parses; real id tokens are a few
// kilobytes.
const maxIDTokenLen = 64 << 10

// VerifyIDToken verifies a GenAuth id token (GenAuth only: v2 issues
// none), as the Token of a sign-in or refresh carries it in IDToken, and
// returns its claims. It checks, with github.com/coreos/go-oidc/v3:
//
//   - the signature: RS256 with the key of the token's key id from
//     {GenAuth.Host}/oidc/.well-known/jwks.json (no discovery round trip),
//     or HS256 with the app secret when GenAuthConfig.IDTokenSigningAlg is
//     [IDTokenHS256]; no other algorithm, never "none";
//   - the issuer: {GenAuth.Host}/oidc;
//   - the audience: it must include the app id;
//   - the expiry, by the client's clock ([WithClock]).
//
// The keys are fetched once per Client through its HTTP client (its
// transport, timeout and body limit), on the first verification, and
// fetched again only when a token names a key id that is not known (key
// rotation). Concurrent verifications share them and one fetch.
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
	probe := &keyProbe{}
	tok, err := c.idTokenVerifier().Verify(context.WithValue(ctx, keyProbeKey{}, probe), rawIDToken)
	if err != nil {
		return nil, idTokenError(err, probe)
	}
	return &IDToken{
		Subject: tok.Subject, Issuer: tok.Issuer, Audience: tok.Audience,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, claims: tok.Claims,
	}, nil
}

// newIDTokenVerifier builds the Client's one verifier (see VerifyIDToken).
func (c *Client) newIDTokenVerifier() *oidc.IDTokenVerifier {
	cfg := &oidc.Config{ClientID: c.genAuth.AppID, Now: c.opts.clock, SupportedSigningAlgs: []string{IDTokenRS256}}
	var keys oidc.KeySet
	if c.genAuth.IDTokenSigningAlg == IDTokenHS256 {
		cfg.SupportedSigningAlgs = []string{IDTokenHS256}
		keys = &secretKeySet{secret: []byte(c.keys().appSecret)}
	} else {
		hc := *c.rc.GetClient() // already the Client's private copy; copy again to set the timeout
		hc.Timeout = c.opts.timeout
		hc.Transport = &keysTransport{c: c, next: hc.Transport}
		remote := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), &hc), c.oidcURL(OpOIDCKeys))
		keys = &remoteKeySet{remote: remote}
	}
	return oidc.NewVerifier(strings.TrimRight(c.genAuth.Host, "/")+"/oidc", keys, cfg)
}

// keyProbe records what the key set of one verification saw.
type keyProbe struct {
	failed bool  // the key set rejected the signature
	fetch  error // fetching the keys failed
}

type keyProbeKey struct{}

func probeOf(ctx context.Context) *keyProbe {
	if p, ok := ctx.Value(keyProbeKey{}).(*keyProbe); ok {
		return p
	}
	return &keyProbe{}
}

// remoteKeySet is go-oidc's RemoteKeySet, telling the verification when it
// failed and whether for want of keys.
type remoteKeySet struct{ remote *oidc.RemoteKeySet }

// VerifySignature implements oidc.KeySet.
func (k *remoteKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.remote.VerifySignature(ctx, jwt)
	if err != nil {
		p := probeOf(ctx)
		p.failed = true
		if strings.HasPrefix(err.Error(), "fetching keys") { // go-oidc's wording for a failed fetch
			p.fetch = err
		}
	}
	return payload, err
}

// secretKeySet verifies HS256 signatures with the app secret, through
// go-jose (go-oidc's own JOSE library). go-oidc has checked the algorithm.
type secretKeySet struct{ secret []byte }

// VerifySignature implements oidc.KeySet.
func (k *secretKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.HS256})
	if err == nil {
		var payload []byte
		if payload, err = jws.Verify(k.secret); err == nil {
			return payload, nil
		}
	}
	probeOf(ctx).failed = true
	return nil, err
}

// idTokenError maps a go-oidc failure to an *IDTokenError. go-oidc's
// errors are plain strings apart from expiry, hence the wording checks;
// the tests pin each one.
func idTokenError(err error, probe *keyProbe) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	reason := "rejected"
	switch {
	case errors.As(err, &expired):
		reason = "expired"
	case probe.fetch != nil:
		return &IDTokenError{Reason: reasonKeysUnavailable, Err: errors.Join(err, probe.fetch)}
	case probe.failed:
		reason = "signature"
	case strings.HasPrefix(msg, "oidc: malformed jwt") && strings.Contains(msg, "unexpected signature algorithm"):
		reason = "algorithm not allowed"
	case strings.HasPrefix(msg, "oidc: malformed jwt"), strings.HasPrefix(msg, "oidc: id token not signed"),
		strings.HasPrefix(msg, "oidc: multiple signatures"), strings.HasPrefix(msg, "oidc: failed to unmarshal claims"):
		reason = "malformed"
	case strings.HasPrefix(msg, "oidc: id token issued by a different provider"):
		reason = "issuer"
	case strings.HasPrefix(msg, "oidc: expected audience"):
		reason = "audience"
	case strings.HasPrefix(msg, "oidc: current time"):
		reason = "not yet valid"
	}
	return &IDTokenError{Reason: reason, Err: err}
}

// keysTransport is the Client's transport for JWKS fetches: the Client's
// User-Agent, its body limit, and one log record per fetch.
type keysTransport struct {
	c    *Client
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *keysTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	ctx, obs := t.c.observe(req.Context(), &call{op: OpOIDCKeys, family: FamilyGenAuth, method: req.Method, host: t.c.genAuthHost})
	req = req.Clone(ctx)
	req.Header.Set("User-Agent", t.c.opts.userAgent)
	req.Header.Set("Accept", "application/json")
	resp, err := t.next.RoundTrip(req)
	defer obs.roundTrip(ctx, start, resp, err) // the Hook sees the key fetch as a call (hook.go)
	attrs := []slog.Attr{
		slog.String("op", OpOIDCKeys), slog.String("method", req.Method), slog.String("host", t.c.genAuthHost),
		slog.Int("attempt", 1), slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", newTransportError(req.Context(), OpOIDCKeys, err).Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		resp.Body = &limitedBody{rc: resp.Body, left: t.c.opts.bodyLimit}
	}
	t.c.opts.logger.LogAttrs(req.Context(), slog.LevelDebug, "enduser: call", attrs...)
	return resp, err
}

// limitedBody fails a read once more than left bytes have arrived.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
