package enduser_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// Two RSA keys, made once for the package: the issuer's and an impostor's.
var testRSAKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	a, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	b, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return a, b
})

// hs256Secret is long enough for HS256 (32 bytes or more).
const hs256Secret = "APPSECRET-HS256-0123456789abcdef0123"

var idClock = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// signJWT signs claims as a compact JWS with key (an *rsa.PrivateKey or an
// HMAC secret) and kid in the header when set.
func signJWT(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	jws, err := signer.Sign(payload)
	require.NoError(t, err)
	s, err := jws.CompactSerialize()
	require.NoError(t, err)
	return s
}

// jwksServer publishes the public keys it is given under their key ids at
// /oidc/.well-known/jwks.json and counts the fetches.
type jwksServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fail    bool
	fetches atomic.Int32
	agents  []string
}

func newJWKSServer(t *testing.T) *jwksServer {
	j := &jwksServer{keys: map[string]*rsa.PublicKey{}}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oidc/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		j.fetches.Add(1)
		j.mu.Lock()
		defer j.mu.Unlock()
		j.agents = append(j.agents, r.Header.Get("User-Agent"))
		if j.fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		var set jose.JSONWebKeySet
		for kid, k := range j.keys {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: "RS256", Use: "sig"})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(j.srv.Close)
	return j
}

func (j *jwksServer) publish(kid string, k *rsa.PublicKey) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys[kid] = k
}

// publishedKey starts a key server publishing the test RSA key as "k1" and
// a client of it.
func publishedKey(t *testing.T) (*rsa.PrivateKey, *jwksServer, *enduser.Client) {
	t.Helper()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	c := j.client(t)
	return key, j, c
}

func (j *jwksServer) issuer() string { return j.srv.URL + "/oidc" }

