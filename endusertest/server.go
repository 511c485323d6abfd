// Package endusertest is an in-process emulator of both enduser API
// families, for tests and example programs: the v2 end-user API (signed
// logins, refresh, user info, logout), GenAuth sign-in by mobile, and the
// GenAuth app's OIDC endpoints (/oidc/token refresh, /oidc/me, revocation,
// introspection, JWKS and discovery) with real RS256 id tokens.
//
// It checks what the real servers check (signatures, required fields, user
// domain, app id and client authentication, single-use codes, rotating
// refresh tokens) and answers with their envelopes and codes; its messages
// say what it checked. Tests script failures with [Server.Inject] (a code,
// an HTML 502, a delay, a dropped connection, a 429, a request processed
// and then dropped), aimed at an endpoint, a user, a token, a code or the
// n-th call; they seed user profiles with [Server.SeedUser], revoke tokens
// with [Server.RevokeToken] and inspect what arrived with
// [Server.Requests] (bounded copies, secrets redacted).
//
//	srv := endusertest.NewServer(t)
//	client, err := enduser.NewClient(srv.Config())
//	srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop())
//
// Memory stays bounded in long runs: expired tokens and redeemed codes are
// forgotten on the emulator's clock and only the recent requests are kept.
package endusertest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/seed1804ee03/enduser"
)

// Default credentials the emulator accepts. They are test values, not
// secrets of any real deployment.
//
//nolint:gosec // G101: published test credentials of the emulator
const (
	DefaultUserDomain       = "E.SP.4294967410"
	DefaultUserDomainSecret = "emulator-user-domain-secret"
	DefaultAppID            = "6063fb2f3c6df55f39eb0001"
	DefaultAppSecret        = "emulator-app-secret"
	DefaultCarrierAppID     = "300000000001"                // the carrier one-tap app (phoneAuthLogin)
	DefaultCarrierAppSecret = "emulator-carrier-app-secret" // signs phoneAuthLogin; see WithCarrierApp
)

// Server is a running emulator. Its methods are safe for concurrent use.
type Server struct {
	set         settings
	tb          testing.TB // set by NewServer: Inject fails the test on a mistake
	srv         *http.Server
	url         string
	closed      chan struct{}
	closeMu     sync.Once
	handlers    sync.WaitGroup
	state       state
	endpoints   map[string]*endpoint  // by name, fixed at Start
	connections map[string]connection // GenAuth connections by name, fixed at Start
	keys        keyring
	uidKey      []byte // keys the user ids derived from login identities
}

// NewServer starts an emulator for a test and closes it when the test ends.
// It fails the test if the emulator cannot start, and later if Inject is
// given an unknown endpoint or a fault that cannot apply to it.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("endusertest: %v", err)
	}
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts an emulator on a loopback port. Call Close when done.
func Start(opts ...Option) (*Server, error) {
	set := defaultSettings()
	for _, opt := range opts {
		opt(&set)
	}
	if set.accessLifetime <= 0 || set.refreshLifetime <= 0 || set.codeLifetime <= 0 || set.clock == nil || set.recordLimit < 0 {
		return nil, errors.New("token and code lifetimes must be positive, the clock set and the record limit not negative")
	}
	if set.hs256 && len(set.appSecret) < 32 {
		return nil, errors.New("WithHS256IDTokens needs an app secret of at least 32 bytes (RFC 7518 section 3.2); set one with WithGenAuthApp")
	}
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", set.addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", set.addr, err)
	}
	s := &Server{set: set, url: "http://" + l.Addr().String(), closed: make(chan struct{}), uidKey: make([]byte, 32)}
	_, _ = rand.Read(s.uidKey)
	s.state.init()
	s.connections = connectionTable()
	s.keys.given = set.signingKey
	s.srv = &http.Server{Handler: s.withCounts(s.routes()), ReadHeaderTimeout: 10 * time.Second}
	s.handlers.Add(1)
	go func() {
		defer s.handlers.Done()
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // Serve only fails on a broken listener
		}
	}()
	return s, nil
}

// CountsPath is where the emulator answers GET with the calls each endpoint
// has received, as a JSON object by endpoint name (the names of Count and
// Inject), every endpoint included: {"appleAuthLogin": 2, "oidc/token": 0, …}.
// A program in any language that runs `enduser emulator` reads it to
// assert how often it called.
const CountsPath = "/_emulator/counts"

// Counts returns the calls each endpoint has received, by endpoint name,
// every endpoint included.
func (s *Server) Counts() map[string]int {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	out := make(map[string]int, len(s.endpoints))
	for name := range s.endpoints {
		out[name] = s.state.counts[name]
	}
	return out
}

// withCounts serves GET CountsPath and hands every other request to api.
func (s *Server) withCounts(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.set.dated { // dated by the emulator's clock, as a server's by its own
			w.Header().Set("Date", s.set.clock().UTC().Format(http.TimeFormat))
		} else {
			w.Header()["Date"] = nil // net/http would date it by time.Now
		}
		if r.URL.Path != CountsPath {
			api.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Counts())
	})
}

// URL returns the emulator's base URL, e.g. http://127.0.0.1:40123. Both
// API families are served under it.
func (s *Server) URL() string { return s.url }

// Issuer returns the issuer of the emulator's id tokens: URL() + "/oidc".
func (s *Server) Issuer() string { return s.url + "/oidc" }

// Config returns a client config for the emulator: both families, its
// credentials and its client authentication methods.
func (s *Server) Config() enduser.Config {
	cfg := enduser.Config{
		BaseURL: s.url, UserDomain: s.set.userDomain, UserDomainSecret: s.set.secret,
		GenAuth: enduser.GenAuthConfig{Host: s.url, AppID: s.set.appID, AppSecret: s.set.appSecret, AuthMethod: s.set.authMethod},
	}
	for op, m := range s.set.endpointAuth {
		switch op {
		case enduser.OpOIDCToken:
			cfg.GenAuth.TokenEndpointAuthMethod = m.String()
		case enduser.OpOIDCIntrospection:
			cfg.GenAuth.IntrospectionEndpointAuthMethod = m.String()
		case enduser.OpOIDCRevocation:
			cfg.GenAuth.RevocationEndpointAuthMethod = m.String()
		}
	}
	return cfg
}

// Close stops the emulator, ends delayed answers and waits for its
// goroutines. It is safe to call more than once.
func (s *Server) Close() {
	s.closeMu.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		s.handlers.Wait()
	})
}
