package enduser

import (
	"context"
	"log/slog"
	"time"
)

// Hook observes a Client's calls for metrics and tracing (the enduserotel
// module implements it with OpenTelemetry). Install it with [WithHook].
//
// A call is one method's exchange with the server, retries included
// (VerifyIDToken's key fetch too, op OpOIDCKeys; a request rejected before
// sending is none): CallStart before the first attempt, Attempt after each,
// CallEnd once, all on the call's goroutine and with the context CallStart
// returned, which the HTTP requests carry too (a tracer puts its span
// there). Refresh follows each refresh a [TokenSource] makes.
//
// Hooks run inline: keep them fast and never block. The infos carry only
// the SDK's own text and closed-set values, and their errors print no
// server text under any verb (see SECURITY.md). Embed [NopHook] to
// implement only some of the methods.
type Hook interface {
	CallStart(ctx context.Context, info CallInfo) context.Context
	Attempt(ctx context.Context, info AttemptInfo)
	CallEnd(ctx context.Context, info CallEndInfo)
	Refresh(ctx context.Context, info RefreshInfo)
}

// CallInfo names a call.
type CallInfo struct {
	Op     string // the endpoint, e.g. "appleAuthLogin" or "signin-by-mobile" (see the Op constants)
	Family Family // the API family
	Method string // HTTP method
	Host   string // the server's host[:port]; never a path or query
}

// AttemptInfo describes one HTTP attempt of a call.
type AttemptInfo struct {
	CallInfo
	Attempt    int           // 1 for the first try
	Duration   time.Duration // from sending to the decoded answer or the failure
	HTTPStatus int           // 0 when no answer arrived
	Code       int           // the envelope's v2 code or GenAuth statusCode, 0 without an envelope
	APICode    int           // GenAuth apiCode, 0 if none
	RequestID  string        // GenAuth request id, "" if none; scrubbed like all server text
	Class      ErrorClass    // ClassNone for a success
	Err        error         // nil for a success
	Retry      bool          // another attempt follows
	Wait       time.Duration // the wait before it (Retry only); a server's Retry-After when it gave one
}

// CallEndInfo describes a finished call: its last attempt's answer and the
// error the caller gets.
type CallEndInfo struct {
	CallInfo
	Attempts   int           // attempts made (0 when the call ended before sending, e.g. a done context)
	Duration   time.Duration // the whole call, waits included
	HTTPStatus int           // the last answer's status, 0 if none
	Code       int           // the last envelope's code, 0 if none
	APICode    int           // GenAuth apiCode, 0 if none
	Class      ErrorClass    // ClassNone for a success
	Err        error         // the error the caller gets, nil for a success
}

// RefreshInfo describes one token refresh made by a [TokenSource].
type RefreshInfo struct {
	Family   Family        // the token's family ("" for a token saved without one)
	Duration time.Duration // the refresh call
	Class    ErrorClass    // ClassNone for a success
	Err      error         // nil for a success
}

// NopHook does nothing. Embed it in a Hook that needs only some methods.
type NopHook struct{}

// CallStart returns ctx.
func (NopHook) CallStart(ctx context.Context, _ CallInfo) context.Context { return ctx }

// Attempt does nothing.
func (NopHook) Attempt(context.Context, AttemptInfo) {}

// CallEnd does nothing.
func (NopHook) CallEnd(context.Context, CallEndInfo) {}

// Refresh does nothing.
func (NopHook) Refresh(context.Context, RefreshInfo) {}

// hooks calls several hooks in turn.
type hooks []Hook

func (hs hooks) CallStart(ctx context.Context, info CallInfo) context.Context {
	for _, h := range hs {
		if next := h.CallStart(ctx, info); next != nil {
			ctx = next
		}
	}
	return ctx
}

func (hs hooks) Attempt(ctx context.Context, info AttemptInfo) {
	for _, h := range hs {
		h.Attempt(ctx, info)
	}
}

func (hs hooks) CallEnd(ctx context.Context, info CallEndInfo) {
	for _, h := range hs {
		h.CallEnd(ctx, info)
	}
}

func (hs hooks) Refresh(ctx context.Context, info RefreshInfo) {
	for _, h := range hs {
		h.Refresh(ctx, info)
	}
}

// observer carries a call's hook state; the zero value (no hook) does nothing.
type observer struct {
	h        Hook
	info     CallInfo
	start    time.Time
	attempts int
}

// observe starts observing the call k, which continues with the returned context.
func (c *Client) observe(ctx context.Context, k *call) (context.Context, observer) {
	h := c.opts.hook
	if h == nil {
		return ctx, observer{}
	}
	o := observer{h: h, info: CallInfo{Op: k.op, Family: k.family, Method: k.method, Host: k.host}, start: time.Now()}
	if next := h.CallStart(ctx, o.info); next != nil {
		ctx = next
	}
	return ctx, o
}

// attempt reports attempt n, which came to out (and the wait before a retry).
func (o *observer) attempt(ctx context.Context, n int, start time.Time, out outcome, retry bool, wait time.Duration) {
	if o.h == nil {
		return
	}
	o.attempts = n
	o.h.Attempt(ctx, AttemptInfo{
		CallInfo: o.info, Attempt: n, Duration: time.Since(start), HTTPStatus: out.status,
		Code: out.res.Code, APICode: out.res.APICode, RequestID: out.res.RequestID,
		Class: out.class, Err: out.err, Retry: retry, Wait: wait,
	})
}

// end reports the end of the call, whose last attempt came to out.
func (o *observer) end(ctx context.Context, out outcome) {
	if o.h == nil {
		return
	}
	o.h.CallEnd(ctx, CallEndInfo{
		CallInfo: o.info, Attempts: o.attempts, Duration: time.Since(o.start), HTTPStatus: out.status,
		Code: out.res.Code, APICode: out.res.APICode, Class: out.class, Err: out.err,
	})
}

// observeRefresh reports a TokenSource refresh that started at start.
func (c *Client) observeRefresh(ctx context.Context, family Family, start time.Time, err error) {
	if h := c.opts.hook; h != nil {
		h.Refresh(ctx, RefreshInfo{Family: family, Duration: time.Since(start), Class: Class(err), Err: err})
	}
}

// log writes the one record of an attempt: closed-set values, the request
// id and the error's text (the SDK's own, see SECURITY.md). Never a URL, a
// header, a body or any other text of the server's.
func (c *Client) log(ctx context.Context, level slog.Level, k *call, attempt int, start time.Time, o outcome, retry string) {
	l := c.opts.logger
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := append(make([]slog.Attr, 0, 11), slog.String("op", k.op), slog.String("method", k.method),
		slog.String("host", k.host), slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)))
	for _, a := range [...]slog.Attr{slog.Int("status", o.status), slog.Int("code", o.res.Code), slog.Int("api_code", o.res.APICode)} {
		if a.Value.Int64() != 0 {
			attrs = append(attrs, a)
		}
	}
	if o.res.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", o.res.RequestID))
	}
	if o.err != nil {
		attrs = append(attrs, slog.String("class", o.class.String()), slog.String("error", o.err.Error()))
	}
	if retry != "" {
		attrs = append(attrs, slog.String("retry", retry))
	}
	l.LogAttrs(ctx, level, "enduser: call", attrs...)
}