func (j *jwksServer) client(t *testing.T, opts ...enduser.Option) *enduser.Client {
	t.Helper()
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: j.srv.URL, AppID: testAppID}},
		append([]enduser.Option{enduser.WithClock(func() time.Time { return idClock })}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// claimsFor returns valid claims for the server's issuer and the test app.
func claimsFor(iss string) map[string]any {
	return map[string]any{
		"iss": iss, "sub": "user-42", "aud": testAppID,
		"iat": idClock.Add(-time.Minute).Unix(), "exp": idClock.Add(time.Hour).Unix(),
		"email": "ada@example.com", "phone_number": "+8613800138000",
	}
}

func with(claims map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, val := range claims {
		out[k] = val
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

func TestVerifyIDTokenAcceptsGoodRS256(t *testing.T) {
	t.Parallel()
	key, j, c := publishedKey(t)

	raw := signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer()))
	tok, err := c.VerifyIDToken(bg, raw)
	require.NoError(t, err)
	assert.Equal(t, "user-42", tok.Subject)
	assert.Equal(t, j.issuer(), tok.Issuer)
	assert.Equal(t, []string{testAppID}, tok.Audience)
	assert.Equal(t, idClock.Add(time.Hour).Unix(), tok.Expiry.Unix())
	assert.Equal(t, idClock.Add(-time.Minute).Unix(), tok.IssuedAt.Unix())
	var claims struct {
		Email string `json:"email"`
		Phone string `json:"phone_number"`
	}
	require.NoError(t, tok.Claims(&claims))
	assert.Equal(t, "ada@example.com", claims.Email)
	assert.Equal(t, "+8613800138000", claims.Phone)

	// The expiry is judged by the client's clock: this token expired long
	// ago by the wall clock, and is valid by WithClock's.
	assert.True(t, tok.Expiry.Before(time.Now()))
	assert.Equal(t, int32(1), j.fetches.Load())
	j.mu.Lock()
	assert.Equal(t, []string{"enduser-go/" + enduser.Version}, j.agents, "fetched by the Client's HTTP client")
	j.mu.Unlock()
}

func TestVerifyIDTokenRejects(t *testing.T) {
	t.Parallel()
	key, impostor := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	c := j.client(t)
	good := claimsFor(j.issuer())
	goodRaw := signJWT(t, jose.RS256, key, "k1", good)
	parts := strings.Split(goodRaw, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	tamperedClaims, _ := json.Marshal(with(good, "sub", "admin"))
	noneHeader, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": "k1"})
	goodClaims, _ := json.Marshal(good)

	cases := []struct {
		name, raw, reason string
	}{
		{"wrong audience", signJWT(t, jose.RS256, key, "k1", with(good, "aud", "another-app")), "audience"},
		{"wrong issuer", signJWT(t, jose.RS256, key, "k1", with(good, "iss", "https://evil.example/oidc")), "issuer"},
		{"issuer of the host without /oidc", signJWT(t, jose.RS256, key, "k1", with(good, "iss", j.srv.URL)), "issuer"},
		{"expired by the client's clock", signJWT(t, jose.RS256, key, "k1", with(good, "exp", idClock.Add(-time.Second).Unix())), "expired"},
		{"no expiry", signJWT(t, jose.RS256, key, "k1", with(good, "exp", nil)), "expired"},
		{"tampered payload", parts[0] + "." + b64(tamperedClaims) + "." + parts[2], "signature"},
		{"tampered signature", parts[0] + "." + parts[1] + "." + b64([]byte("not the signature at all, really")), "signature"},
		{"unknown key", signJWT(t, jose.RS256, impostor, "k2", good), "signature"},
		{"impostor key under a known kid", signJWT(t, jose.RS256, impostor, "k1", good), "signature"},
		{"no kid, impostor key", signJWT(t, jose.RS256, impostor, "", good), "signature"},
		{"alg none", b64(noneHeader) + "." + b64(goodClaims) + ".", "algorithm not allowed"},
		{"HS256 when RS256 is configured", signJWT(t, jose.HS256, []byte(hs256Secret), "k1", good), "signed HS256, configured RS256"},
		{"garbage", "not-a-jwt", "malformed"},
		{"two parts", parts[0] + "." + parts[1], "malformed"},
		{"payload not JSON", parts[0] + "." + b64([]byte("hello")) + "." + parts[2], "signature"},
		{"empty", "", "empty"},
		{"huge", strings.Repeat("a", 70<<10), "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, err := c.VerifyIDToken(bg, tc.raw)
			assert.Nil(t, tok)
			require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
			var ie *enduser.IDTokenError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.reason, ie.Reason)
			if tc.raw != "" {
				for _, part := range strings.Split(tc.raw, ".") {
					if len(part) > 8 {
						assert.NotContains(t, err.Error(), part, "the token never reaches the error")
					}
				}
			}
		})
	}
	_, err := c.VerifyIDToken(bg, goodRaw)
	assert.NoError(t, err, "the good token still verifies")
}

func TestVerifyIDTokenExpiredUnwrapsToGoOIDC(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	// By the wall clock this token is fresh; by the client's clock it is not.
	claims := with(claimsFor(j.issuer()), "exp", time.Now().Add(time.Hour).Unix())
	c := j.client(t, enduser.WithClock(func() time.Time { return time.Now().Add(2 * time.Hour) }))
	_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claims))
	var expired *oidc.TokenExpiredError
	require.ErrorAs(t, err, &expired)
	assert.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
}

// movingClock is a client clock at idClock that a test moves forward.
type movingClock struct{ offset atomic.Int64 }

func (m *movingClock) now() time.Time          { return idClock.Add(time.Duration(m.offset.Load())) }
func (m *movingClock) advance(d time.Duration) { m.offset.Add(int64(d)) }

