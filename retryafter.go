package enduser

import (
	"errors"
	"net/http"
	"time"
)

// DefaultRateLimitWait is how long a Client waits on its own for a 429's
// Retry-After before retrying; see [WithRateLimitWait].
const DefaultRateLimitWait = time.Second

// RetryAfter returns how long the server asked the caller to wait, when err
// is a 429 of either family (an HTTP 429, or an envelope whose code or
// statusCode is 429) that carried a positive Retry-After header. ok is false
// for any other error and for a 429 without a wait.
//
// Under the default policy a Client waits out a Retry-After of up to
// [DefaultRateLimitWait] itself and retries; a longer one is returned at
// once, so that a service can pass it on (e.g. as its own Retry-After)
// instead of holding its handler.
func RetryAfter(err error) (time.Duration, bool) {
	var h interface{ retryAfter() time.Duration }
	if !errors.As(err, &h) || Class(err) != ClassRateLimited {
		return 0, false
	}
	d := h.retryAfter()
	return d, d > 0
}

func (e *APIError) retryAfter() time.Duration { return e.RetryAfter }

func (e *UnexpectedResponseError) retryAfter() time.Duration { return e.RetryAfter }

// rateLimited reports whether an answer with this HTTP status and envelope
// code is a 429: an HTTP 429, or an envelope whose code (v2) or statusCode
// (GenAuth, which answers HTTP 200 for everything) is 429.
func rateLimited(status, code int) bool { return status == 429 || code == 429 }

// WithRateLimitWait sets the longest wait the Client sits out on its own
// before retrying a 429 (default [DefaultRateLimitWait], 1 s): the
// server's Retry-After, or without one the policy's backoff. A 429 asking
// for longer is returned at once, its wait available from [RetryAfter].
// 0 returns every 429 at once.
//
// The default is short on purpose: a login handler that sleeps through a
// 30 s Retry-After holds its goroutine, its connection and its user, who
// has likely given up, while the service could have answered 429 with the
// same hint. One second absorbs a momentary burst limit (per-second
// limiters say "Retry-After: 1") within a login's usual latency budget.
func WithRateLimitWait(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return errors.New("WithRateLimitWait: duration must not be negative")
		}
		o.rateLimitWait = d
		return nil
	}
}

// setRetryAfter records the Retry-After header of resp on err when err is
// a 429 of either family or a 503.
func setRetryAfter(err error, resp *http.Response) {
	if err == nil || Class(err) != ClassRateLimited && resp.StatusCode != http.StatusServiceUnavailable {
		return
	}
	d := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	var ae *APIError
	var ue *UnexpectedResponseError
	switch {
	case errors.As(err, &ae):
		ae.RetryAfter = d
	case errors.As(err, &ue):
		ue.RetryAfter = d
	}
}

// retryAfterOf returns the Retry-After recorded on err, 0 if none.
func retryAfterOf(err error) time.Duration {
	var h interface{ retryAfter() time.Duration }
	if errors.As(err, &h) {
		return h.retryAfter()
	}
	return 0
}
