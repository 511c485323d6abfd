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

// TokenSource hands out a valid v2 token, refreshing it shortly before it
// expires. It is safe for concurrent use: when many goroutines ask at once
// for an expiring token, one refresh runs and all of them get its result.
//
// Give each refresh token exactly one TokenSource: v2 refresh tokens rotate,
// so two owners would invalidate each other.
type TokenSource struct {
	c      *Client
	leeway time.Duration
	save   func(ctx context.Context, t *Token) error

	mu       sync.Mutex
	tok      *Token
	dead     error          // a refresh failed for good: log in again
	inflight *refreshResult // the refresh under way, if any
}

type refreshResult struct {
	done chan struct{}
	tok  *Token
	err  error
}

// TokenSourceOption configures a [TokenSource].
type TokenSourceOption func(*TokenSource)

// WithTokenSaver calls save with every token the source obtains by
// refreshing, before handing it out: services persist it there. If save
// fails, the callers waiting on that refresh get its error; the new token is
// kept and handed out on the next call.
func WithTokenSaver(save func(ctx context.Context, t *Token) error) TokenSourceOption {
	return func(ts *TokenSource) { ts.save = save }
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

// TokenSource returns a TokenSource that starts from t (a v2 login's token)
// and refreshes it through c.
func (c *Client) TokenSource(t *Token, opts ...TokenSourceOption) *TokenSource {
	ts := &TokenSource{c: c, tok: t, leeway: DefaultExpiryLeeway}
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
// An error matching [ErrTokenInvalid] means the session is over (the
// refresh token expired or was rejected): log the user in again. It is
// returned without a request once known.
func (ts *TokenSource) Token(ctx context.Context) (*Token, error) {
	ts.mu.Lock()
	now := ts.c.opts.clock()
	switch {
	case ts.dead != nil:
		ts.mu.Unlock()
		return nil, ts.dead
	case ts.tok != nil && ts.tok.AccessToken != "" && !ts.tok.expiredAt(now, ts.leeway):
		t := ts.tok
		ts.mu.Unlock()
		return t, nil
	}
	rr := ts.inflight
	if rr == nil {
		if err := ts.refreshable(now); err != nil {
			ts.dead = err
			ts.mu.Unlock()
			return nil, err
		}
		rr = &refreshResult{done: make(chan struct{})}
		ts.inflight = rr
		go ts.refresh(context.WithoutCancel(ctx), ts.tok.RefreshToken, rr)
	}
	ts.mu.Unlock()

	select {
	case <-rr.done:
		return rr.tok, rr.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// refreshable reports, with ts.mu held, why the token cannot be refreshed.
func (ts *TokenSource) refreshable(now time.Time) error {
	reason := ""
	switch {
	case ts.tok == nil || ts.tok.RefreshToken == "":
		reason = "is missing"
	case !ts.tok.RefreshExpiry.IsZero() && !now.Before(ts.tok.RefreshExpiry):
		reason = "has expired"
	default:
		return nil
	}
	return &ValidationError{Op: refreshTokenEndpoint.name, Field: "refreshToken", Reason: reason + ": log in again", Err: ErrTokenInvalid}
}

// refresh runs one refresh and publishes its result to every waiter.
func (ts *TokenSource) refresh(ctx context.Context, refreshToken string, rr *refreshResult) {
	tok, err := ts.c.RefreshToken(ctx, refreshToken)
	if err == nil && ts.save != nil {
		if serr := ts.save(ctx, tok); serr != nil {
			err = fmt.Errorf("enduser: saving the refreshed token: %w", serr)
		}
	}
	ts.mu.Lock()
	if tok != nil {
		ts.tok = tok
	}
	if errors.Is(err, ErrTokenInvalid) || errors.Is(err, ErrRefreshTokenRequired) {
		ts.dead = err
	}
	ts.inflight = nil
	ts.mu.Unlock()
	if err != nil {
		tok = nil
	}
	rr.tok, rr.err = tok, err
	close(rr.done)
}