// TestVerifyIDTokenKeyRotation: a rotated key is picked up by the first
// token of the new key once a minute has passed since the last fetch, at
// once; within the minute it is refused without a fetch; known keys are
// never fetched again.
func TestVerifyIDTokenKeyRotation(t *testing.T) {
	t.Parallel()
	key, next := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	clock := &movingClock{}
	c := j.client(t, enduser.WithClock(clock.now))
	iss := j.issuer()

	for range 5 {
		_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(iss)))
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), j.fetches.Load(), "keys fetched once")

	rotated := signJWT(t, jose.RS256, next, "k2", claimsFor(iss))
	j.publish("k2", &next.PublicKey)
	_, err := c.VerifyIDToken(bg, rotated)
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid, "within the minute, an unknown key id is refused")
	assert.Equal(t, "signature", reasonOf(t, err))
	assert.Equal(t, int32(1), j.fetches.Load(), "and fetches nothing")

	clock.advance(time.Minute)
	_, err = c.VerifyIDToken(bg, rotated)
	require.NoError(t, err, "after the minute, the first token of the new key fetches the keys at once")
	assert.Equal(t, int32(2), j.fetches.Load())
	for _, raw := range []string{rotated, signJWT(t, jose.RS256, key, "k1", claimsFor(iss))} {
		_, err = c.VerifyIDToken(bg, raw)
		require.NoError(t, err)
	}
	assert.Equal(t, int32(2), j.fetches.Load(), "known keys are not fetched again")
}

// TestVerifyIDTokenForgedTokensCostNoFetch measures the key fetches of
// 1,000 forged tokens with random key ids (at most one more fetch, however
// long they take) and of 1,000 tampered tokens of the known key id (none),
// and that they leave no log record.
func TestVerifyIDTokenForgedTokensCostNoFetch(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	clock := &movingClock{}
	logs := &logBuffer{}
	calls := &countingHook{}
	c := j.client(t, enduser.WithClock(clock.now), enduser.WithLogger(logs.Logger()), enduser.WithHook(calls))
	_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer())))
	require.NoError(t, err)
	require.Equal(t, int32(1), j.fetches.Load())
	records := strings.Count(logs.String(), "\n")

	clock.advance(time.Minute) // the worst case: a refetch is allowed now
	b64 := base64.RawURLEncoding.EncodeToString
	claims, err := json.Marshal(claimsFor(j.issuer()))
	require.NoError(t, err)
	for range 1000 { // an attacker need not sign: the key id alone decides a fetch
		header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": rand.Text()})
		require.NoError(t, err)
		forged := b64(header) + "." + b64(claims) + "." + b64([]byte(rand.Text()+rand.Text()))
		_, err = c.VerifyIDToken(bg, forged)
		require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
	}
	forgedFetches := j.fetches.Load() - 1
	assert.LessOrEqual(t, forgedFetches, int32(1), "1,000 random key ids: at most one more fetch")

	good := signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer()))
	parts := strings.Split(good, ".")
	clock.advance(time.Hour)
	before := j.fetches.Load()
	for i := range 1000 {
		tampered := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("forged-signature-%04d-padding-padding", i)))
		_, err := c.VerifyIDToken(bg, tampered)
		require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
		assert.Equal(t, "signature", reasonOf(t, err))
	}
	assert.Equal(t, before, j.fetches.Load(), "1,000 tampered tokens of the known key id: no fetch")
	assert.Equal(t, records+int(forgedFetches), strings.Count(logs.String(), "\n"), "no log record but the fetch's own")
	assert.Equal(t, 1+forgedFetches, calls.calls.Load(), "no Hook call (span) but the fetch's own")
	t.Logf("key fetches: 1,000 random key ids: %d; 1,000 tampered tokens: %d", forgedFetches, j.fetches.Load()-before)
}

// countingHook counts the calls a Hook sees.
type countingHook struct{ calls atomic.Int32 }

func (h *countingHook) CallStart(ctx context.Context, _ enduser.CallInfo) context.Context {
	h.calls.Add(1)
	return ctx
}
func (*countingHook) Attempt(context.Context, enduser.AttemptInfo) {}
func (*countingHook) CallEnd(context.Context, enduser.CallEndInfo) {}
func (*countingHook) Refresh(context.Context, enduser.RefreshInfo) {}

