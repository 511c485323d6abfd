package enduser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed1804ee03/enduser/internal/retrying"
)

// DefaultExpiryLeeway is how long before expiry a TokenSource refreshes.
const DefaultExpiryLeeway = time.Minute

// Source hands out a token to send: *[TokenSource] implements it, and
// [StaticTokenSource] for tests. It is the context-aware form of
// golang.org/x/oauth2's TokenSource.
type Source interface {
	// Token returns a token valid for a call now, or why there is none.
	Token(ctx context.Context) (*Token, error)
}

// StaticTokenSource returns a Source that always returns t and never
// refreshes it. If t is nil, Token fails with an error matching
// [ErrTokenRequired].
func StaticTokenSource(t *Token) Source { return staticSource{t} }

type staticSource struct{ t *Token }

// Token returns the fixed token.
func (s staticSource) Token(context.Context) (*Token, error) {
	if s.t == nil {
		return nil, &ValidationError{Op: "StaticTokenSource", Field: "token", Reason: "is nil", Err: ErrTokenRequired}
	}
	return s.t, nil
}

// ErrTokenStore matches every error that a shared [TokenSource] or
// [Sessions] returns because the [TokenStore] failed, or because the
// refresh lock was not free within its ttl plus the Client's timeout. Such
// errors are [ClassTemporary]; their text is the SDK's (the store's error,
// which may quote a key, is only in the Unwrap chain). The session is not
// over: answer 503 and retry later.
//
// No refresh token is spent without the lock. When storing a refreshed
// token fails, the caller still gets it; the lock stays held and the write
// is retried in the background until shortly before the lock's ttl ends,
// so that peers read the rotated token once the store is back (if it stays
// down longer, a peer may refresh with the spent token).
var ErrTokenStore = errors.New("enduser: token store failed")

// storeError is a failure of the TokenStore, in the SDK's words.
type storeError struct {
	what string
	err  error
}

func (e *storeError) Error() string          { return "enduser: token store failed: " + e.what }
func (e *storeError) Unwrap() []error        { return []error{ErrTokenStore, e.err} }
func (e *storeError) errorClass() ErrorClass { return ClassTemporary }

// saveError is a failure of the caller's saver, in the SDK's words.
type saveError struct{ err error }

func (e *saveError) Error() string { return "enduser: saving the refreshed token failed" }
func (e *saveError) Unwrap() error { return e.err }

// TokenSource hands out a valid token of either family, refreshing it
// shortly before it expires (through [Client.Refresh]). It implements
// [Source] and is safe for concurrent use. A TokenSource from
// [Client.TokenSource] keeps the token in this process (give each refresh
// token one owner: refresh tokens rotate); [Client.SharedTokenSource] and
// [Sessions] keep it in a [TokenStore] shared by replicas. Printed, it
// shows neither a token nor its store key.
//
// Its core is x/oauth2's reuseTokenSource with single flight: a lock-free
// read of the token while it is fresh, else one update at a time, whose
// strategy is local (refresh) or shared (load, lock, load, refresh, store).
// Invariants of the fields below mu (guarded by mu; hot written under it):
//   - tok is the token updates start from (possibly expired). hot, when
//     not nil, holds tok until its expiry less the leeway or, for a shared
//     source, the end of the staleness bound; nil while pending or dead.
//   - pending is a refreshed token the saver has not saved: an update saves
//     it first and never refreshes meanwhile; saving is closed when the
//     save under way (which may outlive its caller) returns.
//   - dead ends the session: for good for a local source; for a shared one
//     while the store still holds its refresh token deadRefresh.
//   - inflight is the one update under way; callers needing one wait on it.
//     It runs detached from any caller's context, bounded by the Client's
//     timeout and the lock's ttl.
type TokenSource struct {
	c       *Client
	how     strategy
	leeway  time.Duration
	save    func(ctx context.Context, prev, next *Token) error
	lockTTL time.Duration
	stale   time.Duration // a shared token unconfirmed for longer is loaded again; 0: never, < 0: always

	hot atomic.Pointer[cached]

	mu          sync.Mutex
	tok         *Token
	pending     *pendingSave
	saving      chan struct{}
	dead        error
	deadRefresh string
	inflight    *flight
}

