package enduser

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/seed1804ee03/enduser/internal/hostcheck"
	"github.com/seed1804ee03/enduser/internal/srvclock"
)

// Defaults of a Client built without options.
const (
	DefaultTimeout           = 15 * time.Second
	DefaultResponseBodyLimit = 1 << 20 // 1 MiB
	// DefaultRateLimitWait is how long a Client waits on its own for a
	// 429's Retry-After before retrying; see [WithRateLimitWait].
	DefaultRateLimitWait = time.Second
)

// RetryPolicy bounds the retries of a call. Whatever the policy, a request
// the server may have seen is never sent again (codes are single-use,
// refresh tokens rotate): only a request that never left the process (a
// [*TransportError] not Written, other than a certificate that does not
// verify) and a 429 within [WithRateLimitWait] are retried, and a 503 only
// for an idempotent read ([Client.UserInfo]). SECURITY.md has the details.
//
// The default is {MaxAttempts: 3, MinBackoff: 200ms, MaxBackoff: 5s}: at
// most two retries, after about 200 ms and 400 ms. [WithCallRetry]
// overrides the policy for one call.
type RetryPolicy struct {
	MaxAttempts int           // total tries including the first; 1 = no retry
	MinBackoff  time.Duration // first wait; doubles with jitter up to MaxBackoff
	MaxBackoff  time.Duration // also caps a server's Retry-After
}

// Option configures a [Client] in [NewClient].
type Option func(*options) error

type options struct {
	httpClient    *http.Client
	timeout       time.Duration
	retry         RetryPolicy
	logger        *slog.Logger
	userAgent     string
	bodyLimit     int64
	clock         func() time.Time
	server        *srvclock.Clock // the server's, learned from every answer's Date (call.go)
	queryParams   bool
	insecureHTTP  bool
	hook          Hook // nil: none
	rateLimitWait time.Duration
	oneTapZone    *time.Location // phone.go
}

func defaultOptions() options {
	return options{
		timeout:       DefaultTimeout,
		retry:         RetryPolicy{MaxAttempts: 3, MinBackoff: 200 * time.Millisecond, MaxBackoff: 5 * time.Second},
		logger:        slog.New(slog.DiscardHandler),
		userAgent:     "enduser-go/" + Version,
		bodyLimit:     DefaultResponseBodyLimit,
		clock:         time.Now,
		server:        srvclock.New(),
		rateLimitWait: DefaultRateLimitWait,
		oneTapZone:    time.FixedZone("UTC+8", 8*60*60), // China Standard Time
	}
}

// option is the body of most options: apply when the argument is ok, else
// the error bad.
func option(ok bool, bad string, apply func(*options)) Option {
	return func(o *options) error {
		if !ok {
			return errors.New(bad)
		}
		apply(o)
		return nil
	}
}

// WithHTTPClient makes the Client send through a copy of hc: its Transport
// (an httpmock transport, a proxy, custom TLS) is used as is. The copy never
// follows redirects and keeps no cookies.
func WithHTTPClient(hc *http.Client) Option {
	return option(hc != nil, "WithHTTPClient: nil *http.Client", func(o *options) { o.httpClient = hc })
}

// WithTimeout bounds each call, retries included (default 15 s). The
// caller's context deadline still wins when it is sooner.
func WithTimeout(d time.Duration) Option {
	return option(d > 0, "WithTimeout: duration must be positive", func(o *options) { o.timeout = d })
}

// WithRetry replaces the default retry policy (see [RetryPolicy]). MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option {
	return option(p.valid(), "WithRetry: need MaxAttempts >= 1 and 0 <= MinBackoff <= MaxBackoff",
		func(o *options) { o.retry = p })
}

// WithLogger sends one record per HTTP attempt to l (debug; warn for an
// attempt that is retried), naming the op, host, status, code, attempt,
// duration and request id, never a credential. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return option(l != nil, "WithLogger: nil *slog.Logger", func(o *options) { o.logger = l })
}