// reasonOf returns the Reason of an *IDTokenError.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var idErr *enduser.IDTokenError
	require.ErrorAs(t, err, &idErr)
	return idErr.Reason
}

// TestVerifyIDTokenCustomIssuer: an app on a custom domain sets Issuer;
// its tokens verify and the host's default issuer no longer does.
func TestVerifyIDTokenCustomIssuer(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	const custom = "https://login.example.com/oidc"
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: j.srv.URL, AppID: testAppID, Issuer: custom}},
		enduser.WithClock(func() time.Time { return idClock }))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", with(claimsFor(j.issuer()), "iss", custom)))
	require.NoError(t, err)
	assert.Equal(t, custom, tok.Issuer)
	for _, iss := range []string{j.issuer(), "https://login.example.com", "https://evil.example/oidc"} {
		_, err = c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", with(claimsFor(j.issuer()), "iss", iss)))
		require.ErrorIs(t, err, enduser.ErrIDTokenInvalid, iss)
		assert.Equal(t, "issuer", reasonOf(t, err), iss)
	}
	_, err = enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: j.srv.URL, AppID: testAppID, Issuer: custom + "\n"}})
	require.ErrorIs(t, err, enduser.ErrInvalidConfig)
}

// TestVerifyIDTokenAlgorithmMismatch: a token signed with the other
// algorithm says so, both ways, and is never accepted.
func TestVerifyIDTokenAlgorithmMismatch(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	secret := strings.Repeat("s", 32)
	rs := j.client(t)
	hs, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: j.srv.URL, AppID: testAppID, AppSecret: secret, IDTokenSigningAlg: enduser.IDTokenHS256}},
		enduser.WithClock(func() time.Time { return idClock }))
	require.NoError(t, err)
	t.Cleanup(hs.CloseIdleConnections)
	hsToken := signJWT(t, jose.HS256, []byte(secret), "", claimsFor(j.issuer()))
	rsToken := signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer()))

	_, err = rs.VerifyIDToken(bg, hsToken)
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
	assert.Equal(t, "signed HS256, configured RS256", reasonOf(t, err))
	_, err = hs.VerifyIDToken(bg, rsToken)
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
	assert.Equal(t, "signed RS256, configured HS256", reasonOf(t, err))
	assert.Equal(t, enduser.ClassReLogin, enduser.Class(err))
	for _, c := range []*enduser.Client{rs, hs} { // each still accepts its own
		_, err = c.VerifyIDToken(bg, map[*enduser.Client]string{rs: rsToken, hs: hsToken}[c])
		require.NoError(t, err)
	}
}

func TestVerifyIDTokenConcurrentShareOneFetch(t *testing.T) {
	t.Parallel()
	key, j, c := publishedKey(t)
	raw := signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer()))

	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.VerifyIDToken(bg, raw)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	// They share go-oidc's one fetch in flight. A verification that read the
	// still-empty cache just before that fetch landed, and asks for keys
	// just after, starts a second one (seen about once in 200 runs under
	// load): never one per caller.
	assert.LessOrEqual(t, j.fetches.Load(), int32(2), "32 concurrent first verifications share the fetch")
}

func TestVerifyIDTokenKeysUnavailable(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.fail = true
	c := j.client(t)
	_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer())))
	require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
	var ie *enduser.IDTokenError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "keys unavailable", ie.Reason)
}

func TestVerifyIDTokenKeysBodyLimit(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	c := j.client(t, enduser.WithResponseBodyLimit(64))
	_, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer())))
	var ie *enduser.IDTokenError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "keys unavailable", ie.Reason, "a key set over the body limit is not read")
}

