package enduser

import (
	"context"
	"time"
)

// Per-call overrides travel in the context: a call's options are its
// context, so every method keeps its signature and a caller can set them
// once in a middleware.

type callOverridesKey struct{}

// callOverrides are the settings of one call that differ from the Client's.
type callOverrides struct {
	retry      RetryPolicy
	hasRetry   bool
	timeout    time.Duration // 0 = the Client's
	hasTimeout bool
}

func overridesOf(ctx context.Context) callOverrides {
	o, _ := ctx.Value(callOverridesKey{}).(callOverrides)
	return o
}

// WithCallRetry returns a context under which calls use p instead of the
// Client's retry policy (see [WithRetry]): e.g. RetryPolicy{MaxAttempts: 1}
// for a call that must not wait at all. An invalid p makes the call fail
// with [ErrInvalidRequest] before anything is sent.
func WithCallRetry(ctx context.Context, p RetryPolicy) context.Context {
	o := overridesOf(ctx)
	o.retry, o.hasRetry = p, true
	return context.WithValue(ctx, callOverridesKey{}, o)
}

// WithCallTimeout returns a context under which each call is bounded by d
// (retries included) instead of the Client's [WithTimeout]; unlike a
// context deadline, it may be longer than the Client's. The context's own
// deadline still wins when sooner. d <= 0 makes the call fail with
// [ErrInvalidRequest] before anything is sent.
func WithCallTimeout(ctx context.Context, d time.Duration) context.Context {
	o := overridesOf(ctx)
	o.timeout, o.hasTimeout = d, true
	return context.WithValue(ctx, callOverridesKey{}, o)
}

// callSettings returns the retry policy and timeout of a call of op, or the
// error for an invalid override.
func (c *Client) callSettings(ctx context.Context, op string) (RetryPolicy, time.Duration, error) {
	p, d := c.opts.retry, c.opts.timeout
	o := overridesOf(ctx)
	if o.hasRetry {
		if !o.retry.valid() {
			return p, d, &ValidationError{Op: op, Field: "WithCallRetry", Reason: "needs MaxAttempts >= 1 and 0 <= MinBackoff <= MaxBackoff"}
		}
		p = o.retry
	}
	if o.hasTimeout {
		if o.timeout <= 0 {
			return p, d, &ValidationError{Op: op, Field: "WithCallTimeout", Reason: "must be positive"}
		}
		d = o.timeout
	}
	return p, d, nil
}

// valid reports whether p is a usable policy.
func (p RetryPolicy) valid() bool {
	return p.MaxAttempts >= 1 && p.MinBackoff >= 0 && p.MaxBackoff >= p.MinBackoff
}