type cached struct {
	tok   *Token
	until time.Time     // by the Client's clock
	skew  time.Duration // the server's clock minus the Client's when until was set
}

// flight is one update, shared by every caller waiting on it.
type flight struct {
	done     chan struct{}
	rejected string // the access token it was started to replace, if any
	tok      *Token
	err      error
}

type pendingSave struct {
	prev, next *Token
	tried      bool // a save of it started (under mu)
}

// strategy is how an update obtains a token other than rejected from cur.
type strategy interface {
	update(ctx context.Context, ts *TokenSource, cur *Token, rejected string) (*Token, error)
}

// TokenSourceOption configures a [TokenSource].
type TokenSourceOption func(*TokenSource)

// WithTokenSaver calls save with every token the source obtains by
// refreshing, before handing it out. See [WithTokenSwap].
func WithTokenSaver(save func(ctx context.Context, t *Token) error) TokenSourceOption {
	return func(ts *TokenSource) {
		ts.save = nil
		if save != nil {
			ts.save = func(ctx context.Context, _, next *Token) error { return save(ctx, next) }
		}
	}
}

// WithTokenSwap calls swap with the token a refresh replaced (prev) and the
// one it obtained (next), before next is handed out, so that a store can
// compare and swap.
//   - One call at a time, in the order of the refreshes; prev is the
//     source's starting token for the first refresh, then the previous next.
//   - swap runs under the Client's timeout ([WithTimeout]). Callers wait at
//     most that long, even for a swap that ignores its ctx: they then get an
//     error matching [context.DeadlineExceeded].
//   - Until a swap succeeds no caller gets next and nothing is refreshed:
//     the next update waits for a swap still running and hands next out if
//     it succeeded, or calls swap again with the same prev and next (swap
//     must accept a repeat).
//
// The last of WithTokenSaver and WithTokenSwap given wins.
func WithTokenSwap(swap func(ctx context.Context, prev, next *Token) error) TokenSourceOption {
	return func(ts *TokenSource) { ts.save = swap }
}

// WithExpiryLeeway sets how long before its expiry a token is refreshed
// (default [DefaultExpiryLeeway]).
func WithExpiryLeeway(d time.Duration) TokenSourceOption {
	return func(ts *TokenSource) {
		if d >= 0 {
			ts.leeway = d
		}
	}
}

// WithLockTTL sets how long a shared source may hold a session's refresh
// lock (default twice the Client's timeout): how long a replica that
// crashed while refreshing keeps the others waiting. It is raised to the
// Client's timeout plus one second if shorter.
func WithLockTTL(d time.Duration) TokenSourceOption {
	return func(ts *TokenSource) {
		if d > 0 {
			ts.lockTTL = d
		}
	}
}

// TokenSource returns a TokenSource that starts from t (a login's token of
// either family) and refreshes it through c.
func (c *Client) TokenSource(t *Token, opts ...TokenSourceOption) *TokenSource {
	ts := c.newTokenSource(local{}, opts)
	ts.setTok(t)
	return ts
}

// SharedTokenSource returns a TokenSource for the one session stored in
// store under key (store the login's token there first), for a CLI or a
// job on many replicas; a service with many users uses [Client.Sessions].
//
// Token hands out the token cached in this process while it is valid past
// the leeway. Past that it loads the store's token (a replica may have
// refreshed it); if that is expiring too, it takes the key's refresh lock
// ([WithLockTTL]), loads again, and only then refreshes, stores the new
// token (and calls the saver) and releases the lock. A refresh starts only
// while half of the lock's ttl remains, counted from before Lock was
// called, and ends before the ttl does. An absent token, or one whose
// refresh token expired or was refused, matches [ErrTokenInvalid].
func (c *Client) SharedTokenSource(store TokenStore, key string, opts ...TokenSourceOption) *TokenSource {
	return c.newTokenSource(shared{store, key}, opts)
}