func TestVerifyIDTokenHS256(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	cfg := enduser.Config{GenAuth: enduser.GenAuthConfig{
		Host: j.srv.URL, AppID: testAppID, AppSecret: hs256Secret, IDTokenSigningAlg: enduser.IDTokenHS256,
	}}
	c, err := enduser.NewClient(cfg, enduser.WithClock(func() time.Time { return idClock }))
	require.NoError(t, err)
	good := claimsFor(j.issuer())

	tok, err := c.VerifyIDToken(bg, signJWT(t, jose.HS256, []byte(hs256Secret), "", good))
	require.NoError(t, err)
	assert.Equal(t, "user-42", tok.Subject)

	for name, tc := range map[string]struct{ raw, reason string }{
		"wrong secret":   {signJWT(t, jose.HS256, []byte(hs256Secret+"x"), "", good), "signature"},
		"RS256 token":    {signJWT(t, jose.RS256, key, "k1", good), "signed RS256, configured HS256"},
		"HS512":          {signJWT(t, jose.HS512, []byte(hs256Secret+hs256Secret), "", good), "signed HS512, configured HS256"},
		"wrong audience": {signJWT(t, jose.HS256, []byte(hs256Secret), "", with(good, "aud", "x")), "audience"},
		"expired":        {signJWT(t, jose.HS256, []byte(hs256Secret), "", with(good, "exp", idClock.Add(-time.Minute).Unix())), "expired"},
	} {
		_, err := c.VerifyIDToken(bg, tc.raw)
		var ie *enduser.IDTokenError
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, tc.reason, ie.Reason, name)
		assert.NotContains(t, err.Error(), hs256Secret, name)
	}
	assert.Equal(t, int32(0), j.fetches.Load(), "HS256 needs no keys")
}

func TestIDTokenSigningAlgConfig(t *testing.T) {
	t.Parallel()
	base := enduser.GenAuthConfig{Host: testGenHost, AppID: testAppID, AppSecret: hs256Secret}
	for name, tc := range map[string]struct {
		alg, secret string
		ok          bool
	}{
		"default":            {"", "", true},
		"RS256":              {enduser.IDTokenRS256, "", true},
		"HS256":              {enduser.IDTokenHS256, hs256Secret, true},
		"HS256 short secret": {enduser.IDTokenHS256, "short-secret", false},
		"HS256 no secret":    {enduser.IDTokenHS256, "", false},
		"unknown":            {"ES256", hs256Secret, false},
	} {
		g := base
		g.IDTokenSigningAlg, g.AppSecret = tc.alg, tc.secret
		_, err := enduser.NewClient(enduser.Config{GenAuth: g})
		if tc.ok {
			assert.NoError(t, err, name)
		} else {
			assert.ErrorIs(t, err, enduser.ErrInvalidConfig, name)
			if tc.secret != "" {
				assert.NotContains(t, err.Error(), tc.secret, name)
			}
		}
	}
}

func TestVerifyIDTokenNeedsGenAuth(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.GenAuth = enduser.GenAuthConfig{}
	c, mt := newTestClient(t, cfg)
	_, err := c.VerifyIDToken(bg, "a.b.c")
	assert.ErrorIs(t, err, enduser.ErrNotConfigured)
	assert.Equal(t, 0, mt.GetTotalCallCount())
	var empty *enduser.IDToken
	assert.True(t, errors.Is(empty.Claims(&struct{}{}), enduser.ErrIDTokenInvalid))
}

