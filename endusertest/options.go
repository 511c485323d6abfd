package endusertest

import (
	"crypto/rsa"
	"time"

	"github.com/seed1804ee03/enduser"
)

// settings is what the options decide; fixed once the server starts.
type settings struct {
	addr            string
	userDomain      string
	secret          string
	appID           string
	appSecret       string
	carrierAppID    string // the carrier one-tap app (v2.go)
	carrierSecret   string
	authMethod      enduser.ClientAuthMethod
	endpointAuth    map[string]enduser.ClientAuthMethod // OIDC endpoints whose method differs
	accessLifetime  time.Duration
	refreshLifetime time.Duration
	codeLifetime    time.Duration
	clock           func() time.Time
	dated           bool // WithClock given: answers carry a Date
	lifetimeKey     LifetimeKey
	rotateRefresh   bool
	hs256           bool
	signingKey      *rsa.PrivateKey
	recordLimit     int
	recordSecrets   bool
}

func defaultSettings() settings {
	return settings{
		addr:       "127.0.0.1:0",
		userDomain: DefaultUserDomain, secret: DefaultUserDomainSecret,
		appID: DefaultAppID, appSecret: DefaultAppSecret,
		carrierAppID: DefaultCarrierAppID, carrierSecret: DefaultCarrierAppSecret,
		accessLifetime: 2 * time.Hour, refreshLifetime: 30 * 24 * time.Hour,
		codeLifetime:  10 * time.Minute,
		clock:         time.Now,
		lifetimeKey:   LifetimeKeyAlternate,
		rotateRefresh: true,
		recordLimit:   10000,
	}
}

// Option configures a Server.
type Option func(*settings)

// WithUserDomain sets the user domain and secret the v2 API accepts.
func WithUserDomain(domain, secret string) Option {
	return func(s *settings) { s.userDomain, s.secret = domain, secret }
}

// WithCarrierApp sets the carrier one-tap app whose id and secret
// phoneAuthLogin accepts: the id must be sent as appid and the secret must
// have signed the request.
func WithCarrierApp(appID, appSecret string) Option {
	return func(s *settings) { s.carrierAppID, s.carrierSecret = appID, appSecret }
}

// WithGenAuthApp sets the GenAuth app id and secret, and the client
// authentication method the app demands (on sign-in by mobile and on the
// /oidc/token, revocation and introspection endpoints).
func WithGenAuthApp(appID, appSecret string, method enduser.ClientAuthMethod) Option {
	return func(s *settings) { s.appID, s.appSecret, s.authMethod = appID, appSecret, method }
}

// WithEndpointAuthMethod makes the app demand method on one OIDC endpoint
// (enduser.OpOIDCToken, OpOIDCIntrospection or OpOIDCRevocation) instead
// of the app's method, as an app configured per endpoint in the console
// does (Authing's Node SDK: tokenEndPointAuthMethod,
// introspectionEndPointAuthMethod, revocationEndPointAuthMethod). Config
// then carries the setting for the client.
func WithEndpointAuthMethod(op string, method enduser.ClientAuthMethod) Option {
	return func(s *settings) {
		if s.endpointAuth == nil {
			s.endpointAuth = map[string]enduser.ClientAuthMethod{}
		}
		s.endpointAuth[op] = method
	}
}

// WithTokenLifetimes sets the lifetimes of issued access and refresh tokens
// of both families (default 2 hours and 30 days, as the real v2 API). GenAuth
// id tokens live as long as access tokens.
func WithTokenLifetimes(access, refresh time.Duration) Option {
	return func(s *settings) { s.accessLifetime, s.refreshLifetime = access, refresh }
}

// WithCodeLifetime sets how long a redeemed single-use code is remembered
// (default 10 minutes of the emulator's clock, about the lifetime of a real
// provider's code). After that it is forgotten, so that a long-running
// emulator does not grow; a real provider would refuse it as expired.
func WithCodeLifetime(d time.Duration) Option {
	return func(s *settings) { s.codeLifetime = d }
}

// WithClock sets the emulator's clock (default time.Now), which decides
// token expiry, id token times and when expired tokens and redeemed codes
// are forgotten. With it the emulator also dates every answer (the Date
// header, from which a client learns the server's clock); without it the
// emulator is a server without a clock and sends no Date (RFC 9110
// section 6.6.1), so a client's WithClock alone decides its expiries.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.clock, s.dated = now, true }
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option {
	return func(s *settings) { s.addr = addr }
}

// LifetimeKey is the JSON key under which sign-in by mobile sends the access
// token's lifetime; GenAuth uses both spellings (`expire_in` in Authing's OpenAPI DTOs, `expires_in` in its mini-program SDK).
type LifetimeKey int

// The lifetime keys WithLifetimeKey accepts.
const (
	LifetimeKeyAlternate LifetimeKey = iota // "expire_in", then "expires_in", and so on (the default)
	LifetimeKeyExpireIn                     // "expire_in" always
	LifetimeKeyExpiresIn                    // "expires_in" always
	LifetimeKeyBoth                         // both keys, same value
)

// WithLifetimeKey sets the key of the lifetime in sign-in by mobile answers
// (default: each in turn, so that a client reading only one is caught).
// The /oidc/token answer always says "expires_in" (RFC 6749).
func WithLifetimeKey(k LifetimeKey) Option {
	return func(s *settings) { s.lifetimeKey = k }
}

// WithRefreshRotation sets whether /oidc/token issues a new refresh token on
// each refresh (default true: the old one is then spent). With false the
// answer carries no refresh_token and the old one stays valid (RFC 6749
// section 6). v2 refresh always rotates.
func WithRefreshRotation(rotate bool) Option {
	return func(s *settings) { s.rotateRefresh = rotate }
}

// WithHS256IDTokens makes GenAuth id tokens HS256 JWTs signed with the app
// secret, as an app configured so gets, instead of RS256 JWTs signed with the
// emulator's key. The app secret must then be at least 32 bytes long (RFC
// 7518 section 3.2; the default secret is shorter): Start refuses a shorter
// one.
func WithHS256IDTokens() Option {
	return func(s *settings) { s.hs256 = true }
}

// WithSigningKey sets the RSA key that signs id tokens (default: a published
// 2048-bit test key, the same in every emulator).
func WithSigningKey(key *rsa.PrivateKey) Option {
	return func(s *settings) { s.signingKey = key }
}

// WithRecordLimit sets how many recent requests Requests keeps (default
// 10,000; each is a bounded, redacted copy). Count keeps counting beyond it.
func WithRecordLimit(n int) Option {
	return func(s *settings) { s.recordLimit = n }
}

// WithSecretsRecorded makes Requests keep secret values (codes, tokens,
// signatures, client secrets) instead of "[redacted]", for wire tests that
// check the exact credentials a client sent. Records stay bounded in size;
// a failing assertion on them may print the secrets, so keep them to test
// values.
func WithSecretsRecorded() Option {
	return func(s *settings) { s.recordSecrets = true }
}
