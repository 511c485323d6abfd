package enduser

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
// also unwraps to go-oidc's *oidc.TokenExpiredError for an expired token
// and, when the keys could not be fetched, to the transport error (a
// context's error, say). No layer quotes the token: go-oidc's other
// errors, which quote its issuer, audience or algorithm, are not kept.
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

const (
	reasonEmpty           = "empty"
	reasonKeysUnavailable = "keys unavailable"
	reasonSignature       = "signature"
	// maxIDTokenLen bounds what VerifyIDToken parses; real id tokens are
	// a few kilobytes.
	maxIDTokenLen = 64 << 10
	// How often the published keys are fetched again for a token whose
	// key id they lack: at most once a minute however many tokens ask (a
	// forged token costs no request), a second after a failed fetch.
	keyRefetchInterval = time.Minute
	keyRetryInterval   = time.Second
)

// VerifyIDToken verifies a GenAuth id token (GenAuth only: v2 issues
// none), as the Token of a sign-in or refresh carries it in IDToken, and
// returns its claims. It checks, with github.com/coreos/go-oidc/v3:
//
//   - the signature: RS256 with the key of the token's key id from
//     {GenAuth.Host}/oidc/.well-known/jwks.json (no discovery round trip),
//     or HS256 with the app secret when GenAuthConfig.IDTokenSigningAlg is
//     [IDTokenHS256]; no other algorithm, never "none";
//   - the issuer: GenAuthConfig.Issuer, by default {GenAuth.Host}/oidc;
//   - the audience: it must include the app id;
//   - the expiry, by the client's clock ([WithClock]).
//
// The keys are fetched through the Client's call path (its transport,
// timeout, body limit, log and Hook) on the first verification and cached.
// A token whose key id is cached is checked against that key alone: a bad
// signature fetches nothing. A token with an unknown key id fetches the
// keys again at once if the last fetch is a minute old or more (a key
// rotation is picked up by the first token of the new key after that
// minute), and is refused without a request otherwise, so a flood of
// forged tokens makes at most one fetch a minute. Concurrent verifications
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
	refused := &keyFailure{}
	tok, err := c.idTokenVerifier().Verify(context.WithValue(ctx, keyFailureKey{}, refused), rawIDToken)
	if err != nil {
		return nil, c.idTokenError(rawIDToken, err, refused)
	}
	return &IDToken{
		Subject: tok.Subject, Issuer: tok.Issuer, Audience: tok.Audience,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, claims: tok.Claims,
	}, nil
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
	var keys oidc.KeySet = &publishedKeys{c: c}
	if c.signingAlg() == IDTokenHS256 {
		keys = &secretKeySet{secret: []byte(c.keys().appSecret)}
	}
	issuer := c.genAuth.Issuer
	if issuer == "" {
		issuer = strings.TrimRight(c.genAuth.Host, "/") + "/oidc"
		// Scheme and host are case-insensitive (RFC 3986 §6.2.2.1) and an
		// issuer prints them in lower case: "HTTPS://Tenant.example" is
		// configured as a URL NewClient accepts, and its tokens say
		// "https://tenant.example/oidc".
		if u, err := url.Parse(issuer); err == nil {
			u.Host = strings.ToLower(u.Host)
			issuer = u.String()
		}
	}
	return oidc.NewVerifier(issuer, keys, cfg)
}

// keyFailure is why a key set refused a signature. go-oidc keeps only the
// text of a key set's error, so the key set puts the reason here, in the
// verification's context.
type keyFailure struct {
	reason string // reasonSignature or reasonKeysUnavailable; "" when no key set refused
	err    error
}

type keyFailureKey struct{}

// refuse records why the key set refused and returns err.
func refuse(ctx context.Context, reason string, err error) error {
	if f, ok := ctx.Value(keyFailureKey{}).(*keyFailure); ok {
		f.reason, f.err = reason, err
	}
	return err
}

// publishedKeys is the oidc.KeySet of RS256 id tokens: the host's JWKS,
// cached, verified with github.com/go-jose/go-jose (see VerifyIDToken for
// when it is fetched again). go-oidc has checked the algorithm.
type publishedKeys struct {
	c    *Client
	mu   sync.Mutex
	set  jose.JSONWebKeySet
	last time.Time     // when the last fetch started, by the Client's clock; zero before the first
	err  error         // the last fetch's failure, nil after a success
	done chan struct{} // closed when the running fetch ends; nil when none runs
}