func (c *Client) newTokenSource(how strategy, opts []TokenSourceOption) *TokenSource {
	ts := &TokenSource{c: c, how: how, leeway: DefaultExpiryLeeway}
	for _, opt := range opts {
		if opt != nil {
			opt(ts)
		}
	}
	if ts.lockTTL == 0 {
		ts.lockTTL = 2 * c.opts.timeout
	}
	ts.lockTTL = max(ts.lockTTL, c.opts.timeout+time.Second)
	return ts
}

// Token returns the current token while it is valid for longer than the
// leeway, and otherwise updates it. A caller that gives up does not cancel
// the update for the others.
//
// An error matching [ErrTokenInvalid] means the session is over: log the
// user in again. A refresh whose answer was lost ([ClassMaybeProcessed], or
// a gateway's 5xx page) may have spent the refresh token, which rotates: it
// is never sent again (a shared source stores the session without it) and
// later calls match [ErrTokenInvalid].
func (ts *TokenSource) Token(ctx context.Context) (*Token, error) {
	return ts.get(ctx, "")
}

// ForceRefresh returns a token other than rejected, which a server refused
// before its expiry: if rejected is still current it is refreshed, else the
// current token is returned without a request, so any number of callers
// rejecting one token cause one refresh. A nil or empty rejected token is
// an error matching [ErrTokenRequired], and nothing is sent.
func (ts *TokenSource) ForceRefresh(ctx context.Context, rejected *Token) (*Token, error) {
	if rejected == nil || rejected.AccessToken == "" {
		return nil, &ValidationError{Op: "ForceRefresh", Field: "rejected", Reason: "is empty", Err: ErrTokenRequired}
	}
	return ts.get(ctx, rejected.AccessToken)
}

// get returns a usable token other than rejected ("" for none): the hot one
// without a lock, else the result of the one update.
func (ts *TokenSource) get(ctx context.Context, rejected string) (*Token, error) {
	if t := ts.fresh(rejected); t != nil {
		return t, nil
	}
	for {
		ts.mu.Lock()
		if t := ts.fresh(rejected); t != nil {
			ts.mu.Unlock()
			return t, nil
		}
		if _, isLocal := ts.how.(local); ts.dead != nil && isLocal {
			err := ts.dead
			ts.mu.Unlock()
			return nil, err
		}
		f := ts.inflight
		if f == nil {
			f = &flight{done: make(chan struct{}), rejected: rejected}
			ts.inflight = f
			go ts.fly(context.WithoutCancel(ctx), f)
		}
		ts.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil {
			return nil, f.err
		}
		// A flight started for another reason may have kept the token this
		// caller saw rejected: then start one for it.
		if f.rejected == rejected || f.tok.AccessToken != rejected {
			return f.tok, nil
		}
	}
}

// fresh returns the hot token if it may be handed out instead of rejected
// (and the server's clock has not been learned anew since it was set).
func (ts *TokenSource) fresh(rejected string) *Token {
	if h := ts.hot.Load(); h != nil && ts.c.opts.clock().Before(h.until) && h.tok.AccessToken != rejected &&
		h.skew == ts.c.opts.server.Skew() {
		return h.tok
	}
	return nil
}

// usable reports whether t can be handed out now instead of rejected.
func (ts *TokenSource) usable(t *Token, rejected string) bool {
	return t != nil && t.AccessToken != "" && t.AccessToken != rejected && !t.expiredAt(ts.c.serverNow(), ts.leeway)
}

// fly runs one update and publishes its result to every waiter.
func (ts *TokenSource) fly(ctx context.Context, f *flight) {
	f.tok, f.err = ts.update(ctx, f.rejected)
	if f.err != nil {
		f.tok = nil
	}
	ts.mu.Lock()
	ts.inflight = nil
	ts.mu.Unlock()
	close(f.done)
}

// update obtains a usable token other than rejected; one runs at a time.
func (ts *TokenSource) update(ctx context.Context, rejected string) (*Token, error) {
	ts.mu.Lock()
	p, cur, hot := ts.pending, ts.tok, ts.fresh(rejected)
	ts.mu.Unlock()
	if p == nil && hot != nil { // a save finished since the caller looked
		return hot, nil
	}
	if p != nil {
		if err := ts.persist(ctx, p); err != nil {
			return nil, err
		}
		if ts.usable(p.next, rejected) {
			return p.next, nil
		}
		cur = p.next
	}
	return ts.how.update(ctx, ts, cur, rejected)
}