// BenchmarkVerifyIDToken compares VerifyIDToken, keys cached, with
// go-oidc's own verifier called directly over the same key set URL and
// token ("raw").
func BenchmarkVerifyIDToken(b *testing.B) {
	key, _ := testRSAKeys()
	j := &jwksServer{keys: map[string]*rsa.PublicKey{"k1": &key.PublicKey}}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	}))
	b.Cleanup(j.srv.Close)
	raw := signJWT(b, jose.RS256, key, "k1", claimsFor(j.issuer()))
	now := func() time.Time { return idClock }

	b.Run("sdk", func(b *testing.B) {
		c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: j.srv.URL, AppID: testAppID}}, enduser.WithClock(now))
		require.NoError(b, err)
		defer c.CloseIdleConnections()
		_, err = c.VerifyIDToken(bg, raw) // fetch the keys
		require.NoError(b, err)
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.VerifyIDToken(bg, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		defer hc.CloseIdleConnections()
		ctx := oidc.ClientContext(bg, hc)
		v := oidc.NewVerifier(j.issuer(), oidc.NewRemoteKeySet(ctx, j.srv.URL+"/oidc/.well-known/jwks.json"),
			&oidc.Config{ClientID: testAppID, Now: now, SupportedSigningAlgs: []string{oidc.RS256}})
		_, err := v.Verify(ctx, raw)
		require.NoError(b, err)
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := v.Verify(ctx, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Algorithm confusion: an HS256 token whose HMAC secret is the issuer's
// public key, in every form an attacker can copy from the JWKS, and
// tokens that are not yet valid.
func TestVerifyIDTokenRejectsAlgorithmConfusion(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	j := newJWKSServer(t)
	j.publish("k1", &key.PublicKey)
	good := claimsFor(j.issuer())
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	jwk, err := json.Marshal(jose.JSONWebKey{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"})
	require.NoError(t, err)

	rs := j.client(t)
	hs, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{
		Host: j.srv.URL, AppID: testAppID, AppSecret: hs256Secret, IDTokenSigningAlg: enduser.IDTokenHS256,
	}}, enduser.WithClock(func() time.Time { return idClock }))
	require.NoError(t, err)

	for name, secret := range map[string][]byte{"PEM": pemKey, "DER": der, "JWK": jwk, "modulus": key.N.Bytes()} {
		raw := signJWT(t, jose.HS256, secret, "k1", good)
		for client, c := range map[string]*enduser.Client{"RS256 client": rs, "HS256 client": hs} {
			tok, err := c.VerifyIDToken(bg, raw)
			assert.Nil(t, tok, "%s, %s", name, client)
			assert.ErrorIs(t, err, enduser.ErrIDTokenInvalid, "%s, %s", name, client)
		}
	}
	for name, tc := range map[string]struct {
		claims map[string]any
		reason string
	}{
		"nbf in the future": {with(good, "nbf", idClock.Add(time.Hour).Unix()), "not yet valid"},
		"exp as a string":   {with(good, "exp", "tomorrow"), "malformed"},
		"aud missing":       {with(good, "aud", nil), "audience"},
		"sub an object":     {with(good, "sub", map[string]any{"id": 1}), "malformed"},
	} {
		_, err := rs.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", tc.claims))
		var ie *enduser.IDTokenError
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, tc.reason, ie.Reason, name)
	}
}

// A JWKS endpoint that redirects, stalls or answers garbage: the
// verification fails with "keys unavailable" within the Client's timeout,
// never follows the redirect, and never trusts what it could not parse.
func TestVerifyIDTokenHostileKeyServer(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	var evilHits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		evilHits.Add(1)
		var set jose.JSONWebKeySet
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"})
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(evil.Close)
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })

	for name, h := range map[string]http.HandlerFunc{
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, evil.URL+"/oidc/.well-known/jwks.json", http.StatusFound)
		},
		"stalls": func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-stall:
			case <-r.Context().Done():
			}
		},
		"garbage": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"keys":[{"kty":"RSA","n":"!!","e":"AQAB","kid":"k1"}]}`))
		},
		"huge": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"keys":[],"pad":"`))
			_, _ = w.Write([]byte(strings.Repeat("a", 8<<20)))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: srv.URL, AppID: testAppID}},
				enduser.WithClock(func() time.Time { return idClock }), enduser.WithTimeout(time.Second))
			require.NoError(t, err)
			t.Cleanup(c.CloseIdleConnections)
			start := time.Now()
			tok, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(srv.URL+"/oidc")))
			assert.Nil(t, tok)
			var ie *enduser.IDTokenError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "keys unavailable", ie.Reason, "%v", err)
			assert.Less(t, time.Since(start), 30*time.Second, "bounded by the Client's timeout")
		})
	}
	assert.Zero(t, evilHits.Load(), "a redirect of the key set is never followed")
}

