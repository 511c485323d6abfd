// Package endusertest is an in-process emulator of both enduser API
// families, for tests and example programs: the v2 end-user API (signed
// logins, refresh, user info, logout) and GenAuth sign-in by mobile.
//
// It checks what the real servers check (signatures, required fields, user
// domain, app id and client authentication) and answers with their
// envelopes and codes. Tests can script failures (a code, an HTML 502, a
// delay, a dropped connection, a 429) and inspect the requests it received.
//
//	srv := endusertest.NewServer(t)
//	client, err := enduser.NewClient(srv.Config())
package endusertest

import (
	"context"
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
)

// Server is a running emulator. Its methods are safe for concurrent use.
type Server struct {
	set      settings
	srv      *http.Server
	url      string
	closed   chan struct{}
	closeMu  sync.Once
	handlers sync.WaitGroup
	state    state
}

type settings struct {
	addr            string
	userDomain      string
	secret          string
	appID           string
	appSecret       string
	authMethod      enduser.ClientAuthMethod
	accessLifetime  time.Duration
	refreshLifetime time.Duration
	clock           func() time.Time
}

// Option configures a Server.
type Option func(*settings)

// WithUserDomain sets the user domain and secret the v2 API accepts.
func WithUserDomain(domain, secret string) Option {
	return func(s *settings) { s.userDomain, s.secret = domain, secret }
}

// WithGenAuthApp sets the GenAuth app id and secret, and the client
// authentication method the app demands.
func WithGenAuthApp(appID, appSecret string, method enduser.ClientAuthMethod) Option {
	return func(s *settings) { s.appID, s.appSecret, s.authMethod = appID, appSecret, method }
}

// WithTokenLifetimes sets the lifetimes of issued access and refresh tokens
// (default 2 hours and 30 days, as the real v2 API).
func WithTokenLifetimes(access, refresh time.Duration) Option {
	return func(s *settings) { s.accessLifetime, s.refreshLifetime = access, refresh }
}

// WithClock sets the emulator's clock (default time.Now), which decides
// token expiry.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.clock = now }
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option {
	return func(s *settings) { s.addr = addr }
}

// NewServer starts an emulator for a test and closes it when the test ends.
// It fails the test if the emulator cannot start.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("endusertest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts an emulator on a loopback port. Call Close when done.
func Start(opts ...Option) (*Server, error) {
	set := settings{
		addr:       "127.0.0.1:0",
		userDomain: DefaultUserDomain, secret: DefaultUserDomainSecret,
		appID: DefaultAppID, appSecret: DefaultAppSecret,
		accessLifetime: 2 * time.Hour, refreshLifetime: 30 * 24 * time.Hour,
		clock: time.Now,
	}
	for _, opt := range opts {
		opt(&set)
	}
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", set.addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", set.addr, err)
	}
	s := &Server{set: set, url: "http://" + l.Addr().String(), closed: make(chan struct{})}
	s.state.init()
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	s.handlers.Add(1)
	go func() {
		defer s.handlers.Done()
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // Serve only fails on a broken listener
		}
	}()
	return s, nil
}

// URL returns the emulator's base URL, e.g. http://127.0.0.1:40123. Both
// API families are served under it.
func (s *Server) URL() string { return s.url }

// Config returns a client config for the emulator: both families, its
// credentials and its client authentication method.
func (s *Server) Config() enduser.Config {
	return enduser.Config{
		BaseURL: s.url, UserDomain: s.set.userDomain, UserDomainSecret: s.set.secret,
		GenAuth: enduser.GenAuthConfig{Host: s.url, AppID: s.set.appID, AppSecret: s.set.appSecret, AuthMethod: s.set.authMethod},
	}
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

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, ep := range v2Logins {
		mux.Handle("POST "+v2Prefix+ep.name, s.handle(ep.name, s.v2Login(ep)))
	}
	mux.Handle("PUT "+v2Prefix+"refreshToken", s.handle("refreshToken", s.v2Refresh))
	mux.Handle("GET "+v2Prefix+"userInfo", s.handle("userInfo", s.v2UserInfo))
	mux.Handle("DELETE "+v2Prefix+"userLogout", s.handle("userLogout", s.v2Logout))
	mux.Handle("POST /api/v3/signin-by-mobile", s.handle(enduser.OpSignInByMobile, s.signInByMobile))
	return mux
}

const v2Prefix = "/v2/enduser/enduserapi/"
