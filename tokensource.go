package enduser

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultExpiryLeeway is how long before expiry a TokenSource refreshes.
const DefaultExpiryLeeway = time.Minute

// TokenSource hands out a valid token of either family, refreshing it
// shortly before it expires (through [Client.Refresh], which picks the
// family's refresh). It implements [Source]. It is safe for concurrent use:
// when many goroutines ask at once for an expiring token, one refresh runs
// and all of them get its result.
//
// A TokenSource from [Client.TokenSource] keeps the token in this process:
// give each refresh token exactly one of them, since refresh tokens rotate
// and two owners would invalidate each other. Services with many replicas
// use [Client.SharedTokenSource] instead.
//
// Expiry is judged by the Client's clock ([WithClock]).
type TokenSource struct {
	c       *Client
	leeway  time.Duration
	save    func(ctx context.Context, prev, next *Token) error
	shared  bool // from SharedTokenSource: the token lives in store
	store   TokenStore
	key     string
	lockTTL time.Duration

	mu          sync.Mutex
	tok         *Token       // the token handed out while usable
	pending     *pendingSave // a refreshed token whose save failed
	dead        error        // a refresh failed for good: log in again
	deadRefresh string       // the refresh token that failed for good
	inflight    *flight      // the update under way, if any
}

// flight is one update of the token, shared by every caller waiting on it.
type flight struct {
	done     chan struct{}
	rejected string // the access token it was started to replace, if any
	tok      *Token
	err      error
}

// pendingSave is a refreshed token not yet saved. For a shared source, its
// refresh lock stays held (up to its ttl) until the save succeeds.
type pendingSave struct {
	prev, next *Token
	unlock     func(context.Context) error
}

// TokenSourceOption configures a [TokenSource].
type TokenSourceOption func(*TokenSource)

// WithTokenSaver calls save with every token the source obtains by
// refreshing, before handing it out: services persist it there. See
// [WithTokenSwap] for what save sees and when.
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
// compare and swap: replace the stored token only if it is still prev (a
// token stored by someone else means two owners of one session).
//
// What the store sees:
//   - One call per refresh, never two at once, in the order of the refreshes.
//     prev is the source's starting token for the first refresh, then the
//     previous next.
//   - swap runs under the Client's timeout ([WithTimeout]), counted from the
//     start of the refresh: its ctx ends then and swap must return. Callers
//     of Token wait for it (up to their own ctx).
//   - If swap fails, the callers waiting on that refresh get its error, and
//     no caller gets next until a save succeeds: the next call to Token
//     calls swap again with the same prev and next (so swap must accept a
//     repeat), without refreshing again. Until then the stored token is
//     prev, whose refresh token the server no longer accepts.
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

// TokenSource returns a TokenSource that starts from t (a login's token of
// either family) and refreshes it through c.
func (c *Client) TokenSource(t *Token, opts ...TokenSourceOption) *TokenSource {
	ts := c.newTokenSource(opts)
	ts.tok = t
	return ts
}

func (c *Client) newTokenSource(opts []TokenSourceOption) *TokenSource {
	ts := &TokenSource{c: c, leeway: DefaultExpiryLeeway}
	for _, opt := range opts {
		if opt != nil {
			opt(ts)
		}
	}
	return ts
}

// Token returns the current token while it is valid for longer than the
// leeway, and otherwise refreshes it. Only one refresh runs at a time; it
// is not tied to any one caller's context, so a caller that gives up does
// not cancel it for the others (the Client's timeout still bounds it).
//
// A refreshed token is handed out only once saved (see [WithTokenSwap]):
// while a save keeps failing, Token returns the save's error, and each call
// tries the save again without refreshing again.
//
// An error matching [ErrTokenInvalid] means the session is over (the
// refresh token expired or was rejected): log the user in again. It is
// returned without a request once known.
//
// A refresh whose answer was lost (an error of [ClassMaybeProcessed]: the
// connection broke or timed out after the request was written; or a
// gateway's 5xx error page) may have spent the refresh token, which rotates: it is never sent again, and later
// calls fail with an error matching [ErrTokenInvalid]. A shared source
// also stores the session without its refresh token, so that no replica
// sends it either; they use the access token while it lasts. The saver is
// not called: the token it saved last still holds that refresh token, so
// do not start a new source from it; log the user in again.
//
// Errors of the store or the saver never show token material, even when
// theirs quote it; they still unwrap to the original error.
func (ts *TokenSource) Token(ctx context.Context) (*Token, error) {
	return ts.get(ctx, "")
}

