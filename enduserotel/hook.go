// Package enduserotel traces and measures the calls of an
// [enduser.Client] with OpenTelemetry. It is its own module, so that users
// of the SDK who do not want OpenTelemetry never download it.
//
//	hook, err := enduserotel.NewHook() // the global providers, or WithTracerProvider / WithMeterProvider
//	client, err := enduser.NewClient(cfg, enduser.WithHook(hook))
//
// Each call becomes one client span named after its op (e.g.
// "appleAuthLogin") with one "attempt" event per HTTP attempt and the
// semantic-convention attributes http.request.method, server.address,
// server.port, http.response.status_code, http.request.resend_count and,
// on failure, error.type (the [enduser.ErrorClass], e.g. "rate_limited").
// Three instruments are recorded:
//
//   - enduser.call.duration (histogram, s): each call, by enduser.op,
//     enduser.family and enduser.class ("none" on success);
//   - enduser.call.retries (counter): each retried attempt, by op, family
//     and the class of the failure that was retried;
//   - enduser.token.refreshes (counter): each TokenSource refresh, by
//     family and class.
//
// Nothing recorded comes from a request or a response body: no credential,
// token, signature or server message can reach a span or a metric. Error
// texts are not recorded either, only classes and codes.
package enduserotel

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/seed1804ee03/enduser"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/seed1804ee03/enduser/enduserotel"

// Attribute keys of this package beside the semantic conventions.
const (
	OpKey       = attribute.Key("enduser.op")       // the endpoint, e.g. "appleAuthLogin"
	FamilyKey   = attribute.Key("enduser.family")   // "v2" or "genauth"
	ClassKey    = attribute.Key("enduser.class")    // the ErrorClass, "none" on success
	CodeKey     = attribute.Key("enduser.code")     // the envelope's code or statusCode
	APICodeKey  = attribute.Key("enduser.api_code") // GenAuth apiCode
	AttemptKey  = attribute.Key("enduser.attempt")  // 1 for the first try
	AttemptsKey = attribute.Key("enduser.attempts") // attempts of a call
	RetryKey    = attribute.Key("enduser.retry")    // another attempt follows
	WaitKey     = attribute.Key("enduser.wait_ms")  // the wait before it
	DurationKey = attribute.Key("enduser.duration_ms")
)

// Option configures [NewHook].
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider (default: the global one).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets the meter provider (default: the global one).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// Hook implements [enduser.Hook] with OpenTelemetry. It is safe for
// concurrent use; build one per process and share it between Clients.
type Hook struct {
	tracer    trace.Tracer
	duration  metric.Float64Histogram
	retries   metric.Int64Counter
	refreshes metric.Int64Counter

	startOpts []trace.SpanStartOption // built once: options passed per call would allocate

	mu   sync.RWMutex
	sets map[setKey]measurement // attribute sets, built once per combination
}

// measurement is the option of one attribute set, as the slices Record and
// Add take, so that passing it allocates nothing.
type measurement struct {
	rec []metric.RecordOption
	add []metric.AddOption
}

var _ enduser.Hook = (*Hook)(nil)

type setKey struct {
	kind   byte // 'd' duration, 'r' retries, 'f' refreshes
	op     string
	family enduser.Family
	class  enduser.ErrorClass
}

// NewHook creates the tracer and the three instruments.
func NewHook(opts ...Option) (*Hook, error) {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	meter := c.mp.Meter(ScopeName)
	h := &Hook{tracer: c.tp.Tracer(ScopeName), sets: make(map[setKey]measurement),
		startOpts: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}}
	var err, e error
	h.duration, e = meter.Float64Histogram("enduser.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of enduser SDK calls, retries and waits included."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	err = errors.Join(err, e)
	h.retries, e = meter.Int64Counter("enduser.call.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts of enduser SDK calls that were retried."))
	err = errors.Join(err, e)
	h.refreshes, e = meter.Int64Counter("enduser.token.refreshes", metric.WithUnit("{refresh}"),
		metric.WithDescription("Token refreshes made by enduser TokenSources."))
	err = errors.Join(err, e)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// CallStart opens the call's client span.