// local refreshes the token held in this process.
type local struct{}

func (local) update(ctx context.Context, ts *TokenSource, cur *Token, _ string) (*Token, error) {
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	if err := ts.refreshable(cur); err != nil {
		return nil, err
	}
	next, err := ts.refresh(ctx, cur)
	if err != nil {
		return nil, err
	}
	return next, ts.persist(ctx, &pendingSave{prev: cur, next: next})
}

// shared keeps the token in a store under key, one refresh per expiry
// across every replica.
type shared struct {
	store TokenStore
	key   string
}

func (s shared) update(ctx context.Context, ts *TokenSource, _ *Token, rejected string) (*Token, error) {
	if s.store == nil {
		return nil, &ValidationError{Op: OpRefreshToken, Field: "store", Reason: "is nil"}
	}
	st, err := s.load(ctx, ts)
	if err != nil || ts.usable(st, rejected) {
		return ts.adopt(st, err)
	}
	// Until the Client has heard from the server its clock may be ahead:
	// one refresh at a time, each judged again by what the last one taught.
	release, err := ts.c.opts.server.Wait(ctx, ts.lockTTL+ts.c.opts.timeout)
	if err != nil {
		return nil, &storeError{"waiting for the server's first answer", err}
	}
	defer release()
	if ts.usable(st, rejected) {
		return ts.adopt(st, nil)
	}
	if err := ts.sharedRefreshable(st); err != nil {
		return nil, err
	}
	// The lock's time is taken before Lock is called: its answer may come
	// late, and the ttl runs from the store's grant. A Lock that waited for
	// another owner (or answered late) leaves too little of that time to
	// refresh within it: the token is loaded again (a peer may have
	// refreshed) and, if it still needs a refresh, the lock is taken anew.
	var lockEnd time.Time
	var unlock func(context.Context) error
	for attempt := 0; ; attempt++ {
		lockEnd = time.Now().Add(ts.lockTTL)
		if unlock, err = ts.c.lock(ctx, s.store, s.key, ts.lockTTL); err != nil {
			return nil, err
		}
		if st, err = s.load(ctx, ts); err == nil && ts.usable(st, rejected) {
			ts.release(ctx, unlock)
			return ts.adopt(st, nil)
		} else if err == nil {
			err = ts.sharedRefreshable(st)
		}
		if err == nil && time.Until(lockEnd) >= ts.lockTTL/2 {
			break
		}
		ts.release(ctx, unlock)
		if err == nil && attempt == 2 {
			err = &storeError{"the store answered too late to refresh within the lock", context.DeadlineExceeded}
		}
		if err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithDeadline(ctx, lockEnd.Add(-ts.lockTTL/10))
	defer cancel()
	next, err := ts.refresh(ctx, st)
	if err != nil && (maybeSpent(err) || errors.Is(err, ErrTokenInvalid)) {
		// Take a possibly spent refresh token, or one the server rejects (a
		// replica killed after the server rotated it, before its store
		// write), out of the store (a login stored meanwhile stays), so that
		// no replica sends it again.
		spent := *st
		spent.RefreshToken, spent.RefreshExpiry = "", time.Time{}
		s.write(ctx, ts, lockEnd, unlock, &spent, st.RefreshToken)
		return nil, err
	}
	if err != nil {
		ts.release(ctx, unlock)
		return nil, err
	}
	// The new token is stored under the lock whatever the store now holds
	// (a FLUSHALL meanwhile does not end the session).
	s.write(ctx, ts, lockEnd, unlock, next, "")
	return next, ts.persist(ctx, &pendingSave{prev: st, next: next})
}

// write stores t (with ifRefresh set: only over a stored token with that
// refresh token) and releases the lock. If the store fails, the lock stays
// held, so that no peer spends the rotated refresh token, and the write is
// retried in the background with backoff until shortly before the lock
// ends (its ttl then frees it).
func (s shared) write(ctx context.Context, ts *TokenSource, lockEnd time.Time, unlock func(context.Context) error, t *Token, ifRefresh string) {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), lockEnd.Add(-ts.lockTTL/20))
	put := func() bool { return s.put(ctx, ts, t, ifRefresh) }
	if put() {
		ts.release(ctx, unlock)
		cancel()
		return
	}
	go func() {
		defer cancel()
		if retrying.Until(ctx, put) {
			ts.release(ctx, unlock)
		}
	}()
}

