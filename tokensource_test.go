package enduser_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// fakeClock is a settable clock shared by a client and the emulator.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

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
func sessionFixture(t *testing.T, opts ...enduser.TokenSourceOption) (*endusertest.Server, *enduser.Client, *fakeClock, *enduser.TokenSource, *enduser.Token) {
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

func TestTokenSourceSaverError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk full")
	srv, _, clk, ts, _ := sessionFixture(t, enduser.WithTokenSaver(func(context.Context, *enduser.Token) error { return boom }))
	clk.Advance(3 * time.Hour)
	_, err := ts.Token(bg)
	assert.ErrorIs(t, err, boom)
	tok, err := ts.Token(bg)
	require.NoError(t, err, "the refreshed token is kept")
	assert.True(t, tok.Expiry.After(clk.Now()))
	assert.Equal(t, 1, srv.Count("refreshToken"))
}
