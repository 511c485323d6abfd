package enduser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/seed1804ee03/enduser/internal/bearer"
	"github.com/seed1804ee03/enduser/internal/keycache"
)

// Defaults of [Client.Sessions].
const (
	DefaultSessionCache = 10_000           // sessions whose tokens a Sessions keeps in memory
	DefaultMaxStaleness = 30 * time.Second // how long a cached token is served unconfirmed
)

// Sessions keeps many users' sessions, each under a key the service
// chooses (e.g. "session:"+userID), in a [TokenStore] shared by every
// replica: the x/oauth2 token source one level up. Build one per process
// and store; it is safe for concurrent use. Printed or logged, it shows its
// settings, never a key or token.
//
// Each session runs on the machinery of [Client.SharedTokenSource]. Token
// hands out the cached token with no store operation while it is valid
// past the leeway and was confirmed within [WithMaxStaleness]; then one
// Load confirms it; an expiring token is refreshed once per expiry across
// replicas, under the key's lock. While the store is down a replica serves
// its cached tokens until stale or expiring, then fails with
// [ErrTokenStore]; it never refreshes without the lock. A store that
// implements [ChangeNotifier] makes a change on one replica drop the
// others' cached entry at once.
//
// Expiries are instants of the server's clock ([WithClock]). Before the
// Client's first answer, a replica whose clock is ahead refreshes one
// session at a time (at most one refresh early); one whose clock is behind
// hands out tokens the server may reject as expired, until an answer
// teaches it the server's time: through [Sessions.HTTPClient], the API's
// 401 makes one ForceRefresh.
type Sessions struct {
	c      *Client
	store  TokenStore
	max    int
	stale  time.Duration
	topts  []TokenSourceOption
	ttl    time.Duration // of the refresh lock, as each session's source has it
	stopFn func()
	cache  *keycache.Cache[*TokenSource]
}

// SessionsOption configures [Client.Sessions].
type SessionsOption func(*Sessions)

// WithSessionCache keeps at most maxSessions sessions in memory (default
// [DefaultSessionCache]; at least 1), at about 300 bytes each plus the key
// and the token. When full, the least recently used leaves first (CLOCK:
// an entry read since the last sweep gets a second chance); it is loaded
// from the store on its next use.
func WithSessionCache(maxSessions int) SessionsOption {
	return func(s *Sessions) { s.max = max(maxSessions, 1) }
}

// WithMaxStaleness bounds how long a replica serves a cached token without
// confirming it against the store (default [DefaultMaxStaleness]): after
// End returns on any replica, no replica serves that session's token for
// longer than d (by the Client's clock). d <= 0 loads on every Token call.
func WithMaxStaleness(d time.Duration) SessionsOption {
	return func(s *Sessions) {
		s.stale = d
		if d <= 0 {
			s.stale = -1
		}
	}
}

// WithSessionTokenOptions applies opts (leeway, lock ttl, saver) to every
// session's token source.
func WithSessionTokenOptions(opts ...TokenSourceOption) SessionsOption {
	return func(s *Sessions) { s.topts = append(s.topts, opts...) }
}

// Sessions returns the sessions kept in store. If store implements
// [ChangeNotifier], call [Sessions.Close] when done with it.
func (c *Client) Sessions(store TokenStore, opts ...SessionsOption) *Sessions {
	s := &Sessions{c: c, store: store, max: DefaultSessionCache, stale: DefaultMaxStaleness}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	s.cache = keycache.New[*TokenSource](s.max)
	s.ttl = c.newTokenSource(local{}, s.topts).lockTTL
	if n, ok := store.(ChangeNotifier); ok {
		s.stopFn = n.NotifyChanges(s.drop)
	}
	return s
}

// Close stops the store's change notifications, if any. The Sessions keeps
// working, on the staleness bound alone.
func (s *Sessions) Close() {
	if s.stopFn != nil {
		s.stopFn()
	}
}

// Start stores t, a login's token, under key (replacing an earlier session
// there, after any refresh of it under way) and caches it.
func (s *Sessions) Start(ctx context.Context, key string, t *Token) error {
	if err := checkKey("Start", key); err != nil {
		return err
	}
	if t == nil || t.AccessToken == "" {
		return &ValidationError{Op: "Start", Field: "token", Reason: "is empty", Err: ErrTokenRequired}
	}
	err := s.locked(ctx, key, func(ctx context.Context) error {
		if err := s.store.Store(ctx, key, t); err != nil {
			return &storeError{"storing the session", err}
		}
		return nil
	})
	if err == nil {
		s.entry(key).setTok(t)
	}
	return err
}

// Token returns a valid token of the session under key: from memory, else
// the store, else one refresh per expiry across replicas. An error
// matching [ErrTokenInvalid] means the session ended, is absent or cannot
// be refreshed: log the user in again.
func (s *Sessions) Token(ctx context.Context, key string) (*Token, error) {
	if key == "" {
		return nil, checkKey("Token", key)
	}
	return s.entry(key).get(ctx, "")
}

