package enduser

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// shouldRetry decides whether the attempt of k that came to o may be sent
// again under policy p (the rules are RetryPolicy's), and how long to wait
// first. It returns a reason for the log, or "" for no retry. A 503 is no
// proof a login's code was not redeemed: gateways answer it after
// forwarding, so only an idempotent read retries it.
func (c *Client) shouldRetry(ctx context.Context, k *call, p RetryPolicy, attempt int, o outcome) (time.Duration, string) {
	if o.err == nil || attempt >= p.MaxAttempts || ctx.Err() != nil {
		return 0, ""
	}
	var why string
	wait := backoff(p, attempt)
	var te *TransportError
	switch {
	case errors.As(o.err, &te):
		if !te.retryable() {
			return 0, ""
		}
		why = "connection failed before the request was sent"
	case o.class == ClassRateLimited:
		why = "HTTP 429"
		if o.status != http.StatusTooManyRequests {
			why = "statusCode 429"
		}
		if o.retryAfter > 0 {
			wait = o.retryAfter
		}
		if wait > c.opts.rateLimitWait {
			return 0, "" // the caller decides: RetryAfter(err) tells how long
		}
		wait = min(wait, p.MaxBackoff)
	case o.status == http.StatusServiceUnavailable && k.idempotent:
		why = "HTTP 503"
		if o.retryAfter > 0 {
			wait = min(o.retryAfter, p.MaxBackoff)
		}
	default:
		return 0, ""
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= wait {
		return 0, "" // the wait would outlive the call: answer now
	}
	return wait, why
}

// backoff returns the jittered exponential wait before attempt+1: between
// half and all of MinBackoff·2^(attempt-1), capped at MaxBackoff.
func backoff(p RetryPolicy, attempt int) time.Duration {
	d := p.MinBackoff << min(attempt-1, 30)
	if d > p.MaxBackoff || d < 0 {
		d = p.MaxBackoff
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1) //nolint:gosec // G404: jitter needs no cryptographic randomness
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RetryAfter returns how long the server asked the caller to wait, when err
// is a 429 of either family (an HTTP 429, or an envelope whose code or
// statusCode is 429) with a positive Retry-After header; ok is false
// otherwise. A Client waits out up to [WithRateLimitWait] itself; a longer
// wait is returned at once, for a service to pass on as its own Retry-After.
func RetryAfter(err error) (time.Duration, bool) {
	var d time.Duration
	var ae *APIError
	var ue *UnexpectedResponseError
	switch {
	case errors.As(err, &ae):
		d = ae.RetryAfter
	case errors.As(err, &ue):
		d = ue.RetryAfter
	}
	return d, d > 0 && Class(err) == ClassRateLimited
}

// rateLimited reports whether an answer is a 429: an HTTP 429, or an
// envelope whose code (v2) or statusCode (GenAuth answers HTTP 200) is 429.
// It is the one test; [ErrRateLimited] and [ClassRateLimited] read it.
func rateLimited(status, code int) bool { return status == 429 || code == 429 }

// retryAfterOf returns the Retry-After of resp, an answer whose envelope
// code is code, when it is a 429 of either family or a 503; 0 otherwise.
func retryAfterOf(resp *http.Response, code int) time.Duration {
	if !rateLimited(resp.StatusCode, code) && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(min(s, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

type callOverridesKey struct{}

// callOverrides are the settings of one call that differ from the Client's.
// They travel in the context, so every method keeps its signature and a
// middleware can set them once.
type callOverrides struct {
	retry   *RetryPolicy
	timeout *time.Duration
}

func overridesOf(ctx context.Context) callOverrides {
	o, _ := ctx.Value(callOverridesKey{}).(callOverrides)
	return o
}

// callSettings returns the retry policy and timeout of a call of op, or the
// error for an invalid override.
func (c *Client) callSettings(ctx context.Context, op string) (RetryPolicy, time.Duration, error) {
	p, d := c.opts.retry, c.opts.timeout
	o := overridesOf(ctx)
	if o.retry != nil {
		if !o.retry.valid() {
			return p, d, &ValidationError{Op: op, Field: "WithCallRetry", Reason: "needs MaxAttempts >= 1 and 0 <= MinBackoff <= MaxBackoff"}
		}
		p = *o.retry
	}
	if o.timeout != nil {
		if *o.timeout <= 0 {
			return p, d, &ValidationError{Op: op, Field: "WithCallTimeout", Reason: "must be positive"}
		}
		d = *o.timeout
	}
	return p, d, nil
}

// valid reports whether p is a usable policy.
func (p RetryPolicy) valid() bool {
	return p.MaxAttempts >= 1 && p.MinBackoff >= 0 && p.MaxBackoff >= p.MinBackoff
}