// A verified IDToken printed with any verb, or logged, shows neither the
// raw token nor its payload: an id token may carry claims a server echoed.
func TestIDTokenPrintsNoPayload(t *testing.T) {
	t.Parallel()
	key, j, c := publishedKey(t)
	const echoed = "echoed-refresh-token-0123456789"
	raw := signJWT(t, jose.RS256, key, "k1", with(claimsFor(j.issuer()), "refresh_token", echoed))
	it, err := c.VerifyIDToken(bg, raw)
	require.NoError(t, err)

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("t", "id", it, "value", *it)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("t", "id", it)
	text := logged.String()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		text += fmt.Sprintf(verb, it) + fmt.Sprintf(verb, *it)
	}
	assert.NotContains(t, text, echoed)
	assert.NotContains(t, text, raw)
	assert.NotContains(t, text, hex.EncodeToString([]byte(echoed)))
	asBytes := fmt.Sprint([]byte(echoed[:12])) //nolint:staticcheck // QF1010: the bytes as fmt prints a []byte field
	assert.NotContains(t, text, asBytes[1:30], "nor the payload's bytes")
	var claims map[string]any
	require.NoError(t, it.Claims(&claims))
	assert.Equal(t, echoed, claims["refresh_token"], "Claims still has every claim")
}

// The keys come through the caller's transport (WithHTTPClient), like every
// other call: an httpmock transport answers them here, and nothing else is
// asked.
func TestVerifyIDTokenKeysThroughCallersTransport(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	cfg := testConfig()
	c, mt := newTestClient(t, cfg, enduser.WithClock(func() time.Time { return idClock }))
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodGet, testGenHost+"/oidc/.well-known/jwks.json", httpmock.NewBytesResponder(200, set))

	raw := signJWT(t, jose.RS256, key, "k1", claimsFor(testGenHost+"/oidc"))
	for range 3 {
		tok, err := c.VerifyIDToken(bg, raw)
		require.NoError(t, err)
		assert.Equal(t, "user-42", tok.Subject)
	}
	assert.Equal(t, 1, mt.GetTotalCallCount(), "one key fetch, through the caller's transport, and no discovery")
}

// TestVerifyIDTokenDefaultIssuerIsCanonical: the default issuer is the
// host's canonical name whatever the configured spelling (case, a trailing
// dot of a fully qualified name, a trailing slash), and only it verifies.
func TestVerifyIDTokenDefaultIssuerIsCanonical(t *testing.T) {
	t.Parallel()
	key, _ := testRSAKeys()
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	require.NoError(t, err)
	tests := []struct{ host, issuer string }{
		{"https://tenant.example.test./", "https://tenant.example.test/oidc"},
		{"HTTPS://Tenant.Example.Test.", "https://tenant.example.test/oidc"},
		{"https://tenant.example.test.:8443", "https://tenant.example.test:8443/oidc"},
		{"https://[::1]:8443/", "https://[::1]:8443/oidc"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			cfg.GenAuth.Host = tt.host
			c, mt := newTestClient(t, cfg, enduser.WithClock(func() time.Time { return idClock }))
			mt.RegisterResponder(http.MethodGet, `=~/oidc/\.well-known/jwks\.json\z`, httpmock.NewBytesResponder(200, set))
			tok, err := c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(tt.issuer)))
			require.NoError(t, err)
			assert.Equal(t, tt.issuer, tok.Issuer)
			dotted := strings.Replace(tt.issuer, "test/", "test./", 1)
			if dotted != tt.issuer {
				_, err = c.VerifyIDToken(bg, signJWT(t, jose.RS256, key, "k1", claimsFor(dotted)))
				assert.Equal(t, "issuer", reasonOf(t, err), "the issuer as configured, dot and all, is not the host's")
			}
		})
	}
}
