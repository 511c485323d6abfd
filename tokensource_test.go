package enduser_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// newFakeClock is a settable clock shared by a client and the emulator.
func newFakeClock() *endusertest.Clock { return endusertest.NewClock(time.Unix(1_800_000_000, 0)) }

// tokensConcurrently asks ts for a token from n goroutines at once.
func tokensConcurrently(ts *enduser.TokenSource, n int) ([]*enduser.Token, []error) {
	var wg sync.WaitGroup
	toks := make([]*enduser.Token, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = ts.Token(bg)
		}()
	}
	wg.Wait()
	return toks, errs
}

// sessionFixture logs in against a fresh emulator sharing a fake clock.
func sessionFixture(t *testing.T, opts ...enduser.TokenSourceOption) (*endusertest.Server, *enduser.Client, *endusertest.Clock, *enduser.TokenSource, *enduser.Token) {
	t.Helper()
	clk := newFakeClock()
	srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)
	ts := c.TokenSource(tok, opts...)
	return srv, c, clk, ts, tok
}

func TestTokenSourceReturnsValidTokenWithoutRequest(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, tok := sessionFixture(t)
	clk.Advance(time.Hour)
	got, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Same(t, tok, got)
	assert.Equal(t, 0, srv.Count("refreshToken"))
}

func TestTokenSourceRefreshesNearExpiry(t *testing.T) {
	t.Parallel()
	var saved []*enduser.Token
	srv, c, clk, ts, tok := sessionFixture(t, enduser.WithTokenSaver(func(_ context.Context, t *enduser.Token) error {
		saved = append(saved, t)
		return nil
	}))
	clk.Advance(2*time.Hour - 30*time.Second) // inside the default one-minute leeway
	got, err := ts.Token(bg)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, clk.Now().Add(2*time.Hour).Unix(), got.Expiry.Unix())
	assert.Equal(t, 1, srv.Count("refreshToken"))
	assert.Equal(t, []*enduser.Token{got}, saved, "the saver sees every new token")

	again, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Same(t, got, again)
	assert.Equal(t, 1, srv.Count("refreshToken"))

	_, err = c.UserInfo(bg, got)
	assert.NoError(t, err, "the refreshed token is accepted by later calls")
}

func TestTokenSourceOneRefreshForManyCallers(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	clk.Advance(3 * time.Hour)

	const n = 64
	toks, errs := tokensConcurrently(ts, n)
	for i := range n {
		require.NoError(t, errs[i])
		assert.Same(t, toks[0], toks[i])
	}
	assert.Equal(t, 1, srv.Count("refreshToken"), "exactly one refresh request reached the server")
}

func TestTokenSourceRefreshFailureReachesEveryWaiter(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	srv.Inject("refreshToken", endusertest.FailCode(5000).After(300*time.Millisecond))
	clk.Advance(3 * time.Hour)

	_, errs := tokensConcurrently(ts, 16)
	assert.Equal(t, 1, srv.Count("refreshToken"))
	for _, err := range errs {
		assert.ErrorIs(t, err, enduser.ErrServiceException)
	}

	tok, err := ts.Token(bg)
	require.NoError(t, err, "a passing failure does not end the session: the next call refreshes")
	assert.True(t, tok.Expiry.After(clk.Now()))
	assert.Equal(t, 2, srv.Count("refreshToken"))
}

func TestTokenSourceErrorIsSharedByWaiters(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	srv.Inject("refreshToken", endusertest.FailCode(5032))
	clk.Advance(3 * time.Hour)

	_, errs := tokensConcurrently(ts, 16)
	for _, err := range errs {
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	}
	assert.Equal(t, 1, srv.Count("refreshToken"), "a rejected refresh token is not tried again")
}

func TestTokenSourceExpiredRefreshTokenSendsNothing(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	clk.Advance(31 * 24 * time.Hour)
	_, err := ts.Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "log in again")
	assert.Equal(t, 0, srv.Count("refreshToken"))
}

