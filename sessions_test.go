package enduser_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// storeOps is the number of operations r's store has seen.
func (r *replicas) storeOps() int32 {
	return r.store.loads.Load() + r.store.stores.Load() + r.store.locks.Load()
}

// A login, many Token calls served from memory with no store operation,
// then End: deleted from the store, revoked at the host, and over.
func TestSessionsStartTokenEnd(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	defer s.Close()
	require.NoError(t, s.Start(bg, "session:alice", r.login))
	before := r.storeOps()
	for range 10 {
		tok, err := s.Token(bg, "session:alice")
		require.NoError(t, err)
		assert.Equal(t, r.login.AccessToken, tok.AccessToken)
	}
	assert.Equal(t, before, r.storeOps(), "a cached, fresh token costs no store operation")

	require.NoError(t, s.End(bg, "session:alice"))
	tok, err := r.store.TokenStore.Load(bg, "session:alice")
	require.NoError(t, err)
	assert.Nil(t, tok, "the session is gone from the store")
	assert.Equal(t, 1, r.srv.Count(enduser.OpLogout), "and revoked at its host")
	_, err = s.Token(bg, "session:alice")
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, enduser.ClassReLogin, enduser.Class(err))
	require.NoError(t, s.End(bg, "session:alice"), "ending an absent session is no error")
	assert.Equal(t, 1, r.srv.Count(enduser.OpLogout))
}

// Two replicas on a store that pushes no changes: after End on one, the
// other serves the cached token at most for the staleness bound.
func TestSessionsEndReachesEveryReplicaWithinTheStalenessBound(t *testing.T) {
	t.Parallel()
	const stale = 20 * time.Second
	r := newReplicas(t, 2)
	a := r.cs[0].Sessions(r.store, enduser.WithMaxStaleness(stale))
	b := r.cs[1].Sessions(r.store, enduser.WithMaxStaleness(stale))
	require.NoError(t, a.Start(bg, sessionKey, r.login))
	_, err := b.Token(bg, sessionKey)
	require.NoError(t, err)

	require.NoError(t, a.End(bg, sessionKey))
	_, err = b.Token(bg, sessionKey)
	require.NoError(t, err, "within the bound the cached token may still be served")
	r.clk.Advance(stale)
	_, err = b.Token(bg, sessionKey)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "past the bound it is confirmed against the store, and gone")
}

// A store that pushes changes (MemoryStore implements ChangeNotifier):
// another replica drops the ended session at once.
func TestSessionsPushedInvalidation(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	store := r.store.TokenStore // the MemoryStore itself, a ChangeNotifier
	a := r.cs[0].Sessions(store, enduser.WithMaxStaleness(time.Hour))
	b := r.cs[1].Sessions(store, enduser.WithMaxStaleness(time.Hour))
	defer a.Close()
	defer b.Close()
	require.NoError(t, a.Start(bg, sessionKey, r.login))
	_, err := b.Token(bg, sessionKey)
	require.NoError(t, err)
	require.NoError(t, a.End(bg, sessionKey))
	_, err = b.Token(bg, sessionKey)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid, "the other replica dropped its cached token")
}

// The cache keeps at most its bound; the least recently used leaves first.
func TestSessionsCacheIsBounded(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store, enduser.WithSessionCache(2))
	keys := []string{"session:a", "session:b", "session:c"}
	for _, k := range keys[:2] {
		require.NoError(t, s.Start(bg, k, r.login))
	}
	_, err := s.Token(bg, keys[0]) // a is used again: b is the least recent
	require.NoError(t, err)
	require.NoError(t, s.Start(bg, keys[2], r.login))
	assert.Contains(t, s.String(), "Cached:2")

	loads := r.store.loads.Load()
	for _, k := range []string{keys[0], keys[2]} {
		_, err := s.Token(bg, k)
		require.NoError(t, err)
	}
	assert.Equal(t, loads, r.store.loads.Load(), "the recently used stay cached")
	_, err = s.Token(bg, keys[1])
	require.NoError(t, err)
	assert.Equal(t, loads+1, r.store.loads.Load(), "the least recently used left and is loaded again")
}