// ForceRefresh returns a token of the session other than rejected, which
// an API refused before its expiry; see [TokenSource.ForceRefresh].
func (s *Sessions) ForceRefresh(ctx context.Context, key string, rejected *Token) (*Token, error) {
	if err := checkKey("ForceRefresh", key); err != nil {
		return nil, err
	}
	return s.entry(key).ForceRefresh(ctx, rejected)
}

// End logs the session under key out: under the key's lock (so it never
// races a refresh) it loads and deletes the session, then revokes its
// token at its family's host ([Client.Logout]). No replica serves the
// token past [WithMaxStaleness] afterwards. An absent session is no error.
//
// An error matching [ErrTokenStore] means nothing was deleted: try again.
// Any other error means the session is gone from the store but revoking
// it failed: its tokens stay valid at the host until they expire (an
// already invalid token counts as revoked).
func (s *Sessions) End(ctx context.Context, key string) error {
	if err := checkKey("End", key); err != nil {
		return err
	}
	var t *Token
	err := s.locked(ctx, key, func(ctx context.Context) (err error) {
		if t, err = s.store.Load(ctx, key); err != nil {
			return &storeError{"loading the session", err}
		}
		if err = s.store.Delete(ctx, key); err != nil {
			return &storeError{"deleting the session", err}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if ts, ok := s.cache.Delete(key); ok {
		ts.hot.Store(nil)
	}
	if t != nil {
		if err = s.c.Logout(ctx, t, ""); errors.Is(err, ErrTokenInvalid) {
			err = nil
		}
	}
	return err
}

// locked runs f, each store call under the Client's timeout, holding key's
// refresh lock.
func (s *Sessions) locked(ctx context.Context, key string, f func(context.Context) error) error {
	unlock, err := s.c.lock(ctx, s.store, key, s.ttl)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.c.opts.timeout)
	defer cancel()
	err = f(ctx)
	_ = unlock(ctx)
	return err
}

func checkKey(op, key string) error {
	if key == "" {
		return &ValidationError{Op: op, Field: "key", Reason: "is empty", Err: ErrInvalidRequest}
	}
	return nil
}

// entry returns key's cached session's source, adding it (and evicting
// one) if absent.
func (s *Sessions) entry(key string) *TokenSource {
	if ts, ok := s.cache.Get(key); ok {
		return ts
	}
	return s.cache.Add(key, func() *TokenSource {
		ts := s.c.newTokenSource(shared{s.store, key}, s.topts)
		ts.stale = s.stale
		return ts
	})
}

// drop makes key's cached token unconfirmed: the next Token loads it.
func (s *Sessions) drop(key string) {
	if ts, ok := s.cache.Get(key); ok {
		ts.hot.Store(nil)
	}
}

// String shows the settings and how many sessions are cached; never a key
// or a token.
func (s *Sessions) String() string {
	if s == nil {
		return "<nil>"
	}
	return "enduser.Sessions{Cached:" + strconv.Itoa(s.cache.Len()) + " MaxSessions:" + strconv.Itoa(s.max) +
		" MaxStaleness:" + s.stale.String() + " Client:" + s.c.String() + "}"
}

// Format prints String for every verb and flag.
func (s *Sessions) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the sessions like String.
func (s *Sessions) LogValue() slog.Value {
	if s == nil {
		return slog.Value{}
	}
	return slog.GroupValue(slog.Int("cached", s.cache.Len()), slog.Int("max_sessions", s.max),
		slog.Duration("max_staleness", s.stale), slog.Any("client", s.c))
}

// HTTPClient returns an http.Client that calls the platform's other APIs
// on behalf of the session under key, through base (nil:
// http.DefaultTransport), as x/oauth2's Transport does: each request is
// cloned and sent with the session's Authorization header. When the API
// answers 401, the token is refreshed once ([Sessions.ForceRefresh]) and
// the request sent again only if that is safe: its method is idempotent
// (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) and its body is empty or can be
// rewound (http.Request.GetBody, as http.NewRequest sets for in-memory
// bodies). Any other request gets the 401 back (its next request carries
// the new token), as does one whose refresh failed. A redirect to another
// host is returned, not followed (the token would go with it).
func (s *Sessions) HTTPClient(key string, base http.RoundTripper) *http.Client {
	return bearer.Client(&bearer.Transport[*Token]{
		Base:   base,
		Token:  func(ctx context.Context) (*Token, error) { return s.Token(ctx, key) },
		Renew:  func(ctx context.Context, t *Token) (*Token, error) { return s.ForceRefresh(ctx, key, t) },
		Header: (*Token).AuthorizationHeader,
	})
}
