package endusertest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/seed1804ee03/enduser"
)

// FakeTokenSource stands in for an [*enduser.TokenSource] in unit tests of
// code that needs Token and ForceRefresh, with no server. Declare the
// interface your code needs, e.g.
//
//	type tokens interface {
//		Token(ctx context.Context) (*enduser.Token, error)
//		ForceRefresh(ctx context.Context, rejected *enduser.Token) (*enduser.Token, error)
//	}
//
// and pass a *enduser.TokenSource in production, a FakeTokenSource in
// tests. Token returns the current token. ForceRefresh, given the current
// token, moves to the next queued one, or mints one (the current token with
// "-refreshed-N" appended to its access token and an hour of life);
// given an older token it returns the current one, as the real source does
// after another caller's refresh. A context that has ended is its error.
// Its methods are safe for concurrent use.
type FakeTokenSource struct {
	mu      sync.Mutex
	cur     *enduser.Token
	next    []*enduser.Token
	err     error
	minted  int
	tokens  int
	refresh int
}

// NewFakeTokenSource returns a source whose current token is first, and
// whose ForceRefresh hands out next in order.
func NewFakeTokenSource(first *enduser.Token, next ...*enduser.Token) *FakeTokenSource {
	return &FakeTokenSource{cur: first, next: next}
}

// Token returns the current token, or the error set by Fail.
func (f *FakeTokenSource) Token(ctx context.Context) (*enduser.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	return f.currentLocked()
}

// ForceRefresh returns a token other than rejected (see FakeTokenSource).
func (f *FakeTokenSource) ForceRefresh(ctx context.Context, rejected *enduser.Token) (*enduser.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refresh++
	if _, err := f.currentLocked(); err != nil {
		return nil, err
	}
	if rejected == nil || rejected.AccessToken == f.cur.AccessToken {
		f.advanceLocked()
	}
	return f.currentLocked()
}

// Fail makes every later call return err (nil: succeed again). Use
// enduser.ErrTokenInvalid for a session that is over.
func (f *FakeTokenSource) Fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// Calls returns how many times Token and ForceRefresh were called.
func (f *FakeTokenSource) Calls() (token, forceRefresh int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens, f.refresh
}

func (f *FakeTokenSource) currentLocked() (*enduser.Token, error) {
	switch {
	case f.err != nil:
		return nil, f.err
	case f.cur == nil:
		return nil, fmt.Errorf("endusertest: FakeTokenSource has no token: %w", enduser.ErrTokenInvalid)
	}
	t := *f.cur
	return &t, nil
}

func (f *FakeTokenSource) advanceLocked() {
	if len(f.next) > 0 {
		f.cur, f.next = f.next[0], f.next[1:]
		return
	}
	f.minted++
	t := *f.cur
	t.AccessToken = fmt.Sprintf("%s-refreshed-%d", f.cur.AccessToken, f.minted)
	t.Expiry = time.Now().Add(time.Hour)
	f.cur = &t
}

// FakeSessions stands in for an [*enduser.Sessions] in unit tests of
// handlers: the same methods (Start, Token, ForceRefresh, End), in memory,
// with no store and no server. A session is a FakeTokenSource under its
// key; Token of a key never started, or ended, matches
// enduser.ErrTokenInvalid as the real one does. Its methods are safe for
// concurrent use.
type FakeSessions struct {
	mu       sync.Mutex
	sessions map[string]*FakeTokenSource
	ended    map[string]bool
}

// NewFakeSessions returns an empty FakeSessions.
func NewFakeSessions() *FakeSessions {
	return &FakeSessions{sessions: map[string]*FakeTokenSource{}, ended: map[string]bool{}}
}

// Start stores t under key, replacing an earlier session there.
func (f *FakeSessions) Start(ctx context.Context, key string, t *enduser.Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" || t == nil || t.AccessToken == "" {
		return fmt.Errorf("endusertest: FakeSessions.Start needs a key and a token: %w", enduser.ErrInvalidRequest)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[key] = NewFakeTokenSource(t)
	delete(f.ended, key)
	return nil
}

// Token returns the session's current token.
func (f *FakeSessions) Token(ctx context.Context, key string) (*enduser.Token, error) {
	s, err := f.session(key)
	if err != nil {
		return nil, err
	}
	return s.Token(ctx)
}

// ForceRefresh returns a token of the session other than rejected.
func (f *FakeSessions) ForceRefresh(ctx context.Context, key string, rejected *enduser.Token) (*enduser.Token, error) {
	s, err := f.session(key)
	if err != nil {
		return nil, err
	}
	return s.ForceRefresh(ctx, rejected)
}

// End ends the session under key; an absent session is no error.
func (f *FakeSessions) End(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.sessions[key]; ok {
		f.ended[key] = true
	}
	delete(f.sessions, key)
	return nil
}

// Session returns the FakeTokenSource of the session under key (to queue
// its next tokens, Fail it or count its calls), or nil when there is none.
func (f *FakeSessions) Session(key string) *FakeTokenSource {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[key]
}

// Ended reports whether End ended a session under key (and no Start has
// begun another since).
func (f *FakeSessions) Ended(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ended[key]
}

func (f *FakeSessions) session(key string) (*FakeTokenSource, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[key]
	if !ok {
		return nil, fmt.Errorf("endusertest: no session under this key: %w", enduser.ErrTokenInvalid)
	}
	return s, nil
}