// Every store failure reaching a caller of Start, Token, ForceRefresh or
// End matches ErrTokenStore, is temporary, and shows neither the store's
// text nor the key.
func TestSessionsStoreErrors(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store, enduser.WithMaxStaleness(0))
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	r.store.failLoad.Store(true)
	r.store.failLock.Store(true)
	calls := map[string]func() error{
		"Start": func() error { return s.Start(bg, sessionKey, r.login) },
		"Token": func() error { _, err := s.Token(bg, sessionKey); return err },
		"ForceRefresh": func() error {
			_, err := s.ForceRefresh(bg, sessionKey, r.login)
			return err
		},
		"End": func() error { return s.End(bg, sessionKey) },
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, enduser.ErrTokenStore, name)
		assert.ErrorIs(t, err, errStoreDown, name)
		assert.Equal(t, enduser.ClassTemporary, enduser.Class(err), name)
		text := fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)
		for _, v := range []string{sessionKey, "10.0.0.7", r.login.AccessToken, r.login.RefreshToken} {
			assert.NotContains(t, text, v, name)
		}
	}
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken)+r.srv.Count(enduser.OpLogout), "nothing sent without the store")
}

// An empty key or token is refused before any store operation.
func TestSessionsRefusesBadInput(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	before := r.storeOps()
	require.ErrorIs(t, s.Start(bg, "", r.login), enduser.ErrInvalidRequest)
	require.ErrorIs(t, s.Start(bg, sessionKey, nil), enduser.ErrTokenRequired)
	_, err := s.Token(bg, "")
	require.ErrorIs(t, err, enduser.ErrInvalidRequest)
	_, err = s.ForceRefresh(bg, sessionKey, nil)
	require.ErrorIs(t, err, enduser.ErrTokenRequired)
	require.ErrorIs(t, s.End(context.Background(), ""), enduser.ErrInvalidRequest)
	assert.Equal(t, before, r.storeOps())
}

// lateLockStore grants the lock at once but answers Lock late, like a
// reply held up by the network or a GC pause.
type lateLockStore struct {
	enduser.TokenStore
	late time.Duration
}

func (s *lateLockStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	unlock, err := s.TokenStore.Lock(ctx, key, ttl)
	time.Sleep(s.late)
	return unlock, err
}

// The lock's time runs from before Lock is called: a grant answered at
// 97% of its ttl leaves too little to refresh within it, so nothing is
// sent, and the session is not over.
func TestSessionsNoRefreshOnALateLockReply(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1, enduser.WithTimeout(300*time.Millisecond)) // the lock ttl is 1.3 s
	s := r.cs[0].Sessions(&lateLockStore{r.store, 1260 * time.Millisecond})
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	r.clk.Advance(3 * time.Hour)
	_, err := s.Token(bg, sessionKey)
	require.ErrorIs(t, err, enduser.ErrTokenStore)
	assert.Equal(t, enduser.ClassTemporary, enduser.Class(err))
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken), "no refresh that could outlive the lock")
}

// clockFixture is an emulator on the real clock (dating its answers) with
// 30-minute access tokens, a store, and n users logged in there by a replica on time.
func clockFixture(t *testing.T, n int) (*endusertest.Server, enduser.TokenStore, []*enduser.Token) {
	t.Helper()
	srv := endusertest.NewServer(t, endusertest.WithClock(time.Now), endusertest.WithTokenLifetimes(30*time.Minute, 24*time.Hour))
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	store := enduser.NewMemoryStore()
	logins := make([]*enduser.Token, n)
	for i := range logins {
		logins[i], err = c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: fmt.Sprint("apple-user-", i)})
		require.NoError(t, err)
		require.NoError(t, store.Store(bg, fmt.Sprint("session:", i), logins[i]))
	}
	return srv, store, logins
}

