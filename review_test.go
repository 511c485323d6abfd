package enduser_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// TestIDTokenErrorChainNeverQuotesTheToken: an id token is a credential,
// and its header and claims are the text of whoever made it. A refused
// token's *IDTokenError says why in the SDK's words, and no layer of its
// Unwrap chain, under any verb, quotes the token's issuer, audience,
// algorithm or any other of its values (go-oidc's own errors quote the
// issuer and audience it got, go-jose's the algorithm).
func TestIDTokenErrorChainNeverQuotesTheToken(t *testing.T) {
	t.Parallel()
	const mark = "TOKENTEXT-7f3a"
	key, j, c := publishedKey(t)
	good := claimsFor(j.issuer())
	b64 := base64.RawURLEncoding.EncodeToString
	header := func(alg string) string {
		h, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": "k1"})
		return b64(h)
	}
	claims, _ := json.Marshal(good)
	badSub, _ := json.Marshal(with(good, "sub", map[string]string{mark: mark}))
	for name, raw := range map[string]string{
		"issuer":              signJWT(t, jose.RS256, key, "k1", with(good, "iss", "https://"+mark+".example/oidc")),
		"audience":            signJWT(t, jose.RS256, key, "k1", with(good, "aud", mark)),
		"audiences":           signJWT(t, jose.RS256, key, "k1", with(good, "aud", []string{mark, "x"})),
		"unknown algorithm":   header(mark) + "." + b64(claims) + ".c2ln",
		"not yet valid":       signJWT(t, jose.RS256, key, "k1", with(good, "nbf", idClock.Add(time.Hour).Unix())),
		"claim of a bad type": signJWT(t, jose.RS256, key, "k1", with(good, "sub", map[string]string{mark: mark})),
		"payload not JSON":    header("RS256") + "." + b64([]byte(`{"`+mark+`"`)) + ".c2ln",
		"bad sub unsigned":    header("RS256") + "." + b64(badSub) + ".c2ln",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.VerifyIDToken(context.Background(), raw)
			var ie *enduser.IDTokenError
			require.ErrorAs(t, err, &ie)
			require.ErrorIs(t, err, enduser.ErrIDTokenInvalid)
			for _, layer := range unwrapAll(err) {
				text := fmt.Sprintf("%v %+v %#v %s %q %x %X", layer, layer, layer, layer, layer, layer, layer)
				text += fmt.Sprint(layer) + fmt.Sprintf("%v", []error{layer})
				assert.NotContains(t, text, mark, "layer %T", layer)
				assert.NotContains(t, strings.ToUpper(text), strings.ToUpper(fmt.Sprintf("%x", mark)), "layer %T", layer)
			}
		})
	}
}

// TestBasicCredentialIsFormEncoded: client_secret_basic encodes the app id
// and secret with application/x-www-form-urlencoded before base64 (RFC
// 6749 §2.3.1), so an app id with ':' or non-ASCII and a secret with '%',
// '+' or a space reach an RFC-conforming server (panva/node-oidc-provider
// decodes both halves) as they are configured; for the hex ids and
// secrets GenAuth issues the header is the same as without encoding.
func TestBasicCredentialIsFormEncoded(t *testing.T) {
	t.Parallel()
	for _, cred := range []struct{ id, secret string }{
		{testAppID, testAppSecret},
		{"app:id", "s%ec+ret word"},
		{"appé中", "sécret:x"},
	} {
		cfg := genAuthConfig(enduser.AuthClientSecretBasic)
		cfg.GenAuth.AppID, cfg.GenAuth.AppSecret = cred.id, cred.secret
		c, mt := newTestClient(t, cfg)
		rec := &recorder{}
		mt.RegisterResponder(http.MethodPost, oidcURL("token/introspection"), rec.responder(200, []byte(`{"active":false}`)))
		_, err := c.Introspect(bg, genAuthToken())
		require.NoError(t, err)
		seen := rec.last(t)
		user, pass, ok := (&http.Request{Header: seen.Header}).BasicAuth()
		require.True(t, ok)
		gotID, err := url.QueryUnescape(user)
		require.NoError(t, err)
		gotSecret, err := url.QueryUnescape(pass)
		require.NoError(t, err)
		assert.Equal(t, cred.id, gotID)
		assert.Equal(t, cred.secret, gotSecret)
		assert.NotContains(t, string(seen.Body), "client_secret", "the secret travels in the header alone")
	}
}

// TestVerifyIDTokenIssuerOfAnUpperCaseHost: NewClient accepts a host URL
// in upper case (scheme and host are case-insensitive); the default
// issuer its id tokens are checked against is the lower-case one the
// server writes.
func TestVerifyIDTokenIssuerOfAnUpperCaseHost(t *testing.T) {
	t.Parallel()
	key, j, _ := publishedKey(t)
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{Host: strings.ToUpper(j.srv.URL), AppID: testAppID}},
		enduser.WithClock(func() time.Time { return idClock }))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.VerifyIDToken(context.Background(), signJWT(t, jose.RS256, key, "k1", claimsFor(j.issuer())))
	require.NoError(t, err)
	assert.Equal(t, j.issuer(), tok.Issuer)
	_, err = c.VerifyIDToken(context.Background(), signJWT(t, jose.RS256, key, "k1", with(claimsFor(j.issuer()), "iss", "https://other.example/oidc")))
	assert.Equal(t, "issuer", reasonOf(t, err))
}