// ForceRefresh returns a token other than rejected, which a server refused
// before its expiry (revoked, or replaced by a refresh elsewhere): if
// rejected is still the current token, it is refreshed; if it was already
// replaced, the current token is returned without a request. So any number
// of callers rejecting the same token cause one refresh between them.
// Errors are those of [TokenSource.Token]; a nil or empty rejected token is
// an error matching [ErrTokenRequired], and nothing is sent.
func (ts *TokenSource) ForceRefresh(ctx context.Context, rejected *Token) (*Token, error) {
	if rejected == nil || rejected.AccessToken == "" {
		return nil, &ValidationError{Op: "ForceRefresh", Field: "rejected", Reason: "is empty", Err: ErrTokenRequired}
	}
	return ts.get(ctx, rejected.AccessToken)
}

// get returns a usable token other than rejected ("" for none), joining or
// starting the one update of the token.
func (ts *TokenSource) get(ctx context.Context, rejected string) (*Token, error) {
	for {
		ts.mu.Lock()
		if ts.dead != nil && !ts.shared {
			err := ts.dead
			ts.mu.Unlock()
			return nil, err
		}
		if ts.pending == nil && ts.usable(ts.tok, rejected) {
			t := ts.tok
			ts.mu.Unlock()
			return t, nil
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

// usable reports whether t can be handed out: present, not the rejected
// one, and valid for longer than the leeway by the Client's clock.
func (ts *TokenSource) usable(t *Token, rejected string) bool {
	return t != nil && t.AccessToken != "" && t.AccessToken != rejected &&
		!t.expiredAt(ts.c.opts.clock(), ts.leeway)
}

// fly runs one update and publishes its result to every waiter.
func (ts *TokenSource) fly(ctx context.Context, f *flight) {
	tok, err := ts.update(ctx, f.rejected)
	if err != nil {
		tok = nil
	}
	f.tok, f.err = tok, err
	ts.mu.Lock()
	ts.inflight = nil
	ts.mu.Unlock()
	close(f.done)
}

// update obtains a usable token other than rejected. One runs at a time.
func (ts *TokenSource) update(ctx context.Context, rejected string) (*Token, error) {
	ts.mu.Lock()
	p := ts.pending
	ts.mu.Unlock()
	if p != nil {
		// A refresh succeeded but its save failed: save it before handing it
		// out, and never refresh again meanwhile.
		if err := ts.persist(ctx, p); err != nil {
			return nil, err
		}
		if ts.usable(p.next, rejected) {
			return p.next, nil
		}
	}
	if ts.shared {
		return ts.updateShared(ctx, rejected)
	}
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	ts.mu.Lock()
	cur := ts.tok
	ts.mu.Unlock()
	if err := ts.refreshable(cur); err != nil {
		ts.setDead(err, cur)
		return nil, err
	}
	next, err := ts.refresh(ctx, cur)
	if err != nil {
		return nil, err
	}
	if err := ts.persist(ctx, &pendingSave{prev: cur, next: next}); err != nil {
		return nil, err
	}
	return next, nil
}

// refresh is the one place where a TokenSource spends a refresh token.
func (ts *TokenSource) refresh(ctx context.Context, cur *Token) (*Token, error) {
	start := time.Now()
	next, err := ts.c.Refresh(ctx, cur)
	ts.c.observeRefresh(ctx, cur.Family, start, err) // the Hook's Refresh (hook.go)
	if err != nil {
		switch {
		case errors.Is(err, ErrTokenInvalid) || errors.Is(err, ErrRefreshTokenRequired):
			ts.setDead(err, cur)
		case maybeSpent(err):
			// The server may have rotated the refresh token and the answer
			// was lost: sending it again would spend it twice.
			ts.setDead(spentError(cur), cur)
		}
		return nil, err
	}
	return next, nil
}

// maybeSpent reports whether a failed refresh may have spent the refresh
// token: its answer was lost ([ClassMaybeProcessed]), or a gateway answered
// in the API's place (an HTTP 5xx that is not the API's own error), as
// gateways do after forwarding a request.
func maybeSpent(err error) bool {
	var ure *UnexpectedResponseError
	return Class(err) == ClassMaybeProcessed || errors.As(err, &ure) && ure.HTTPStatus >= 500
}

// spentError is the session end of a refresh token that a refresh whose
// answer was lost may have spent.
func spentError(cur *Token) error {
	op, field := OpRefreshToken, "refreshToken"
	if cur.Family == FamilyGenAuth {
		op, field = OpOIDCToken, "refresh_token"
	}
	return &ValidationError{Op: op, Field: field, Reason: "may have been spent by a refresh whose answer was lost: log in again", Err: ErrTokenInvalid}
}

// refreshable reports why cur cannot be refreshed, by the Client's clock.
func (ts *TokenSource) refreshable(cur *Token) error {
	reason := ""
	switch {
	case cur == nil || cur.RefreshToken == "":
		reason = "is missing"
	case !cur.RefreshExpiry.IsZero() && !ts.c.opts.clock().Before(cur.RefreshExpiry):
		reason = "has expired"
	default:
		return nil
	}
	op, field := OpRefreshToken, "refreshToken"
	if cur != nil && cur.Family == FamilyGenAuth {
		op, field = OpOIDCToken, "refresh_token"
	}
	return &ValidationError{Op: op, Field: field, Reason: reason + ": log in again", Err: ErrTokenInvalid}
}

// setDead records that cur's session is over.
func (ts *TokenSource) setDead(err error, cur *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.dead = err
	ts.deadRefresh = ""
	if cur != nil {
		ts.deadRefresh = cur.RefreshToken
	}
}

// persist saves p.next (to the shared store, then through the saver) under
// the Client's timeout and makes it the current token; on failure p stays
// pending. On success it releases a shared source's refresh lock.
func (ts *TokenSource) persist(ctx context.Context, p *pendingSave) error {
	ctx, cancel := context.WithTimeout(ctx, ts.c.opts.timeout)
	defer cancel()
	var err error
	if ts.shared {
		if serr := ts.store.Store(ctx, ts.key, p.next); serr != nil {
			err = scrubbedError(fmt.Errorf("%w: storing the refreshed token: %w", ErrTokenStore, serr), p.prev, p.next)
		}
	}
	if err == nil && ts.save != nil {
		if serr := ts.save(ctx, p.prev, p.next); serr != nil {
			err = scrubbedError(fmt.Errorf("enduser: saving the refreshed token: %w", serr), p.prev, p.next)
		}
	}
	ts.mu.Lock()
	if err != nil {
		ts.pending = p
	} else {
		ts.pending = nil
		ts.tok = p.next
	}
	ts.mu.Unlock()
	if err == nil && p.unlock != nil {
		ts.release(ctx, p.unlock)
	}
	return err
}

// tokenStoreError is an error of a store or a saver, whose text may quote
// the tokens it was given: its text has every token of the session
// scrubbed. It unwraps to the original error, for errors.Is and errors.As.
type tokenStoreError struct {
	msg string
	err error
}

func (e *tokenStoreError) Error() string { return e.msg }
func (e *tokenStoreError) Unwrap() error { return e.err }

// scrubbedError returns err with the material of toks scrubbed from its
// text.
func scrubbedError(err error, toks ...*Token) error {
	var sc scrubber
	for _, t := range toks {
		if t != nil {
			sc.add(t.AccessToken, t.RefreshToken, t.IDToken)
		}
	}
	return &tokenStoreError{msg: sc.scrub(err.Error(), 0), err: err}
}