func (h *Hook) CallStart(ctx context.Context, info enduser.CallInfo) context.Context {
	ctx, span := h.tracer.Start(ctx, info.Op, h.startOpts...)
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 5)
		attrs = append(attrs,
			OpKey.String(info.Op),
			FamilyKey.String(string(info.Family)),
			semconv.HTTPRequestMethodKey.String(info.Method))
		if host, port, err := net.SplitHostPort(info.Host); err == nil {
			attrs = append(attrs, semconv.ServerAddress(host))
			if p, err := strconv.Atoi(port); err == nil {
				attrs = append(attrs, semconv.ServerPort(p))
			}
		} else if info.Host != "" {
			attrs = append(attrs, semconv.ServerAddress(info.Host))
		}
		span.SetAttributes(attrs...)
	}
	return ctx
}

// Attempt adds an "attempt" event to the call's span and counts a retry.
func (h *Hook) Attempt(ctx context.Context, info enduser.AttemptInfo) {
	if info.Retry {
		h.retries.Add(ctx, 1, h.set('r', info.Op, info.Family, info.Class).add...)
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs, AttemptKey.Int(info.Attempt), ClassKey.String(info.Class.String()),
		DurationKey.Float64(float64(info.Duration.Microseconds())/1000))
	attrs = appendAnswer(attrs, info.HTTPStatus, info.Code, info.APICode)
	if info.Retry {
		attrs = append(attrs, RetryKey.Bool(true), WaitKey.Int64(info.Wait.Milliseconds()))
	}
	span.AddEvent("attempt", trace.WithAttributes(attrs...))
}

// CallEnd records the call's duration and ends its span.
func (h *Hook) CallEnd(ctx context.Context, info enduser.CallEndInfo) {
	h.duration.Record(ctx, info.Duration.Seconds(), h.set('d', info.Op, info.Family, info.Class).rec...)
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = append(attrs, AttemptsKey.Int(info.Attempts), ClassKey.String(info.Class.String()))
	if info.Attempts > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(info.Attempts-1))
	}
	attrs = appendAnswer(attrs, info.HTTPStatus, info.Code, info.APICode)
	if info.Class != enduser.ClassNone {
		attrs = append(attrs, semconv.ErrorTypeKey.String(info.Class.String()))
		span.SetStatus(codes.Error, info.Class.String())
	}
	span.SetAttributes(attrs...)
	span.End()
}

// Refresh counts a token refresh and adds a "token.refresh" event to the
// span in ctx, if any.
func (h *Hook) Refresh(ctx context.Context, info enduser.RefreshInfo) {
	h.refreshes.Add(ctx, 1, h.set('f', "", info.Family, info.Class).add...)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent("token.refresh", trace.WithAttributes(FamilyKey.String(string(info.Family)),
			ClassKey.String(info.Class.String()), DurationKey.Float64(float64(info.Duration.Microseconds())/1000)))
	}
}

// set returns the attribute set of a measurement, built once per
// combination: the hot path then allocates nothing for its attributes.
func (h *Hook) set(kind byte, op string, family enduser.Family, class enduser.ErrorClass) measurement {
	k := setKey{kind: kind, op: op, family: family, class: class}
	h.mu.RLock()
	s, ok := h.sets[k]
	h.mu.RUnlock()
	if ok {
		return s
	}
	attrs := make([]attribute.KeyValue, 0, 3)
	if op != "" {
		attrs = append(attrs, OpKey.String(op))
	}
	attrs = append(attrs, FamilyKey.String(string(family)), ClassKey.String(class.String()))
	opt := metric.WithAttributeSet(attribute.NewSet(attrs...))
	s = measurement{rec: []metric.RecordOption{opt}, add: []metric.AddOption{opt}}
	h.mu.Lock()
	h.sets[k] = s
	h.mu.Unlock()
	return s
}

// appendAnswer adds what the server answered: the HTTP status and the
// envelope's codes, each when there is one.
func appendAnswer(attrs []attribute.KeyValue, status, code, apiCode int) []attribute.KeyValue {
	if status != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(status))
	}
	if code != 0 {
		attrs = append(attrs, CodeKey.Int(code))
	}
	if apiCode != 0 {
		attrs = append(attrs, APICodeKey.Int(apiCode))
	}
	return attrs
}