func TestTokenSourceWaiterCancellationDoesNotCancelRefresh(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	srv.Inject("refreshToken", endusertest.Delay(100*time.Millisecond))
	clk.Advance(3 * time.Hour)

	ctx, cancel := context.WithCancel(bg)
	first := make(chan error, 1)
	go func() {
		_, err := ts.Token(ctx)
		first <- err
	}()
	require.Eventually(t, func() bool { return srv.Count("refreshToken") == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-first, context.Canceled)

	tok, err := ts.Token(bg)
	require.NoError(t, err, "the refresh went on for the others")
	assert.True(t, tok.Expiry.After(clk.Now()))
	assert.Equal(t, 1, srv.Count("refreshToken"))
}

func TestTokenSourceSaverErrorIsRetriedBeforeHandingOut(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk full")
	var mu sync.Mutex
	var calls []*enduser.Token
	fail := 2
	srv, _, clk, ts, _ := sessionFixture(t, enduser.WithTokenSaver(func(_ context.Context, t *enduser.Token) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, t)
		if fail > 0 {
			fail--
			return boom
		}
		return nil
	}))
	clk.Advance(3 * time.Hour)
	_, err := ts.Token(bg)
	assert.ErrorIs(t, err, boom)
	_, err = ts.Token(bg)
	assert.ErrorIs(t, err, boom, "an unsaved token is not handed out")
	tok, err := ts.Token(bg)
	require.NoError(t, err, "the save succeeded on the third try")
	assert.True(t, tok.Expiry.After(clk.Now()))
	assert.Equal(t, 1, srv.Count("refreshToken"), "saving again never refreshes again")
	require.Len(t, calls, 3)
	for _, c := range calls {
		assert.Same(t, tok, c, "every try saves the one refreshed token")
	}
	again, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Same(t, tok, again)
	assert.Len(t, calls, 3, "a saved token is not saved again")
}

// TestTokenSourceSaverUnderClientTimeout is issue 12's saver test: a saver
// that waits for its context to end cannot hold Token past the client's
// timeout, and the next call hands out the refreshed token without a second
// refresh.
func TestTokenSourceSaverUnderClientTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	clk := newFakeClock()
	srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now), enduser.WithTimeout(timeout))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	first, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "apple-id-token"})
	require.NoError(t, err)

	type save struct {
		prev, next  *enduser.Token
		hasDeadline bool
		budget      time.Duration
	}
	var mu sync.Mutex
	var saves []save
	block := true
	ts := c.TokenSource(first, enduser.WithTokenSwap(func(ctx context.Context, prev, next *enduser.Token) error {
		d, ok := ctx.Deadline()
		mu.Lock()
		saves = append(saves, save{prev, next, ok, time.Until(d)})
		b := block
		block = false
		mu.Unlock()
		if b {
			<-ctx.Done() // a store that hangs until it is told to stop
			return ctx.Err()
		}
		return nil
	}))
	clk.Advance(3 * time.Hour)

	start := time.Now()
	_, err = ts.Token(bg) // the caller's context has no deadline
	elapsed := time.Since(start)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, elapsed, timeout+3*time.Second, "Token returned at the client's timeout")
	assert.Equal(t, 1, srv.Count("refreshToken"))

	tok, err := ts.Token(bg)
	require.NoError(t, err, "the next call saves the refreshed token again and hands it out")
	assert.Equal(t, 1, srv.Count("refreshToken"), "without a second refresh")
	assert.True(t, tok.Expiry.After(clk.Now()))
	_, err = c.UserInfo(bg, tok)
	require.NoError(t, err, "and it is the live token")

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, saves, 2)
	for _, s := range saves {
		assert.True(t, s.hasDeadline, "the saver runs under a deadline")
		assert.LessOrEqual(t, s.budget, timeout, "at most the client's timeout")
		assert.Same(t, first, s.prev, "the saver sees the token the refresh replaced")
		assert.Same(t, tok, s.next)
	}
}

func TestTokenSourceSwapSeesEachPreviousToken(t *testing.T) {
	t.Parallel()
	var pairs [][2]*enduser.Token
	_, _, clk, ts, first := sessionFixture(t, enduser.WithTokenSwap(func(_ context.Context, prev, next *enduser.Token) error {
		pairs = append(pairs, [2]*enduser.Token{prev, next})
		return nil
	}))
	clk.Advance(3 * time.Hour)
	second, err := ts.Token(bg)
	require.NoError(t, err)
	clk.Advance(3 * time.Hour)
	third, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Equal(t, [][2]*enduser.Token{{first, second}, {second, third}}, pairs)
}

func TestTokenSourceOneSaveRetryForManyCallers(t *testing.T) {
	t.Parallel()
	var saves atomic.Int32
	srv, _, clk, ts, _ := sessionFixture(t, enduser.WithTokenSaver(func(context.Context, *enduser.Token) error {
		if saves.Add(1) == 1 {
			return errors.New("store down")
		}
		time.Sleep(20 * time.Millisecond) // let the callers pile up on it
		return nil
	}))
	clk.Advance(3 * time.Hour)
	_, err := ts.Token(bg)
	require.Error(t, err)

	toks, errs := tokensConcurrently(ts, 64)
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Same(t, toks[0], toks[i])
	}
	assert.Equal(t, int32(2), saves.Load(), "64 callers share one retried save")
	assert.Equal(t, 1, srv.Count("refreshToken"))
}

