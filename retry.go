package enduser

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// shouldRetry decides whether the attempt of k that ended with status (0
// without an answer), envelope res and err may be sent again under policy
// p, and how long to wait first. It returns a reason for the log, or "" for
// no retry. Only what the server cannot have processed is retried: a
// request that never left this process (a [*TransportError] that is not
// Written, except a bad certificate, which will not fix itself) and a 429
// of either family whose wait is within the Client's rate-limit wait. A
// 503 is retried only for an idempotent read: gateways answer 503 after
// they forwarded the request, so for a login it is no proof the code was
// not redeemed.
func (c *Client) shouldRetry(ctx context.Context, k *call, p RetryPolicy, attempt, status int, res envelope.Result, err error) (time.Duration, string) {
	if err == nil || attempt >= p.MaxAttempts || ctx.Err() != nil {
		return 0, ""
	}
	var why string
	wait := backoff(p, attempt)
	var te *TransportError
	switch {
	case errors.As(err, &te):
		if !te.retryable() {
			return 0, ""
		}
		why = "connection failed before the request was sent"
	case rateLimited(status, res.Code):
		why = "HTTP 429"
		if status != http.StatusTooManyRequests {
			why = "statusCode 429"
		}
		if hint, ok := RetryAfter(err); ok {
			wait = hint
		}
		if wait > c.opts.rateLimitWait {
			return 0, "" // the caller decides: RetryAfter(err) tells how long
		}
		wait = min(wait, p.MaxBackoff)
	case status == http.StatusServiceUnavailable && k.idempotent:
		why = "HTTP 503"
		if hint := retryAfterOf(err); hint > 0 {
			wait = min(hint, p.MaxBackoff)
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
