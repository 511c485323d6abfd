package endusertest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// keyring holds the RSA keys that sign id tokens, newest last; the first is
// the given key or the published default key, parsed on first use.
type keyring struct {
	mu    sync.Mutex
	given *rsa.PrivateKey
	keys  []jose.JSONWebKey
}

// current returns the signing key, generating the first one if needed.
func (k *keyring) current() (jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		if err := k.addFirstLocked(); err != nil {
			return jose.JSONWebKey{}, err
		}
	}
	return k.keys[len(k.keys)-1], nil
}

func (k *keyring) addFirstLocked() error {
	priv := k.given
	if priv == nil {
		block, _ := pem.Decode([]byte(strings.TrimSpace(defaultSigningKey)))
		if block == nil {
			return errors.New("the default id token key does not parse")
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return fmt.Errorf("the default id token key does not parse: %w", err)
		}
		priv, _ = key.(*rsa.PrivateKey)
	}
	return k.addLocked(priv)
}

func (k *keyring) addLocked(priv *rsa.PrivateKey) error {
	if priv == nil {
		var err error
		if priv, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return fmt.Errorf("generating the id token key: %w", err)
		}
	}
	jwk := jose.JSONWebKey{Key: priv, Algorithm: string(jose.RS256), Use: "sig"}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return fmt.Errorf("id token key thumbprint: %w", err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(tp[:12])
	k.keys = append(k.keys, jwk)
	return nil
}

// public returns the public keys, newest first, as a JWKS.
func (k *keyring) public() (jose.JSONWebKeySet, error) {
	if _, err := k.current(); err != nil {
		return jose.JSONWebKeySet{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(k.keys))}
	for i := len(k.keys) - 1; i >= 0; i-- {
		set.Keys = append(set.Keys, k.keys[i].Public())
	}
	return set, nil
}

// RotateSigningKey starts signing id tokens with a new RSA key (key, or a
// generated one if nil) under a new key id. The JWKS keeps serving the old
// keys too, so tokens signed before stay verifiable; a verifier that cached
// the old set meets an unknown key id.
func (s *Server) RotateSigningKey(key *rsa.PrivateKey) error {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if len(s.keys.keys) == 0 {
		if err := s.keys.addFirstLocked(); err != nil {
			return err
		}
	}
	return s.keys.addLocked(key)
}

// SignIDToken signs claims as an id token of this emulator would be signed
// (RS256 with its current key and key id, or HS256 with the app secret under
// WithHS256IDTokens), for tests of id-token verification. Claims not given
// are filled in: iss (Issuer()), aud (the app id), sub, iat and exp (an hour
// on the emulator's clock). A claim set to nil is left out.
func (s *Server) SignIDToken(claims map[string]any) (string, error) {
	now := s.set.clock()
	all := map[string]any{
		"iss": s.Issuer(), "aud": s.set.appID, "sub": "uid-signed",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range claims {
		if v == nil {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	return s.sign(all)
}

// idTokenLocked makes the id token of a GenAuth access token's session.
func (s *Server) idTokenLocked(a *issued, now time.Time) (string, error) {
	claims := map[string]any{
		"iss": s.Issuer(), "aud": s.set.appID, "sub": a.uid,
		"iat": now.Unix(), "exp": a.expiry.Unix(), "auth_time": now.Unix(),
	}
	p := s.profileLocked(a.uid)
	if containsWord(a.scope, "profile") {
		claims["name"], claims["nickname"], claims["picture"] = p.Name, p.Nickname, p.Picture
	}
	if containsWord(a.scope, "email") {
		claims["email"], claims["email_verified"] = p.Email, p.EmailVerified
	}
	if containsWord(a.scope, "phone") {
		claims["phone_number"], claims["phone_number_verified"] = p.Phone, p.PhoneVerified
	}
	return s.sign(claims)
}

func (s *Server) sign(claims map[string]any) (string, error) {
	var key jose.SigningKey
	if s.set.hs256 {
		key = jose.SigningKey{Algorithm: jose.HS256, Key: []byte(s.set.appSecret)}
	} else {
		jwk, err := s.keys.current()
		if err != nil {
			return "", err
		}
		key = jose.SigningKey{Algorithm: jose.RS256, Key: jwk}
	}
	return signJWT(key, claims)
}

func serveJWKS(s *Server, _ *call) response {
	set, err := s.keys.public()
	if err != nil {
		return oauthError(http.StatusInternalServerError, "server_error", "the emulator could not make its signing key")
	}
	return response{http.StatusOK, set, nil}
}

func serveDiscovery(s *Server, _ *call) response {
	iss := s.Issuer()
	return response{http.StatusOK, map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"token_endpoint":                        iss + "/token",
		"userinfo_endpoint":                     iss + "/me",
		"revocation_endpoint":                   iss + "/token/revocation",
		"introspection_endpoint":                iss + "/token/introspection",
		"grant_types_supported":                 []string{"refresh_token"},
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "HS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "phone", "offline_access"},
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_post", "client_secret_basic"},
		"claims_supported":                      []string{"sub", "name", "nickname", "picture", "email", "email_verified", "phone_number", "phone_number_verified"},
	}, nil}
}
