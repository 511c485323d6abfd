package endusertest

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/seed1804ee03/enduser"
)

// jwksPath is where a GenAuth host publishes its id token keys
// (https://docs.genauth.ai: {host}/oidc/.well-known/jwks.json), the URL
// enduser's VerifyIDToken fetches.
const jwksPath = "/oidc/.well-known/jwks.json"

// KeySet signs id tokens as a GenAuth host does (RS256, with a key id) and
// answers the JWKS requests of [enduser.Client.VerifyIDToken], for tests
// that mock the HTTP layer instead of starting the emulator: Respond is an
// httpmock Responder, and a KeySet is an http.Handler for httptest.
//
//	keys := endusertest.NewKeySet(nil)
//	mt.RegisterResponder("GET", keys.JWKSURL(cfg.GenAuth), keys.Respond) // httpmock
//	srv := httptest.NewServer(keys)                                       // or a real listener
//	idToken, err := keys.SignIDToken(cfg.GenAuth, map[string]any{"sub": "u-1"})
//
// Its methods are safe for concurrent use.
type KeySet struct {
	keys    keyring
	fetches atomic.Int64
}

// NewKeySet returns a key set signing with key, or with the emulator's
// published test key when key is nil (no key generation: fast, and never
// to be trusted outside tests).
func NewKeySet(key *rsa.PrivateKey) *KeySet {
	return &KeySet{keys: keyring{given: key}}
}

// JWKSURL returns where the client of g fetches the keys:
// g.Host + "/oidc/.well-known/jwks.json".
func (k *KeySet) JWKSURL(g enduser.GenAuthConfig) string {
	return strings.TrimSuffix(g.Host, "/") + jwksPath
}

// SignIDToken signs claims as an id token of g's host and app: claims not
// given are filled in, iss (g.Host + "/oidc"), aud (g.AppID), sub, iat and
// exp (an hour from now). A claim set to nil is left out.
func (k *KeySet) SignIDToken(g enduser.GenAuthConfig, claims map[string]any) (string, error) {
	now := time.Now()
	all := map[string]any{
		"iss": strings.TrimSuffix(g.Host, "/") + "/oidc", "aud": g.AppID, "sub": "uid-signed",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	for name, v := range claims {
		if v == nil {
			delete(all, name)
		} else {
			all[name] = v
		}
	}
	jwk, err := k.keys.current()
	if err != nil {
		return "", err
	}
	return signJWT(jose.SigningKey{Algorithm: jose.RS256, Key: jwk}, all)
}

// Fetches returns how many JWKS requests the key set has answered, to
// assert how often a client fetched the keys.
func (k *KeySet) Fetches() int { return int(k.fetches.Load()) }

// jwks returns the public key set as JSON.
func (k *KeySet) jwks() ([]byte, error) {
	set, err := k.keys.public()
	if err != nil {
		return nil, err
	}
	return json.Marshal(set)
}

// Respond answers a JWKS request with the public keys: an httpmock
// Responder (func(*http.Request) (*http.Response, error)) for the URL of
// JWKSURL.
func (k *KeySet) Respond(r *http.Request) (*http.Response, error) {
	k.fetches.Add(1)
	body, err := k.jwks()
	if err != nil {
		return nil, fmt.Errorf("endusertest: the key set: %w", err)
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}

// ServeHTTP answers GET {any host}/oidc/.well-known/jwks.json with the
// public keys, and anything else with 404.
func (k *KeySet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, jwksPath) {
		http.NotFound(w, r)
		return
	}
	k.fetches.Add(1)
	body, err := k.jwks()
	if err != nil {
		http.Error(w, "the key set: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// signJWT signs claims as a compact JWT with key.
func signJWT(key jose.SigningKey, claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding id token claims: %w", err)
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("id token signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing the id token: %w", err)
	}
	return jws.CompactSerialize()
}