func TestTokenSourceForceRefreshOnceForManyCallers(t *testing.T) {
	t.Parallel()
	srv, c, _, ts, rejected := sessionFixture(t)

	const n = 64
	var wg sync.WaitGroup
	toks := make([]*enduser.Token, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%4 == 0 { // some callers just want a token meanwhile
				toks[i], errs[i] = ts.Token(bg)
				return
			}
			toks[i], errs[i] = ts.ForceRefresh(bg, rejected)
		}()
	}
	wg.Wait()
	var fresh *enduser.Token
	for i := range n {
		require.NoError(t, errs[i])
		if i%4 != 0 {
			assert.NotEqual(t, rejected.AccessToken, toks[i].AccessToken, "a forced refresh never returns the rejected token")
			if fresh == nil {
				fresh = toks[i]
			}
			assert.Same(t, fresh, toks[i])
		}
	}
	assert.Equal(t, 1, srv.Count("refreshToken"), "64 callers rejecting one token: one refresh")

	again, err := ts.ForceRefresh(bg, rejected)
	require.NoError(t, err)
	assert.Same(t, fresh, again, "a token already replaced is not refreshed again")
	assert.Equal(t, 1, srv.Count("refreshToken"))
	_, err = c.UserInfo(bg, again)
	require.NoError(t, err)

	next, err := ts.ForceRefresh(bg, fresh)
	require.NoError(t, err)
	assert.NotEqual(t, fresh.AccessToken, next.AccessToken, "rejecting the current token refreshes it")
	assert.Equal(t, 2, srv.Count("refreshToken"))
}

func TestTokenSourceForceRefreshNeedsAToken(t *testing.T) {
	t.Parallel()
	srv, _, _, ts, _ := sessionFixture(t)
	for _, rejected := range []*enduser.Token{nil, {}} {
		_, err := ts.ForceRefresh(bg, rejected)
		assert.ErrorIs(t, err, enduser.ErrTokenRequired)
		assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
	}
	assert.Equal(t, 0, srv.Count("refreshToken"))
}

func TestTokenSourceForceRefreshAfterSessionEnd(t *testing.T) {
	t.Parallel()
	srv, _, _, ts, tok := sessionFixture(t)
	srv.Inject("refreshToken", endusertest.FailCode(5032))
	_, err := ts.ForceRefresh(bg, tok)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	_, err = ts.Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the session is over for Token too")
	assert.Equal(t, 1, srv.Count("refreshToken"))
}

func TestTokenSourceUsesTheClientClock(t *testing.T) {
	t.Parallel()
	// The token expires in an hour by the client's clock, which is far from
	// the real time: only the client's clock decides.
	clk := newFakeClock()
	srv := endusertest.NewServer(t, endusertest.WithClock(clk.Now))
	c, err := enduser.NewClient(srv.Config(), enduser.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "x"})
	require.NoError(t, err)
	ts := c.TokenSource(tok, enduser.WithExpiryLeeway(0))
	clk.Advance(2*time.Hour - time.Second)
	got, err := ts.Token(bg)
	require.NoError(t, err)
	assert.Same(t, tok, got, "valid for one more second by the client's clock")
	clk.Advance(time.Second)
	got, err = ts.Token(bg)
	require.NoError(t, err)
	assert.NotSame(t, tok, got, "expired by the client's clock")
	assert.Equal(t, 1, srv.Count("refreshToken"))
}

// genAuthOIDC is a GenAuth token endpoint with rotating refresh tokens: it
// answers each refresh token once (invalid_grant afterwards) and counts
// the refreshes.
type genAuthOIDC struct {
	mu       sync.Mutex
	current  string // the one refresh token it accepts
	n        int
	requests atomic.Int32
	others   atomic.Int32 // requests to anything but /oidc/token
	url      string
}

