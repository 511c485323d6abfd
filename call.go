package enduser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// call is one HTTP exchange as both families describe it to do.
type call struct {
	op          string
	family      Family // selects the envelope the answer is decoded from
	method      string
	url         string // without credentials unless WithQueryParams
	host        string // for log records
	contentType string // "" when there is no body
	body        []byte
	auth        string   // Authorization header, "" for none
	appID       string   // x-authing-app-id, GenAuth only
	scrub       []string // the request's credentials: see scrubber
	signature   string   // the v2 signature
	payload     any      // a GenAuth payload: its strings are credentials too
	oauth       bool     // a plain OAuth/OIDC answer (no envelope), GenAuth's /oidc/* endpoints
	// idempotent marks a read that may be sent twice (userInfo): only then
	// is a 503 retried. The zero value is the safe one for a call that
	// carries a single-use or rotating credential. Whatever it says, no
	// transport can replay a request (see noReplay).
	idempotent bool
}

// reply is what do learned besides the decoded data.
type reply struct {
	status  int
	hasData bool
}

// bodyPool recycles the buffers answers are read into: decoding copies what
// it keeps, so a buffer is free again once the call returns.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

const maxPooledBody = 64 << 10

var errTooLarge = errors.New("body too large")

// readLimited appends r to b until EOF, or fails with errTooLarge once more
// than limit bytes have arrived (b then holds the first limit bytes).
func readLimited(r io.Reader, b []byte, limit int64) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b[:limit], errTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// do sends k, retrying as the policy allows, reads the answer through the
// body limit, decodes its envelope (data into out on success) and logs one
// record per attempt. Failures are an *APIError, an
// *UnexpectedResponseError, or a transport error that wraps the cause.
func do[T any](ctx context.Context, c *Client, k *call, out *T) (reply, error) {
	p, timeout, err := c.callSettings(ctx, k.op)
	if err != nil {
		return reply{}, err
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ctx, obs := c.observe(ctx, k)
	for attempt := 1; ; attempt++ {
		start := time.Now()
		resp, err := c.send(ctx, k) //nolint:bodyclose // decode closes it
		var rep reply
		var res envelope.Result
		if err != nil {
			err = newTransportError(ctx, k.op, err)
		} else {
			rep, res, err = decode(ctx, c, k, resp, out)
			setRetryAfter(err, resp)
		}
		wait, why := c.shouldRetry(ctx, k, p, attempt, rep.status, res, err)
		obs.attempt(ctx, attempt, start, rep.status, res, err, why != "", wait)
		if why == "" {
			c.log(ctx, slog.LevelDebug, k, attempt, start, resp, res, err, "")
			obs.end(ctx, rep.status, res, err)
			return rep, err
		}
		c.log(ctx, slog.LevelWarn, k, attempt, start, resp, res, err, why)
		if serr := sleep(ctx, wait); serr != nil {
			err = &TransportError{Op: k.op, Err: serr, Written: Class(err) != ClassRateLimited && Class(err) != ClassTemporary}
			obs.end(ctx, rep.status, res, err)
			return reply{}, err
		}
	}
}

// send makes one attempt. The body goes in as an io.Reader so that resty
// hands it to net/http without copying it.
func (c *Client) send(ctx context.Context, k *call) (*http.Response, error) {
	r := c.rc.R().SetContext(ctx).SetDoNotParseResponse(true)
	if len(k.body) > 0 {
		r.SetBody(bytes.NewReader(k.body)).SetHeader("Content-Type", k.contentType)
	}
	if k.auth != "" {
		r.SetHeader("Authorization", k.auth)
	}
	if k.appID != "" {
		r.SetHeader("x-authing-app-id", k.appID)
	}
	resp, err := r.Execute(k.method, k.url)
	if err != nil {
		if resp != nil && resp.RawResponse != nil {
			drain(resp.RawResponse)
		}
		return nil, err
	}
	return resp.RawResponse, nil
}

// decode reads the body through the limit and turns it into data or an error.
func decode[T any](ctx context.Context, c *Client, k *call, resp *http.Response, out *T) (reply, envelope.Result, error) {
	rep := reply{status: resp.StatusCode}
	bp := bodyPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledBody { // a rare huge answer is not kept around
			bodyPool.Put(bp)
		}
	}()
	body, err := readLimited(resp.Body, (*bp)[:0], c.opts.bodyLimit)
	*bp = body[:0]
	_ = resp.Body.Close()
	switch {
	case err != nil && ctx.Err() != nil:
		return rep, envelope.Result{}, newTransportError(ctx, k.op, err)
	case errors.Is(err, errTooLarge):
		return rep, envelope.Result{}, c.unexpected(k, resp, body, fmt.Errorf("body exceeds %d bytes", c.opts.bodyLimit))
	case err != nil:
		return rep, envelope.Result{}, c.unexpected(k, resp, body, fmt.Errorf("reading body: %w", err))
	}
	var res envelope.Result
	switch {
	case k.oauth:
		res, rep.hasData, err = envelope.DecodeOAuth(resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body, out)
	case k.family == FamilyGenAuth:
		res, rep.hasData, err = envelope.DecodeGenAuth(body, out)
	default:
		res, rep.hasData, err = envelope.DecodeV2(body, out)
	}
	if err != nil {
		return rep, res, c.unexpected(k, resp, body, err)
	}
	if !res.OK() {
		sc := c.scrubberFor(k)
		sc.addAnswer(string(body)) // a failure's data may carry a continuation token
		res.Message = sc.scrub(res.Message, maxServerText)
		res.ExtMsg = sc.scrub(res.ExtMsg, maxServerText)
		res.RequestID = sc.scrub(res.RequestID, maxServerID)
		res.OAuthError = sc.scrub(res.OAuthError, maxServerID)
		return rep, res, &APIError{
			Op: k.op, HTTPStatus: resp.StatusCode, Code: res.Code, APICode: res.APICode,
			Message: res.Message, ExtMsg: res.ExtMsg, RequestID: res.RequestID,
			OAuthError: res.OAuthError, Continuation: ContinuationToken(res.Continuation),
		}
	}
	return rep, res, nil
}

