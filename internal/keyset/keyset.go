// Package keyset checks the signatures of GenAuth id tokens for go-oidc
// (an oidc.KeySet, github.com/coreos/go-oidc: oidc/verify.go) with
// github.com/go-jose/go-jose: the host's published RS256 keys, cached, or
// the app secret for HS256. go-oidc has checked the algorithm before either
// runs. It also names go-oidc's failures in a few words that quote nothing
// of the token.
package keyset

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Reasons a key set refuses a token.
const (
	Signature       = "signature"
	KeysUnavailable = "keys unavailable"
)

// How often Published fetches the keys again for a token whose key id they
// lack: at most once a minute however many tokens ask (a forged token costs
// no request), a second after a failed fetch.
const (
	refetchInterval = time.Minute
	retryInterval   = time.Second
)

// Refusal is why a key set refused a token. go-oidc keeps only the text of
// a key set's error, so the key set records the reason in the context the
// verification runs with ([Watch]).
type Refusal struct {
	Reason string // Signature or KeysUnavailable; "" when no key set refused
	Err    error
}

type refusalKey struct{}

// Watch returns ctx carrying r, which a key set fills when it refuses.
func Watch(ctx context.Context, r *Refusal) context.Context {
	return context.WithValue(ctx, refusalKey{}, r)
}

func refuse(ctx context.Context, reason string, err error) error {
	if r, ok := ctx.Value(refusalKey{}).(*Refusal); ok {
		r.Reason, r.Err = reason, err
	}
	return err
}

// Published verifies RS256 tokens with the key of their key id from the
// host's JWKS. The keys are fetched on first use and cached; a token whose
// key id is cached is checked against that key alone. An unknown key id
// fetches again at once when the last fetch is a minute old (a second
// after a failure), and is refused without a request otherwise.
// Concurrent verifications share one fetch, which outlives a caller that
// gives up.
type Published struct {
	Fetch func(ctx context.Context, into any) error // decodes the JWKS into into
	Now   func() time.Time

	mu   sync.Mutex
	set  jose.JSONWebKeySet
	last time.Time     // when the last fetch started; zero before the first
	err  error         // the last fetch's failure, nil after a success
	done chan struct{} // closed when the running fetch ends; nil when none runs
}

// VerifySignature implements oidc.KeySet.
func (k *Published) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, refuse(ctx, Signature, err)
	}
	key, err := k.key(ctx, jws.Signatures[0].Header.KeyID)
	switch {
	case err != nil:
		return nil, refuse(ctx, KeysUnavailable, err)
	case key == nil:
		return nil, refuse(ctx, Signature, errors.New("no published key has the token's key id"))
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return nil, refuse(ctx, Signature, err)
	}
	return payload, nil
}

// key returns the key of kid, fetching when kid is not cached and the last
// fetch is old enough; nil when no key has that id.
func (k *Published) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
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
		wait := refetchInterval
		if k.err != nil {
			wait = retryInterval
		}
		if now := k.Now(); !k.last.IsZero() && now.Sub(k.last) < wait && !now.Before(k.last) {
			return nil, k.err
		}
		k.last, k.done = k.Now(), make(chan struct{})
		go k.fetch(context.WithoutCancel(ctx), k.done)
	}
}

func (k *Published) fetch(ctx context.Context, done chan struct{}) {
	var set jose.JSONWebKeySet
	err := k.Fetch(ctx, &set)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err = err; err == nil {
		k.set = set
	}
	k.done = nil
	close(done)
}

// Secret verifies HS256 tokens with the app secret.
type Secret []byte

// VerifySignature implements oidc.KeySet.
func (k Secret) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.HS256})
	if err == nil {
		var payload []byte
		if payload, err = jws.Verify([]byte(k)); err == nil {
			return payload, nil
		}
	}
	return nil, refuse(ctx, Signature, err)
}

// algs are the algorithms whose name an algorithm mismatch reports.
var algs = []jose.SignatureAlgorithm{
	jose.HS256, jose.HS384, jose.HS512, jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA,
}

// reasons name go-oidc's failures by the start of their text: apart from
// expiry its errors are plain strings.
var reasons = [...]struct{ prefix, reason string }{
	{"oidc: malformed jwt", "malformed"}, {"oidc: id token not signed", "malformed"},
	{"oidc: multiple signatures", "malformed"}, {"oidc: failed to unmarshal claims", "malformed"},
	{"oidc: id token issued by a different provider", "issuer"}, {"oidc: expected audience", "audience"},
	{"oidc: current time", "not yet valid"},
}

// Reason names err, go-oidc's failure to verify raw, other than expiry:
// the key set's refusal, an algorithm other than configured ("signed
// HS256, configured RS256", the names from a closed set), or the start of
// go-oidc's text; "rejected" otherwise.
func Reason(raw string, err error, r *Refusal, configured string) string {
	msg := err.Error()
	switch {
	case r.Reason != "":
		return r.Reason
	case strings.HasPrefix(msg, "oidc: malformed jwt") && strings.Contains(msg, "unexpected signature algorithm"):
		if jws, perr := jose.ParseSignedCompact(raw, algs); perr == nil {
			return "signed " + jws.Signatures[0].Header.Algorithm + ", configured " + configured
		}
		return "algorithm not allowed"
	}
	for _, p := range reasons {
		if strings.HasPrefix(msg, p.prefix) {
			return p.reason
		}
	}
	return "rejected"
}