// client returns a new GenAuth-only Client of the endpoint.
func (g *genAuthOIDC) client(t *testing.T, clk *endusertest.Clock) *enduser.Client {
	t.Helper()
	c, err := enduser.NewClient(enduser.Config{GenAuth: enduser.GenAuthConfig{
		Host: g.url, AppID: testAppID, AppSecret: testAppSecret, AuthMethod: enduser.AuthClientSecretPost,
	}}, enduser.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func newGenAuthOIDC(t *testing.T, clk *endusertest.Clock) (*enduser.Client, *genAuthOIDC) {
	t.Helper()
	g := &genAuthOIDC{current: "GA-RT-0"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", clk.Now().UTC().Format(http.TimeFormat)) // the server's clock is the test's
		if r.Method != http.MethodPost || r.URL.Path != "/oidc/token" {
			g.others.Add(1)
			http.NotFound(w, r)
			return
		}
		g.requests.Add(1)
		_ = r.ParseForm()
		time.Sleep(20 * time.Millisecond) // long enough for every caller to pile up
		w.Header().Set("Content-Type", "application/json")
		g.mu.Lock()
		defer g.mu.Unlock()
		if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != g.current {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token used or unknown"}`)
			return
		}
		g.n++
		g.current = fmt.Sprintf("GA-RT-%d", g.n)
		_, _ = fmt.Fprintf(w, `{"access_token":"GA-AT-%d","refresh_token":%q,"expires_in":3600,"token_type":"Bearer","id_token":"h.p.s","scope":"openid offline_access"}`, g.n, g.current)
	}))
	t.Cleanup(srv.Close)
	g.url = srv.URL
	c := g.client(t, clk)
	return c, g
}

func genAuthSession(clk *endusertest.Clock) *enduser.Token {
	return &enduser.Token{
		Family: enduser.FamilyGenAuth, AccessToken: "GA-AT-0", TokenType: "Bearer", RefreshToken: "GA-RT-0",
		Expiry: clk.Now().Add(time.Hour), IDToken: "h.p.s", Scope: "openid offline_access",
	}
}

func TestGenAuthTokenSourceOneRefreshForManyCallers(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	c, g := newGenAuthOIDC(t, clk)
	var saved atomic.Int32
	ts := c.TokenSource(genAuthSession(clk), enduser.WithTokenSaver(func(context.Context, *enduser.Token) error { saved.Add(1); return nil }))
	clk.Advance(2 * time.Hour) // expired

	toks, errs := tokensConcurrently(ts, 64)
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Same(t, toks[0], toks[i])
	}
	assert.Equal(t, int32(1), g.requests.Load(), "64 callers, one GenAuth refresh")
	assert.Equal(t, int32(1), saved.Load())
	assert.Equal(t, "GA-AT-1", toks[0].AccessToken)
	assert.Equal(t, "GA-RT-1", toks[0].RefreshToken)
	assert.Equal(t, enduser.FamilyGenAuth, toks[0].Family)
	assert.Equal(t, clk.Now().Add(time.Hour), toks[0].Expiry, "expiry by the client's clock")
	assert.Zero(t, g.others.Load())
}

func TestGenAuthTokenSourceForcedRefreshOnceForManyCallers(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	c, g := newGenAuthOIDC(t, clk)
	first := genAuthSession(clk) // valid for an hour, but the server refused it
	ts := c.TokenSource(first)

	var wg sync.WaitGroup
	toks := make([]*enduser.Token, 64)
	errs := make([]error, 64)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = ts.ForceRefresh(bg, &enduser.Token{AccessToken: first.AccessToken}) // a copy works too
		}()
	}
	wg.Wait()
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Same(t, toks[0], toks[i])
	}
	assert.Equal(t, "GA-AT-1", toks[0].AccessToken)
	assert.Equal(t, int32(1), g.requests.Load(), "64 callers rejecting one token: one GenAuth refresh")
}

func TestGenAuthTokenSourceInvalidGrantEndsSession(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	c, g := newGenAuthOIDC(t, clk)
	tok := genAuthSession(clk)
	tok.RefreshToken = "GA-RT-spent"
	ts := c.TokenSource(tok)
	clk.Advance(2 * time.Hour)
	_, errs := tokensConcurrently(ts, 16)
	for _, err := range errs {
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	}
	_, err := ts.Token(bg)
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, int32(1), g.requests.Load(), "a refused refresh token is not sent again")
}