// WithUserAgent replaces the User-Agent header ("enduser-go/<Version>").
func WithUserAgent(ua string) Option {
	return option(ua != "" && !hostcheck.HasControl(ua), "WithUserAgent: empty, or holds a control character",
		func(o *options) { o.userAgent = ua })
}

// WithResponseBodyLimit caps the bytes read from one answer (default 1 MiB).
// A larger answer is ErrUnexpectedResponse.
func WithResponseBodyLimit(n int64) Option {
	return option(n > 0, "WithResponseBodyLimit: limit must be positive", func(o *options) { o.bodyLimit = n })
}

// WithClock sets the Client's clock, this machine's (default time.Now).
// Token expiries are instants of the server's clock: the Client learns how
// far its clock is off from the Date header of every answer (differences
// under two seconds are noise, over a day not believed), dates GenAuth
// lifetimes with it and judges every expiry against it, so a token shared
// through a store means the same on every replica. Tests inject a settable
// clock; an answer without a Date (httpmock, the emulator without its own
// WithClock) leaves this clock alone in charge.
func WithClock(now func() time.Time) Option {
	return option(now != nil, "WithClock: nil clock", func(o *options) { o.clock = now })
}

// WithOneTapTimeZone sets the zone in which [Client.PhoneOneTapLogin]
// writes its systemtime (default UTC+8, China Standard Time, the carrier's
// zone; the carrier's documentation does not name one).
func WithOneTapTimeZone(loc *time.Location) Option {
	return option(loc != nil, "WithOneTapTimeZone: nil location", func(o *options) { o.oneTapZone = loc })
}

// WithQueryParams sends the parameters of v2 POST and PUT calls in the URL
// query, as the official curl examples do, instead of the default form
// body, which keeps credentials out of URLs, proxies and access logs.
func WithQueryParams() Option {
	return option(true, "", func(o *options) { o.queryParams = true })
}

// WithInsecureHTTP allows plain http:// to a non-loopback host. Loopback
// hosts (localhost, 127.0.0.1, ::1) may always use http.
func WithInsecureHTTP() Option {
	return option(true, "", func(o *options) { o.insecureHTTP = true })
}

// WithRateLimitWait sets the longest wait (the server's Retry-After, else
// the backoff) the Client sits out itself before retrying a 429 (default
// [DefaultRateLimitWait]). A 429 asking for longer, or any with 0, is
// returned at once, with its wait in [RetryAfter] for the caller to pass on.
func WithRateLimitWait(d time.Duration) Option {
	return option(d >= 0, "WithRateLimitWait: duration must not be negative", func(o *options) { o.rateLimitWait = d })
}

// WithHook installs h to observe every call, attempt and token refresh.
// Given more than once, every hook sees everything, in the order given
// (CallStart contexts chain).
func WithHook(h Hook) Option {
	return option(h != nil, "WithHook: nil Hook", func(o *options) {
		if o.hook == nil {
			o.hook = h
		} else {
			o.hook = hooks{o.hook, h}
		}
	})
}

// WithCallRetry returns a context under which calls use p instead of the
// Client's [RetryPolicy] (e.g. {MaxAttempts: 1} for a call that must not
// wait). An invalid p fails the call with [ErrInvalidRequest], unsent.
func WithCallRetry(ctx context.Context, p RetryPolicy) context.Context {
	o := overridesOf(ctx)
	o.retry = &p
	return context.WithValue(ctx, callOverridesKey{}, o)
}

// WithCallTimeout returns a context under which each call is bounded by d
// (retries included) instead of [WithTimeout], longer or shorter; the
// context's own deadline still wins when sooner. d <= 0 makes the call
// fail with [ErrInvalidRequest] before anything is sent.
func WithCallTimeout(ctx context.Context, d time.Duration) context.Context {
	o := overridesOf(ctx)
	o.timeout = &d
	return context.WithValue(ctx, callOverridesKey{}, o)
}
