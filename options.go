package enduser

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/seed1804ee03/enduser/internal/hostcheck"
)

// Defaults of a Client built without options.
const (
	DefaultTimeout           = 15 * time.Second
	DefaultResponseBodyLimit = 1 << 20 // 1 MiB
	// DefaultRateLimitWait is how long a Client waits on its own for a
	// 429's Retry-After before retrying; see [WithRateLimitWait].
	DefaultRateLimitWait = time.Second
)

// defaultRetry is documented on RetryPolicy.
var defaultRetry = RetryPolicy{MaxAttempts: 3, MinBackoff: 200 * time.Millisecond, MaxBackoff: 5 * time.Second}

// RetryPolicy bounds the retries of a call. Whatever the policy, a request
// that may have reached the server is never sent again: authorization codes
// are single-use and refresh tokens rotate. Only two failures are retried
// for every call: a request that never left this process (a
// [*TransportError] that is not Written: a refused connection, a failed DNS
// lookup, proxy dial or TLS handshake, but not a certificate that does not
// verify, which is no transient fault) and a 429 of either family whose
// wait is within [WithRateLimitWait]. A 503 is retried only for an
// idempotent read ([Client.UserInfo]): a gateway answers 503 after it
// forwarded a request, so for a login it proves nothing. No transport
// replays a request on its own either (the SDK removes Request.GetBody, on
// HTTP/1.1 and HTTP/2, on its transport and on one given by
// WithHTTPClient).
//
// Without WithRetry a Client uses {MaxAttempts: 3, MinBackoff: 200ms,
// MaxBackoff: 5s}: at most two retries, waiting about 200 ms then 400 ms.
// [WithCallRetry] overrides the policy for one call.
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
	clockSet      bool // WithClock given: its clock is taken as the server's (tokensource.go)
	queryParams   bool
	insecureHTTP  bool
	hook          Hook // nil: none
	rateLimitWait time.Duration
	oneTapZone    *time.Location // phone.go
}

func defaultOptions() options {
	return options{
		timeout:       DefaultTimeout,
		retry:         defaultRetry,
		logger:        slog.New(slog.DiscardHandler),
		userAgent:     "enduser-go/" + Version,
		bodyLimit:     DefaultResponseBodyLimit,
		clock:         time.Now,
		rateLimitWait: DefaultRateLimitWait,
		oneTapZone:    time.FixedZone("UTC+8", 8*60*60), // China Standard Time
	}
}

// WithHTTPClient makes the Client send through a copy of hc: its Transport
// (an httpmock transport, a proxy, custom TLS) is used as is. The copy never
// follows redirects and keeps no cookies.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		o.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each call, retries included (default 15 s). The
// caller's context deadline still wins when it is sooner.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("WithTimeout: duration must be positive")
		}
		o.timeout = d
		return nil
	}
}

// WithRetry replaces the default retry policy (see [RetryPolicy]). MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(o *options) error {
		if !p.valid() {
			return errors.New("WithRetry: need MaxAttempts >= 1 and 0 <= MinBackoff <= MaxBackoff")
		}
		o.retry = p
		return nil
	}
}

// WithLogger sends one record per HTTP attempt to l (debug; warn for an
// attempt that is retried). Records name the op, host, status, code,
// attempt, duration and request id, never a credential. By default nothing
// is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil *slog.Logger")
		}
		o.logger = l
		return nil
	}
}

// WithUserAgent replaces the User-Agent header ("enduser-go/<Version>").
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if ua == "" || hostcheck.HasControl(ua) {
			return errors.New("WithUserAgent: empty, or holds a control character")
		}
		o.userAgent = ua
		return nil
	}
}

// WithResponseBodyLimit caps the bytes read from one answer (default 1 MiB).
// A larger answer is ErrUnexpectedResponse.
func WithResponseBodyLimit(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("WithResponseBodyLimit: limit must be positive")
		}
		o.bodyLimit = n
		return nil
	}
}

// WithClock sets the clock used to compute GenAuth expiries and TokenSource
// refresh times (default time.Now). Tests inject a fixed clock.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		o.clock, o.clockSet = now, true
		return nil
	}
}

// WithOneTapTimeZone sets the zone in which [Client.PhoneOneTapLogin]
// writes its systemtime (default UTC+8, China Standard Time, the carrier's
// zone; the carrier's documentation does not name one).
func WithOneTapTimeZone(loc *time.Location) Option {
	return func(o *options) error {
		if loc == nil {
			return errors.New("WithOneTapTimeZone: nil location")
		}
		o.oneTapZone = loc
		return nil
	}
}

// WithQueryParams sends the parameters of v2 POST and PUT calls in the URL
// query, as the official curl examples do, instead of a form body. The form
// body is the default because it keeps credentials and the signature out of
// URLs, proxies and access logs.
func WithQueryParams() Option {
	return func(o *options) error {
		o.queryParams = true
		return nil
	}
}

// WithInsecureHTTP allows plain http:// to a non-loopback host. Loopback
// hosts (localhost, 127.0.0.1, ::1) may always use http.
func WithInsecureHTTP() Option {
	return func(o *options) error {
		o.insecureHTTP = true
		return nil
	}
}

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

// WithHook installs h to observe every call, attempt and token refresh.
// Given more than once, every hook sees everything, in the order given
// (CallStart contexts chain).
func WithHook(h Hook) Option {
	return func(o *options) error {
		if h == nil {
			return errors.New("WithHook: nil Hook")
		}
		switch prev := o.hook.(type) {
		case nil:
			o.hook = h
		case hooks:
			o.hook = append(append(hooks{}, prev...), h)
		default:
			o.hook = hooks{prev, h}
		}
		return nil
	}
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