// VerifySignature implements oidc.KeySet.
func (k *publishedKeys) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, refuse(ctx, reasonSignature, err)
	}
	key, err := k.key(ctx, jws.Signatures[0].Header.KeyID)
	switch {
	case err != nil:
		return nil, refuse(ctx, reasonKeysUnavailable, err)
	case key == nil:
		return nil, refuse(ctx, reasonSignature, errors.New("no published key has the token's key id"))
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return nil, refuse(ctx, reasonSignature, err)
	}
	return payload, nil
}

// key returns the published key of kid, fetching the keys when kid is not
// cached and the last fetch is old enough; nil when no key has that id.
func (k *publishedKeys) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for {
		if keys := k.set.Key(kid); len(keys) > 0 {
			return &keys[0], nil
		}
		if done := k.done; done != nil { // a fetch runs: wait for it, then look again
			k.mu.Unlock()
			select {
			case <-done:
			case <-ctx.Done():
				k.mu.Lock()
				return nil, ctx.Err()
			}
			k.mu.Lock()
			continue
		}
		wait := keyRefetchInterval
		if k.err != nil {
			wait = keyRetryInterval
		}
		if now := k.c.opts.clock(); !k.last.IsZero() && now.Sub(k.last) < wait && !now.Before(k.last) {
			return nil, k.err
		}
		k.last, k.done = k.c.opts.clock(), make(chan struct{})
		// The fetch is the keys', not this caller's: it outlives a caller
		// that gives up, within the Client's timeout.
		go k.fetch(context.WithoutCancel(ctx), k.done)
	}
}

// fetch gets the keys through the Client's call path.
func (k *publishedKeys) fetch(ctx context.Context, done chan struct{}) {
	var set jose.JSONWebKeySet
	_, err := k.c.do(ctx, &call{
		op: OpOIDCKeys, family: FamilyGenAuth, oauth: true, method: http.MethodGet, url: k.c.oidcURL(OpOIDCKeys),
		host: k.c.genAuthHost, idempotent: true, out: &set,
	})
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err = err; err == nil {
		k.set = set
	}
	k.done = nil
	close(done)
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
	return nil, refuse(ctx, reasonSignature, err)
}

// jwsAlgs are the algorithms whose name an algorithm mismatch reports.
var jwsAlgs = []jose.SignatureAlgorithm{
	jose.HS256, jose.HS384, jose.HS512, jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA,
}

// oidcReasons names go-oidc's failures by the start of their text: its
// errors are plain strings apart from expiry; the tests pin each one.
var oidcReasons = [...]struct{ prefix, reason string }{
	{"oidc: malformed jwt", "malformed"}, {"oidc: id token not signed", "malformed"},
	{"oidc: multiple signatures", "malformed"}, {"oidc: failed to unmarshal claims", "malformed"},
	{"oidc: id token issued by a different provider", "issuer"}, {"oidc: expected audience", "audience"},
	{"oidc: current time", "not yet valid"},
}

// idTokenError maps a go-oidc failure of raw to an *IDTokenError.
func (c *Client) idTokenError(raw string, err error, refused *keyFailure) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	reason := "rejected"
	switch {
	case errors.As(err, &expired):
		reason = "expired"
	case refused.reason == reasonKeysUnavailable:
		return &IDTokenError{Reason: reasonKeysUnavailable, Err: errors.Join(err, refused.err)}
	case refused.reason != "":
		reason = refused.reason
	case strings.HasPrefix(msg, "oidc: malformed jwt") && strings.Contains(msg, "unexpected signature algorithm"):
		reason = "algorithm not allowed"
		// go-jose reads the header again to name the algorithm, one of a
		// closed set, never other text of the token.
		if jws, perr := jose.ParseSignedCompact(raw, jwsAlgs); perr == nil {
			reason = "signed " + jws.Signatures[0].Header.Algorithm + ", configured " + c.signingAlg()
		}
	default:
		for _, r := range oidcReasons {
			if strings.HasPrefix(msg, r.prefix) {
				reason = r.reason
				break
			}
		}
	}
	if expired != nil {
		return &IDTokenError{Reason: reason, Err: expired}
	}
	// go-oidc's and go-jose's other texts quote the token's issuer,
	// audience and algorithm (github.com/coreos/go-oidc: oidc/verify.go):
	// the reason is all the error keeps.
	return &IDTokenError{Reason: reason}
}