// lock takes key's refresh lock in store, waiting for it up to its ttl
// plus the Client's timeout.
func (c *Client) lock(ctx context.Context, store TokenStore, key string, ttl time.Duration) (func(context.Context) error, error) {
	ctx, cancel := context.WithTimeout(ctx, ttl+c.opts.timeout)
	defer cancel()
	unlock, err := store.Lock(ctx, key, ttl)
	if err == nil && unlock == nil {
		err = errors.New("Lock returned no unlock function")
	}
	if err != nil {
		return nil, &storeError{"taking the session's lock", err}
	}
	return unlock, nil
}

// put makes one attempt of write, under the Client's timeout.
func (s shared) put(ctx context.Context, ts *TokenSource, t *Token, ifRefresh string) bool {
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	if ifRefresh != "" {
		cur, err := s.store.Load(ctx, s.key)
		if err != nil || cur == nil || cur.RefreshToken != ifRefresh {
			return err == nil
		}
	}
	return s.store.Store(ctx, s.key, t) == nil
}

// load reads the store's token under the Client's timeout.
func (s shared) load(ctx context.Context, ts *TokenSource) (*Token, error) {
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	st, err := s.store.Load(ctx, s.key)
	if err != nil {
		return nil, &storeError{"loading the token", err}
	}
	return st, nil
}

// refresh is the one place where a TokenSource spends a refresh token.
func (ts *TokenSource) refresh(ctx context.Context, cur *Token) (*Token, error) {
	start := time.Now()
	next, err := ts.c.Refresh(ctx, cur)
	ts.c.observeRefresh(ctx, cur.Family, start, err) // the Hook's Refresh (hook.go)
	switch {
	case err == nil:
		return next, nil
	case errors.Is(err, ErrTokenInvalid) || errors.Is(err, ErrRefreshTokenRequired):
		ts.setDead(err, cur)
	case maybeSpent(err):
		ts.setDead(sessionEnd(cur, "may have been spent by a refresh whose answer was lost"), cur)
	}
	return nil, err
}

// maybeSpent reports whether a failed refresh may have spent the refresh
// token: its answer was lost, or a gateway answered an HTTP 5xx.
func maybeSpent(err error) bool {
	var ure *UnexpectedResponseError
	return Class(err) == ClassMaybeProcessed || errors.As(err, &ure) && ure.HTTPStatus >= 500
}

// sessionEnd is the error of a session whose refresh token is unusable.
func sessionEnd(cur *Token, reason string) error {
	op, field := OpRefreshToken, "refreshToken"
	if cur != nil && cur.Family == FamilyGenAuth {
		op, field = OpOIDCToken, "refresh_token"
	}
	return &ValidationError{Op: op, Field: field, Reason: reason + ": log in again", Err: ErrTokenInvalid}
}

// refreshable reports why cur cannot be refreshed, by the server's clock,
// and then ends the session.
func (ts *TokenSource) refreshable(cur *Token) error {
	var err error
	switch {
	case cur == nil || cur.RefreshToken == "":
		err = sessionEnd(cur, "is missing")
	case !cur.RefreshExpiry.IsZero() && !ts.c.serverNow().Before(cur.RefreshExpiry):
		err = sessionEnd(cur, "has expired")
	default:
		return nil
	}
	ts.setDead(err, cur)
	return err
}