func TestGenAuthSharedTokenSourceOneRefreshAcrossReplicas(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	c1, g := newGenAuthOIDC(t, clk)
	c2 := g.client(t, clk)
	store := enduser.NewMemoryStore()
	require.NoError(t, store.Store(bg, "ga", genAuthSession(clk)))
	srcs := []*enduser.TokenSource{c1.SharedTokenSource(store, "ga"), c2.SharedTokenSource(store, "ga")}
	clk.Advance(2 * time.Hour)

	toks, errs := everyone(srcs, 32, func(ts *enduser.TokenSource) (*enduser.Token, error) { return ts.Token(bg) })
	for i := range toks {
		require.NoError(t, errs[i])
		assert.Equal(t, "GA-AT-1", toks[i].AccessToken)
	}
	assert.Equal(t, int32(1), g.requests.Load())
	stored, err := store.Load(bg, "ga")
	require.NoError(t, err)
	assert.Equal(t, "GA-RT-1", stored.RefreshToken)
}

// A refresh whose answer was lost (the server rotated the refresh token,
// then the connection dropped) may have spent the refresh token: the
// source never sends it again, to any number of callers.
func TestTokenSourceNeverResendsARefreshThatMayHaveBeenProcessed(t *testing.T) {
	t.Parallel()
	srv, _, clk, ts, _ := sessionFixture(t)
	clk.Advance(3 * time.Hour)
	require.NoError(t, srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop()))

	_, errs := tokensConcurrently(ts, 64)
	for _, err := range errs {
		// The refresh's own error, or (for a caller that came after it) the
		// session's end.
		require.Error(t, err)
		assert.Contains(t, []enduser.ErrorClass{enduser.ClassMaybeProcessed, enduser.ClassReLogin}, enduser.Class(err), "%v", err)
	}
	require.Equal(t, 1, srv.Count(enduser.OpRefreshToken))

	_, errs = tokensConcurrently(ts, 64)
	for _, err := range errs {
		assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token may be spent: log in again")
	}
	_, err := ts.ForceRefresh(bg, &enduser.Token{AccessToken: "Bearer whatever"})
	assert.ErrorIs(t, err, enduser.ErrTokenInvalid)
	assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken), "the possibly spent refresh token is never sent again")
}

// saverEcho is a saver that quotes what it was given in its error, as a
// careless one does.
func saverEcho(_ context.Context, prev, next *enduser.Token) error {
	return fmt.Errorf("cannot save %s %s %s (was %s %s)", next.AccessToken, next.RefreshToken, next.IDToken, prev.AccessToken, prev.RefreshToken)
}

func TestTokenSourceSaverErrorNeverShowsTokens(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	c, _ := newGenAuthOIDC(t, clk)
	start := genAuthSession(clk)
	ts := c.TokenSource(start, enduser.WithTokenSwap(saverEcho))
	clk.Advance(2 * time.Hour)

	_, err := ts.Token(bg)
	require.Error(t, err)
	text := fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err)
	for _, v := range []string{"GA-AT-0", "GA-RT-0", "GA-AT-1", "GA-RT-1", "h.p.s"} {
		assert.NotContains(t, text, v, "no token material in the saver's error")
	}
	assert.NotContains(t, text, "cannot save", "the error's text is the SDK's own")
	require.Error(t, errors.Unwrap(err))
	assert.Contains(t, errors.Unwrap(err).Error(), "cannot save", "the saver's own error stays in the chain")
}

// A gateway's error page to a refresh (502, 503, 504: the gateway may have
// forwarded it, and the API rotated the refresh token) is a lost answer
// too: the source does not resend the refresh token. An error the API
// itself answered did not rotate it: the next call tries again.
func TestTokenSourceGatewayErrorToARefreshIsNotResent(t *testing.T) {
	t.Parallel()
	for _, status := range []int{502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv, _, clk, ts, _ := sessionFixture(t)
			clk.Advance(3 * time.Hour)
			require.NoError(t, srv.Inject(enduser.OpRefreshToken, endusertest.GatewayHTML(status)))
			_, err := ts.Token(bg)
			require.Error(t, err)
			_, err = ts.Token(bg)
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "the refresh token may be spent: log in again")
			assert.Equal(t, 1, srv.Count(enduser.OpRefreshToken), "never sent again")
		})
	}
	t.Run("the API's own error", func(t *testing.T) {
		t.Parallel()
		srv, _, clk, ts, _ := sessionFixture(t)
		clk.Advance(3 * time.Hour)
		require.NoError(t, srv.Inject(enduser.OpRefreshToken, endusertest.FailCode(5000)))
		_, err := ts.Token(bg)
		require.Error(t, err)
		tok, err := ts.Token(bg)
		require.NoError(t, err, "the API answered: it did not rotate the refresh token")
		assert.NotEmpty(t, tok.AccessToken)
		assert.Equal(t, 2, srv.Count(enduser.OpRefreshToken))
	})
}