// offClient is a replica whose clock is off by d, which has not heard from
// the server yet.
func offClient(t *testing.T, srv *endusertest.Server, d time.Duration) *enduser.Client {
	t.Helper()
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(func() time.Time { return time.Now().Add(d) }))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// A replica an hour ahead, with 30-minute tokens: by its own clock every
// token is expired. Before it has heard from the server, many callers on
// many sessions make one refresh, whose answer's Date teaches the server's
// clock; then every token is judged by it. A replica that logged a user in
// learned the clock from that answer and refreshes nothing.
func TestSessionsReplicaClockAhead(t *testing.T) {
	t.Parallel()
	const n = 8
	srv, store, _ := clockFixture(t, n)
	s := offClient(t, srv, time.Hour).Sessions(store)
	var wg sync.WaitGroup
	for g := range 4 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				tok, err := s.Token(bg, fmt.Sprint("session:", g%n))
				if assert.NoError(t, err) {
					assert.True(t, tok.Expiry.After(time.Now()), "a live token by the server's clock")
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken), "one refresh to learn the clock, no storm")

	c := offClient(t, srv, time.Hour)
	login, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-user-new"})
	require.NoError(t, err)
	s = c.Sessions(store)
	require.NoError(t, s.Start(bg, "session:new", login))
	for range 10 {
		tok, err := s.Token(bg, "session:new")
		require.NoError(t, err)
		assert.Equal(t, login.AccessToken, tok.AccessToken)
	}
	assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken), "the login's answer taught the clock")
}

// A replica an hour behind, with 30-minute tokens: by its own clock a
// token expired 5 minutes ago is valid for 55 more minutes. Before it has
// heard from the server it hands that token out (the API answers 401, and
// the session's HTTP client's ForceRefresh then teaches the clock); from
// then on an expired token is refreshed, not handed out.
func TestSessionsReplicaClockBehind(t *testing.T) {
	t.Parallel()
	srv, store, logins := clockFixture(t, 2)
	for i, tok := range logins {
		expired := *tok
		expired.Expiry = time.Now().Add(-5 * time.Minute)
		require.NoError(t, store.Store(bg, fmt.Sprint("session:", i), &expired))
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, tok := range logins { // the API's view: these expired
			if r.Header.Get("Authorization") == tok.AuthorizationHeader() {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(api.Close)
	s := offClient(t, srv, -time.Hour).Sessions(store)

	tok, err := s.Token(bg, "session:0")
	require.NoError(t, err)
	assert.Equal(t, logins[0].AccessToken, tok.AccessToken, "not heard from the server yet: the expired token")
	resp, err := s.HTTPClient("session:0", nil).Get(api.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "one ForceRefresh after the 401")
	assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken))

	tok, err = s.Token(bg, "session:1")
	require.NoError(t, err)
	assert.NotEqual(t, logins[1].AccessToken, tok.AccessToken, "the expired token is refreshed, not handed out")
	assert.True(t, tok.Expiry.After(time.Now()))
	assert.Equal(t, 2, srv.Count(enduser.OpRefreshToken))
}

// A saver that ignores its context: callers are not held past the
// Client's timeout, no second refresh happens, and once the saver returns
// the refreshed token is handed out.
func TestTokenSourceSaverIgnoringItsContext(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now), enduser.WithTimeout(200*time.Millisecond))
	require.NoError(t, err)
	login, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	release := make(chan struct{})
	var saves atomic.Int32
	ts := c.TokenSource(login, enduser.WithTokenSaver(func(context.Context, *enduser.Token) error {
		saves.Add(1)
		<-release // ignores its ctx
		return nil
	}))
	clk.Advance(3 * time.Hour)
	for range 3 {
		done := make(chan error, 1)
		go func() { _, err := ts.Token(bg); done <- err }()
		select {
		case err := <-done:
			require.ErrorIs(t, err, context.DeadlineExceeded, "released at the Client's timeout")
		case <-time.After(20 * time.Second):
			t.Fatal("Token held by a saver that ignores its context")
		}
	}
	assert.Equal(t, int32(1), saves.Load(), "a running save is waited for, not repeated")
	close(release)
	require.Eventually(t, func() bool { _, err := ts.Token(bg); return err == nil }, 10*time.Second, 10*time.Millisecond,
		"once the saver returns, its token is handed out")
	assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken))
	assert.Equal(t, int32(1), saves.Load())
}