// Bounds of what the SDK copies from a server into an error, in bytes,
// after scrubbing.
const (
	excerptLen    = 128 // UnexpectedResponseError.Excerpt
	maxServerText = 512 // APIError.Message and ExtMsg
	maxServerID   = 128 // APIError.RequestID and OAuthError, content types
)

// scrubberFor returns the scrubber of one call: the configured secrets and
// the call's credentials.
func (c *Client) scrubberFor(k *call) *scrubber {
	sc := &scrubber{forms: c.scrub.forms[:len(c.scrub.forms):len(c.scrub.forms)]}
	sc.add(k.auth, k.signature)
	sc.add(k.scrub...)
	sc.add(secretStrings(k.payload)...)
	return sc
}

// unexpected builds an *UnexpectedResponseError. Its excerpt and content
// type are scrubbed of every secret of the call and of every value the
// answer carried outside the envelope's public fields (the tokens of a cut,
// oversized or undecodable success).
func (c *Client) unexpected(k *call, resp *http.Response, body []byte, err error) error {
	sc := c.scrubberFor(k)
	text := sc.addAnswer(string(body))
	return &UnexpectedResponseError{
		Op: k.op, HTTPStatus: resp.StatusCode, ContentType: sc.scrub(resp.Header.Get("Content-Type"), maxServerID),
		Excerpt: sc.scrub(text, excerptLen), Err: err,
	}
}

// drain discards a little of an unused body so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}

// log writes the one record of an attempt.
func (c *Client) log(ctx context.Context, level slog.Level, k *call, attempt int, start time.Time,
	resp *http.Response, res envelope.Result, err error, retry string,
) {
	l := c.opts.logger
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String("op", k.op),
		slog.String("method", k.method),
		slog.String("host", k.host),
		slog.Int("attempt", attempt),
		slog.Duration("duration", time.Since(start)),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if res.Code != 0 {
		attrs = append(attrs, slog.Int("code", res.Code))
	}
	if res.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", res.RequestID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retry != "" {
		attrs = append(attrs, slog.String("retry", retry))
	}
	l.LogAttrs(ctx, level, "enduser: call", attrs...)
}
