package enduser

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// shouldRetry decides whether the attempt that produced resp or err may be
// sent again, and how long to wait first. It returns a reason for the log,
// or "" for no retry. Only what the server cannot have processed is
// retried: a request that never left this process (a failed dial) and an
// answer of 429. A 503 is retried only for an idempotent read: gateways
// answer 503 after they forwarded the request, so for a login it is no
// proof the code was not redeemed.
func (c *Client) shouldRetry(ctx context.Context, k *call, attempt int, resp *http.Response, err error) (time.Duration, string) {
	p := c.opts.retry
	if attempt >= p.MaxAttempts || ctx.Err() != nil {
		return 0, ""
	}
	var why string
	var hint time.Duration
	switch {
	case err != nil:
		if !notSent(err) {
			return 0, ""
		}
		why = "connection failed before the request was sent"
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable && k.idempotent:
		why = "HTTP " + strconv.Itoa(resp.StatusCode)
		hint = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	default:
		return 0, ""
	}
	wait := backoff(p, attempt)
	if hint > 0 {
		wait = min(hint, p.MaxBackoff)
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= wait {
		return 0, "" // the wait would outlive the call: answer now
	}
	return wait, why
}

// notSent reports whether err is a failure to connect (including DNS and a
// proxy's dial): it happens before the first byte of the request is
// written, so the request cannot have reached the server. Everything else,
// a TLS failure, a reset, a timeout, an unknown error from a custom
// transport, is treated as possibly seen.
func notSent(err error) bool {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return false
	}
	var dns *net.DNSError
	return !errors.As(err, &dns) || !dns.IsNotFound
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