// Printing never shows a token or a session key, under any verb or slog.
func TestSessionsPrintingRedacts(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	store := enduser.NewMemoryStore()
	s := r.cs[0].Sessions(store)
	defer s.Close()
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	values := map[string]any{"MemoryStore": store, "Sessions": s, "TokenSource": r.cs[0].SharedTokenSource(store, sessionKey)}
	secrets := []string{sessionKey, "user-42", r.login.AccessToken, strings.TrimPrefix(r.login.AccessToken, "Bearer "), r.login.RefreshToken}
	for name, v := range values {
		var logged bytes.Buffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "v", v)
		text := fmt.Sprintf("%v %+v %#v %s %q %x %X %d %p %T", v, v, v, v, v, v, v, v, v, v) + fmt.Sprint(v) + fmt.Sprintln(v) + logged.String()
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, name)
		}
	}
}

// hostileAPI is another API of the platform: it rejects every token but
// accept (401 when accept is empty), records what it saw, and may
// redirect elsewhere.
type hostileAPI struct {
	accept   atomic.Value // string: the Authorization it accepts
	redirect string
	mu       sync.Mutex
	seen     []string // method, Authorization and body of each request
}

func (h *hostileAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.seen = append(h.seen, r.Method+" "+r.Header.Get("Authorization")+" "+string(body))
	h.mu.Unlock()
	if h.redirect != "" {
		http.Redirect(w, r, h.redirect, http.StatusFound)
		return
	}
	if a, _ := h.accept.Load().(string); a == "" || a != r.Header.Get("Authorization") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func (h *hostileAPI) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// The session's HTTP client: the API rejects the current token, the client
// refreshes once and resends what is safe to resend, never anything else.
func TestSessionsHTTPClient(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		method  string
		body    func() io.Reader
		resends bool
	}{
		{"GET", http.MethodGet, func() io.Reader { return nil }, true},
		{"PUT with a rewindable body", http.MethodPut, func() io.Reader { return strings.NewReader("payload") }, true},
		{"DELETE", http.MethodDelete, func() io.Reader { return nil }, true},
		{"POST", http.MethodPost, func() io.Reader { return strings.NewReader("payload") }, false},
		{"PUT with a stream", http.MethodPut, func() io.Reader { return io.MultiReader(strings.NewReader("payload")) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newReplicas(t, 1)
			s := r.cs[0].Sessions(r.store)
			require.NoError(t, s.Start(bg, sessionKey, r.login))
			api := &hostileAPI{}
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			hc := s.HTTPClient(sessionKey, nil)
			t.Cleanup(hc.CloseIdleConnections)
			api.accept.Store("none yet")
			// The API accepts only a token refreshed after the login.
			r.store.TokenStore = &acceptOnStore{TokenStore: r.store.TokenStore, api: api}

			req, err := http.NewRequestWithContext(bg, tc.method, srv.URL+"/v1/devices", tc.body())
			require.NoError(t, err)
			resp, err := hc.Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			seen := api.requests()
			assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken), "one refresh on the rejection")
			assert.True(t, strings.HasPrefix(seen[0], tc.method+" "+r.login.AuthorizationHeader()+" "), "first sent with the session's token")
			if !tc.resends {
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				assert.Len(t, seen, 1, "a request that is unsafe to resend is sent once")
				return
			}
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			require.Len(t, seen, 2, "resent once")
			assert.NotContains(t, seen[1], r.login.AccessToken, "with the new token")
			if tc.body() != nil {
				assert.True(t, strings.HasSuffix(seen[1], " payload"), "and the same body")
			}
		})
	}
}

// acceptOnStore makes api accept each token stored after the first Load.
type acceptOnStore struct {
	enduser.TokenStore
	api *hostileAPI
}

func (s *acceptOnStore) Store(ctx context.Context, key string, t *enduser.Token) error {
	s.api.accept.Store(t.AuthorizationHeader())
	return s.TokenStore.Store(ctx, key, t)
}