// sharedRefreshable reports why the store's token st cannot be refreshed.
func (ts *TokenSource) sharedRefreshable(st *Token) error {
	if st == nil {
		ts.hot.Store(nil)
		return &ValidationError{Op: OpRefreshToken, Field: "store", Reason: "holds no token under the key: log in again", Err: ErrTokenInvalid}
	}
	ts.mu.Lock()
	dead := ts.dead
	if st.RefreshToken != ts.deadRefresh {
		dead = nil
	}
	ts.mu.Unlock()
	if dead != nil {
		return dead
	}
	return ts.refreshable(st)
}

// setDead records that cur's session is over.
func (ts *TokenSource) setDead(err error, cur *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.dead, ts.deadRefresh = err, ""
	if cur != nil {
		ts.deadRefresh = cur.RefreshToken
	}
	ts.hot.Store(nil)
}

// setTok makes t the current token, confirmed now.
func (ts *TokenSource) setTok(t *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.publish(t)
}

// publish makes t current and hot (under mu).
func (ts *TokenSource) publish(t *Token) {
	ts.tok, ts.pending = t, nil
	ts.hot.Store(nil)
	if t == nil || t.AccessToken == "" || ts.dead != nil && t.RefreshToken == ts.deadRefresh {
		return
	}
	ts.dead = nil
	now, skew := ts.c.opts.clock(), ts.c.opts.server.Skew()
	until := now.AddDate(100, 0, 0)
	if !t.Expiry.IsZero() {
		until = t.Expiry.Add(-ts.leeway - skew)
	}
	if bound := now.Add(max(ts.stale, 0)); ts.stale != 0 && bound.Before(until) {
		until = bound
	}
	ts.hot.Store(&cached{t, until, skew})
}

// adopt makes the store's token st current (when err is nil).
func (ts *TokenSource) adopt(st *Token, err error) (*Token, error) {
	if err != nil {
		return nil, err
	}
	ts.setTok(st)
	return st, nil
}

// persist calls the saver with p under the Client's timeout, waiting first
// for a save still running, and makes p.next current; on failure p stays
// pending and nothing is handed out.
func (ts *TokenSource) persist(ctx context.Context, p *pendingSave) error {
	if ts.save == nil {
		ts.setTok(p.next)
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	ts.mu.Lock()
	running := ts.saving
	ts.mu.Unlock()
	if running != nil {
		select { // a save that ignored its ctx
		case <-running:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ts.mu.Lock()
	if ts.pending != p && p.tried {
		ts.mu.Unlock()
		return nil // an earlier save of p succeeded
	}
	p.tried, ts.pending, ts.saving = true, p, make(chan struct{})
	ts.hot.Store(nil)
	done := ts.saving
	ts.mu.Unlock()
	errc := make(chan error, 1)
	go func() {
		err := ts.save(ctx, p.prev, p.next)
		ts.mu.Lock()
		if err == nil && ts.pending == p {
			ts.publish(p.next)
		}
		ts.saving = nil
		ts.mu.Unlock()
		close(done)
		errc <- err
	}()
	select {
	case err := <-errc:
		if err != nil {
			return &saveError{err}
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives the refresh lock back; its failure needs no handling, as
// the lock's ttl frees it anyway.
func (ts *TokenSource) release(ctx context.Context, unlock func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ts.c.opts.timeout)
	defer cancel()
	_ = unlock(ctx)
}

// String describes the token source by how it was built (local or shared,
// its leeway), never a token or the store key. It takes no lock.
func (ts *TokenSource) String() string {
	if ts == nil {
		return "<nil>"
	}
	_, isShared := ts.how.(shared)
	return "enduser.TokenSource{Shared:" + strconv.FormatBool(isShared) + " Leeway:" + ts.leeway.String() + " Client:" + ts.c.String() + "}"
}

// Format prints String for every verb and flag.
func (ts *TokenSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(ts.String())) }

// LogValue logs the token source like String.
func (ts *TokenSource) LogValue() slog.Value {
	if ts == nil {
		return slog.Value{}
	}
	_, isShared := ts.how.(shared)
	return slog.GroupValue(slog.Bool("shared", isShared), slog.Duration("leeway", ts.leeway), slog.Any("client", ts.c))
}
