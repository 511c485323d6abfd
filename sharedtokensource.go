package enduser

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrTokenStore matches every error a shared [TokenSource] returns because
// its [TokenStore] failed: it could not load, lock or store (the store's
// own error is wrapped too), or the refresh lock was not free within the
// lock ttl plus the Client's timeout. The session is not over: answer the
// request as a temporary failure (for example 503 with Retry-After) and try
// again later. Do not refresh the session some other way meanwhile: another
// replica may be refreshing it, and refresh tokens rotate.
//
// When loading or locking failed, no refresh token was spent. When storing
// the refreshed token failed, it was spent: the new token is kept in this
// process only, the refresh lock stays held (so that no replica refreshes
// with the spent token) and the next Token call stores it again before
// handing it out; once the lock ttl has run out, a replica that still finds
// the old token in the store will try to refresh with it and fail with
// [ErrTokenInvalid], unless this process stored the new one first.
var ErrTokenStore = errors.New("enduser: token store failed")

// WithLockTTL sets how long a shared source may hold a session's refresh
// lock (default twice the Client's timeout). It is how long a replica that
// crashed while refreshing keeps the others waiting. It is raised to the
// Client's timeout plus one second if shorter, so that a refresh ends
// before its lock does.
func WithLockTTL(d time.Duration) TokenSourceOption {
	return func(ts *TokenSource) {
		if d > 0 {
			ts.lockTTL = d
		}
	}
}

// SharedTokenSource returns a TokenSource for the session stored in store
// under key, for services with many replicas: each replica builds its own
// (with its own Client) on one shared store, and one refresh happens per
// expiry across all of them. Store the login's token under key first
// (store.Store); the source reads it from there.
//
// Token hands out the token cached in this process while it is valid for
// longer than the leeway, without asking the store. Past that, it loads the
// store's token (another replica may have refreshed it) and uses it if
// valid. Otherwise it takes the key's refresh lock (see [WithLockTTL]),
// loads again (a replica may have refreshed while it waited), and only if
// the token is still expiring refreshes it, stores the new one (and calls
// the saver, if any), and releases the lock. Callers in this process share
// one such update, as with [Client.TokenSource]; replicas waiting on the
// lock get the stored token without refreshing; a replica that crashed
// holding the lock delays the others by at most the lock ttl. Each store
// operation is bounded by the Client's timeout.
//
// A store that fails makes Token fail with an error matching
// [ErrTokenStore] (see there for what to do); a refresh token is never
// spent without holding the lock. An absent token, or one whose refresh
// token expired or was refused, is an error matching [ErrTokenInvalid]:
// log the user in again and store the new token under key; the source
// picks it up on its next call.
func (c *Client) SharedTokenSource(store TokenStore, key string, opts ...TokenSourceOption) *TokenSource {
	ts := c.newTokenSource(opts)
	ts.shared, ts.store, ts.key = true, store, key
	if ts.lockTTL == 0 {
		ts.lockTTL = 2 * c.opts.timeout
	}
	ts.lockTTL = max(ts.lockTTL, c.opts.timeout+time.Second)
	return ts
}