// An API that always rejects gets one resend, not a loop; an API that
// redirects to another host never sends the token there.
func TestSessionsHTTPClientHostileAPI(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	hc := s.HTTPClient(sessionKey, nil)
	t.Cleanup(hc.CloseIdleConnections)

	never := &hostileAPI{}
	nsrv := httptest.NewServer(never)
	t.Cleanup(nsrv.Close)
	resp, err := hc.Get(nsrv.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, never.requests(), 2, "one resend after one refresh, then the 401")
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))

	elsewhere := &hostileAPI{}
	esrv := httptest.NewServer(elsewhere)
	t.Cleanup(esrv.Close)
	redirecting := &hostileAPI{redirect: esrv.URL + "/steal"}
	rsrv := httptest.NewServer(redirecting)
	t.Cleanup(rsrv.Close)
	resp, err = hc.Get(rsrv.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode, "the redirect is returned, not followed")
	assert.Empty(t, elsewhere.requests(), "the token never reaches another host")
}

// BenchmarkSessionsTokenVsTokenSource compares a cached session's Token with
// TokenSource.Token (the budget: at most 1.2 times), both on the real
// clock, as a service runs, and measures a Token call that refreshes
// (every call past the leeway, through the emulator).
func BenchmarkSessionsTokenVsTokenSource(b *testing.B) {
	srv := endusertest.NewServer(b)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(b, err)
	b.Cleanup(c.CloseIdleConnections)
	login, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(b, err)
	s := c.Sessions(enduser.NewMemoryStore())
	b.Cleanup(s.Close)
	require.NoError(b, s.Start(bg, sessionKey, login))
	ts := c.TokenSource(login)
	b.Run("TokenSource", func(b *testing.B) {
		for b.Loop() {
			_, _ = ts.Token(bg)
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			_, _ = s.Token(bg, sessionKey)
		}
	})
	// Both in turns of 1,000 calls, so that a machine's load weighs on both
	// alike: the ratio of their times, reported as x-TokenSource.
	b.Run("ratio", func(b *testing.B) {
		const turn = 1000
		var inSessions, inSource time.Duration
		for b.Loop() {
			start := time.Now()
			for range turn {
				_, _ = ts.Token(bg)
			}
			mid := time.Now()
			for range turn {
				_, _ = s.Token(bg, sessionKey)
			}
			inSource, inSessions = inSource+mid.Sub(start), inSessions+time.Since(mid)
		}
		b.ReportMetric(float64(inSessions)/float64(inSource), "x-TokenSource")
		b.ReportMetric(float64(inSessions.Nanoseconds())/float64(b.N*turn), "ns/Sessions.Token")
		b.ReportMetric(float64(inSource.Nanoseconds())/float64(b.N*turn), "ns/TokenSource.Token")
	})
	b.Run("refreshing", func(b *testing.B) {
		for b.Loop() {
			tok, err := s.Token(bg, sessionKey)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = s.ForceRefresh(bg, sessionKey, tok)
		}
	})
}

// BenchmarkSessionsMemory reports the heap bytes one cached session costs
// (its entry, token source and token, with emulator-sized token strings).
func BenchmarkSessionsMemory(b *testing.B) {
	const n = 10_000
	c, err := enduser.NewClient(endusertest.NewServer(b).Config())
	require.NoError(b, err)
	tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer " + strings.Repeat("a", 40), RefreshToken: strings.Repeat("r", 40),
		Expiry: time.Now().Add(time.Hour)}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("session:user-%08d", i)
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := c.Sessions(nopStore{}, enduser.WithSessionCache(n))
		for _, k := range keys {
			require.NoError(b, s.Start(bg, k, tok))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/session")
		runtime.KeepAlive(s)
	}
}

// nopStore stores nothing, so that only the cache's memory is measured.
type nopStore struct{}

func (nopStore) Load(context.Context, string) (*enduser.Token, error) { return nil, nil }
func (nopStore) Store(context.Context, string, *enduser.Token) error  { return nil }
func (nopStore) Delete(context.Context, string) error                 { return nil }
func (nopStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// Past the staleness bound a still-valid cached token costs exactly one
// Load (no lock, no refresh), and is then served from memory again.
func TestSessionsRevalidationIsOneLoad(t *testing.T) {
	t.Parallel()
	const stale = 10 * time.Second
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store, enduser.WithMaxStaleness(stale))
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	r.clk.Advance(stale)
	loads, locks := r.store.loads.Load(), r.store.locks.Load()
	for range 5 {
		_, err := s.Token(bg, sessionKey)
		require.NoError(t, err)
	}
	assert.Equal(t, loads+1, r.store.loads.Load())
	assert.Equal(t, locks, r.store.locks.Load())
	assert.Zero(t, r.srv.Count(enduser.OpRefreshToken))
}

// When revocation at the host fails, End still deleted the session: its
// error is not a store error, and the session is over everywhere.
func TestSessionsEndWhenRevocationFails(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	s := r.cs[0].Sessions(r.store)
	require.NoError(t, s.Start(bg, sessionKey, r.login))
	require.NoError(t, r.srv.Inject(enduser.OpLogout, endusertest.GatewayHTML(502)))
	err := s.End(bg, sessionKey)
	require.Error(t, err)
	assert.NotErrorIs(t, err, enduser.ErrTokenStore, "the deletion succeeded")
	assert.Nil(t, r.stored(t), "the session is gone from the store")
	_, err = s.Token(bg, sessionKey)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
}

// flushAfterLockedLoad empties the store right after the load a refresher
// makes under the lock, like a FLUSHALL in the middle of a refresh.
type flushAfterLockedLoad struct {
	enduser.TokenStore
	armed, locked, flushed atomic.Bool
}

func (s *flushAfterLockedLoad) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	unlock, err := s.TokenStore.Lock(ctx, key, ttl)
	s.locked.Store(err == nil && s.armed.Load())
	return unlock, err
}

func (s *flushAfterLockedLoad) Load(ctx context.Context, key string) (*enduser.Token, error) {
	t, err := s.TokenStore.Load(ctx, key)
	if s.locked.Load() && s.flushed.CompareAndSwap(false, true) {
		_ = s.Delete(ctx, key) // MemoryStore.Delete never fails
	}
	return t, err
}

// A FLUSHALL mid-refresh does not make anyone log in again: the refresher
// stores its new token under the lock, and every replica gets it.
func TestSessionsFlushMidRefresh(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 2)
	store := &flushAfterLockedLoad{TokenStore: r.store}
	a, b := r.cs[0].Sessions(store), r.cs[1].Sessions(store)
	require.NoError(t, a.Start(bg, sessionKey, r.login))
	store.armed.Store(true)
	r.clk.Advance(3 * time.Hour)
	tok, err := a.Token(bg, sessionKey)
	require.NoError(t, err)
	require.True(t, store.flushed.Load(), "the store was flushed mid-refresh")
	got, err := b.Token(bg, sessionKey)
	require.NoError(t, err, "the other replica is not told to log in again")
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, 1, r.srv.Count(enduser.OpRefreshToken))
}

// A server (or a proxy's cache) whose Date is years off is not believed:
// expiries stay on the Client's clock, so the token is neither served
// past its expiry nor refreshed on every call.
func TestAServerDateFarOffIsNotBelieved(t *testing.T) {
	t.Parallel()
	for name, off := range map[string]time.Duration{"ten years behind": -10 * 365 * 24 * time.Hour, "two days ahead": 48 * time.Hour} {
		now := time.Now()
		srv := endusertest.NewServer(t, endusertest.WithTokenLifetimes(time.Hour, 24*time.Hour),
			endusertest.WithClock(func() time.Time { return now.Add(off) }))
		c, err := enduser.NewClient(srv.Config(), enduser.WithClock(func() time.Time { return now }))
		require.NoError(t, err)
		tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wechat-mobile", Payload: enduser.WechatPayload{Code: "c"}})
		require.NoError(t, err, name)
		assert.Equal(t, now.Add(time.Hour), tok.Expiry, "%s: expires_in counts from the Client's clock", name)
		ts := c.TokenSource(tok)
		for range 3 {
			got, err := ts.Token(bg)
			require.NoError(t, err, name)
			assert.Same(t, tok, got, name)
		}
		assert.Zero(t, srv.Count(enduser.OpRefreshToken), "%s: no refresh for a live token", name)
	}
}