// updateShared obtains a usable token other than rejected from the store,
// or by refreshing under the key's lock.
func (ts *TokenSource) updateShared(ctx context.Context, rejected string) (*Token, error) {
	if ts.store == nil {
		return nil, &ValidationError{Op: OpRefreshToken, Field: "store", Reason: "is nil"}
	}
	// A replica may have refreshed already.
	st, err := ts.load(ctx)
	if err != nil {
		return nil, err
	}
	if ts.usable(st, rejected) {
		ts.adopt(st)
		return st, nil
	}
	if err := ts.sharedRefreshable(st); err != nil {
		return nil, err
	}

	wctx, cancel := context.WithTimeout(ctx, ts.lockTTL+ts.c.opts.timeout)
	unlock, err := ts.store.Lock(wctx, ts.key, ts.lockTTL)
	cancel()
	if err == nil && unlock == nil {
		err = errors.New("Lock returned no unlock function")
	}
	if err != nil {
		return nil, scrubbedError(fmt.Errorf("%w: taking the refresh lock: %w", ErrTokenStore, err), st, ts.current())
	}
	// The lock, taken just now, lasts until about lockEnd.
	lockEnd := time.Now().Add(ts.lockTTL)
	// Finish well within the lock's ttl, so that no other owner can take it
	// while this one still works.
	ctx, cancel = context.WithDeadline(ctx, lockEnd.Add(-ts.lockTTL/10))
	defer cancel()

	// A replica may have refreshed while this one waited for the lock.
	st, err = ts.load(ctx)
	if err == nil && ts.usable(st, rejected) {
		ts.release(ctx, unlock)
		ts.adopt(st)
		return st, nil
	}
	if err == nil {
		err = ts.sharedRefreshable(st)
	}
	var next *Token
	if err == nil {
		if next, err = ts.refresh(ctx, st); err != nil && maybeSpent(err) {
			ts.retire(ctx, lockEnd, st, unlock)
			return nil, err
		}
	}
	if err != nil {
		ts.release(ctx, unlock)
		return nil, err
	}
	// persist releases the lock once next is stored; on failure the lock
	// stays held (see ErrTokenStore).
	if err := ts.persist(ctx, &pendingSave{prev: st, next: next, unlock: unlock}); err != nil {
		return nil, err
	}
	return next, nil
}

// load reads the store's token under the Client's timeout.
func (ts *TokenSource) load(ctx context.Context) (*Token, error) {
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	st, err := ts.store.Load(ctx, ts.key)
	if err != nil {
		return nil, scrubbedError(fmt.Errorf("%w: loading the token: %w", ErrTokenStore, err), ts.current())
	}
	return st, nil
}

// sharedRefreshable reports why the store's token st cannot be refreshed.
func (ts *TokenSource) sharedRefreshable(st *Token) error {
	if st == nil {
		return &ValidationError{Op: OpRefreshToken, Field: "store", Reason: "holds no token under the key: log in again", Err: ErrTokenInvalid}
	}
	if dead := ts.deadFor(st); dead != nil {
		return dead
	}
	if err := ts.refreshable(st); err != nil {
		ts.setDead(err, st)
		return err
	}
	return nil
}

// deadFor returns why st's session is over, if this source knows it.
func (ts *TokenSource) deadFor(st *Token) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.dead != nil && st.RefreshToken == ts.deadRefresh {
		return ts.dead
	}
	return nil
}

// current returns the token this source hands out, if any.
func (ts *TokenSource) current() *Token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.tok
}

// retire stores st without its refresh token, which a refresh whose answer
// was lost may have spent, so that no replica sends it again: replicas use
// st's access token while it lasts, then fail with [ErrTokenInvalid]. A
// token stored meanwhile with another refresh token (a new login) stays.
// Only then is the lock released; if the store fails, the lock stays held
// until its ttl (lockEnd), after which a replica may still send the
// refresh token.
func (ts *TokenSource) retire(ctx context.Context, lockEnd time.Time, st *Token, unlock func(context.Context) error) {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), lockEnd.Add(-ts.lockTTL/20))
	defer cancel()
	// A login stored meanwhile (it needs no lock) is not overwritten.
	cur, err := ts.store.Load(ctx, ts.key)
	if err != nil {
		return
	}
	if cur != nil && cur.RefreshToken == st.RefreshToken {
		spent := *cur
		spent.RefreshToken, spent.RefreshExpiry = "", time.Time{}
		if ts.store.Store(ctx, ts.key, &spent) != nil {
			return
		}
	}
	ts.release(ctx, unlock)
}

// adopt makes the store's token st the current one.
func (ts *TokenSource) adopt(st *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tok = st
}

// release gives the refresh lock back. Its failure needs no handling: the
// lock's ttl frees it anyway.
func (ts *TokenSource) release(ctx context.Context, unlock func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ts.c.opts.timeout)
	defer cancel()
	_ = unlock(ctx)
}
