package enduser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/seed1804ee03/enduser/internal/envelope"
	"github.com/seed1804ee03/enduser/internal/netcause"
	"github.com/seed1804ee03/enduser/internal/scrub"
)

// call is one HTTP exchange, built by a family's request builder (callV2,
// SignInByMobile, postOIDC …), sent by do and checked by check: go-github's
// NewRequest / Do / CheckResponse.
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
	scrub       []string // the request's credentials: see scrubberFor
	signature   string   // the v2 signature
	payload     any      // a GenAuth payload: its strings are credentials too
	oauth       bool     // a plain OAuth/OIDC answer (no envelope), GenAuth's /oidc/* endpoints
	// out receives the answer's data in place (nil ignores it); a success
	// without data is then an error (check).
	out any
	// idempotent marks a read that may be sent twice (userInfo): only then
	// is a 503 retried. The zero value is the safe one for a single-use or
	// rotating credential. No transport replays a request (noReplay).
	idempotent bool
}

// outcome is what one attempt came to, computed once where its error is
// made: the HTTP status (0 without an answer), the envelope, the error, its
// class, and the server's Retry-After on a 429 or 503 (also on the error).
type outcome struct {
	status     int
	res        envelope.Result
	err        error
	class      ErrorClass
	retryAfter time.Duration
}

// failed returns the outcome of err: its class computed here, once.
func failed(status int, res envelope.Result, err error, retryAfter time.Duration) outcome {
	return outcome{status: status, res: res, err: err, class: Class(err), retryAfter: retryAfter}
}

// Content types as header values; net/http only reads them.
var (
	jsonContentType = []string{"application/json"}
	formContentType = []string{"application/x-www-form-urlencoded"}
)

// headerValue is the Content-Type header value of ct.
func headerValue(ct string) []string {
	switch ct {
	case jsonContentType[0]:
		return jsonContentType
	case formContentType[0]:
		return formContentType
	}
	return []string{ct}
}

// do sends k, retrying as the policy allows (shouldRetry), checks each
// answer (body limit, envelope, data into k.out), reports each attempt to
// the hook and the log, and returns the last answer's HTTP status (0 without
// one). Failures are an *APIError, *UnexpectedResponseError or *TransportError.
func (c *Client) do(ctx context.Context, k *call) (int, error) {
	p, timeout, err := c.callSettings(ctx, k.op)
	if err != nil {
		return 0, err
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if cerr := ctx.Err(); cerr != nil {
		return 0, &TransportError{Op: k.op, Err: cerr} // ended before anything was sent
	}
	ctx, obs := c.observe(ctx, k)
	for attempt := 1; ; attempt++ {
		start := time.Now()
		o := c.attempt(ctx, k)
		wait, why := c.shouldRetry(ctx, k, p, attempt, o)
		obs.attempt(ctx, attempt, start, o, why != "", wait)
		if why == "" {
			c.log(ctx, slog.LevelDebug, k, attempt, start, o, "")
			obs.end(ctx, o)
			return o.status, o.err
		}
		c.log(ctx, slog.LevelWarn, k, attempt, start, o, why)
		if serr := sleep(ctx, wait); serr != nil {
			written := o.class != ClassRateLimited && o.class != ClassTemporary
			o = failed(0, o.res, &TransportError{Op: k.op, Err: serr, Written: written}, 0)
			obs.end(ctx, o)
			return 0, o.err
		}
	}
}

// attempt sends k once and checks the answer.
func (c *Client) attempt(ctx context.Context, k *call) outcome {
	resp, err := c.send(ctx, k) //nolint:bodyclose // check closes it
	if err != nil {
		return failed(0, envelope.Result{}, newTransportError(ctx, k.op, err), 0)
	}
	c.opts.server.Observe(resp.Header, c.opts.clock) // the server's clock, for token expiries
	return c.check(ctx, k, resp)
}

// send makes one attempt through a resty request from the Client's pool (R()
// allocates a request and six maps; a reused one already carries User-Agent
// and Accept). The call's headers go in under canonical keys with value
// slices built once (SetHeader would canonicalise and allocate) and are
// deleted after the call; resty clones the map into the *http.Request.
func (c *Client) send(ctx context.Context, k *call) (*http.Response, error) {
	r, _ := c.reqs.Get().(*resty.Request)
	if r == nil {
		r = c.rc.R()
		r.Header["User-Agent"], r.Header["Accept"] = c.userAgent, jsonContentType
	}
	defer func() {
		r.SetBody(nil).SetContext(context.Background()).RawRequest = nil // keeps no reference to the call
		delete(r.Header, "Content-Type")
		delete(r.Header, "Authorization")
		delete(r.Header, "X-Authing-App-Id")
		c.reqs.Put(r)
	}()
	r.SetContext(ctx)
	h := r.Header
	if len(k.body) > 0 {
		r.SetBody(bytes.NewReader(k.body)) // an io.Reader: resty hands it on without copying
		h["Content-Type"] = headerValue(k.contentType)
	}
	if k.auth != "" {
		h["Authorization"] = []string{k.auth}
	}
	if k.appID != "" {
		h["X-Authing-App-Id"] = c.appIDHeader
	}
	resp, err := r.Execute(k.method, k.url)
	if err != nil {
		return nil, err // http.Client.Do's response is then nil or closed
	}
	return resp.RawResponse, nil
}

// Bounds of what the SDK copies from a server into an error's data fields,
// in bytes, after scrubbing.
const (
	excerptLen    = 128 // UnexpectedResponseError.Excerpt
	maxServerText = 512 // APIError.Message and ExtMsg
	maxServerID   = 128 // APIError.OAuthError and ContentType
	maxRequestID  = 64  // APIError.RequestID
)

// Closed-set problems of an answer that is not a usable envelope: the
// decoders' own errors quote the body.
var (
	errNotJSON  = errors.New("body is not JSON")
	errBadField = errors.New("a field of the envelope has the wrong type")
)

// check reads resp's body through the body limit, closes it and turns it
// into the attempt's outcome: the result with the data in k.out, or an
// *APIError (a failure envelope), an *UnexpectedResponseError (no usable
// envelope, or no data for k.out), a *TransportError (the context ended).
func (c *Client) check(ctx context.Context, k *call, resp *http.Response) outcome {
	status := resp.StatusCode
	body, err := readBody(resp, c.opts.bodyLimit)
	switch {
	case err != nil && ctx.Err() != nil:
		return failed(status, envelope.Result{}, newTransportError(ctx, k.op, err), 0)
	case err != nil:
		return c.unexpected(k, resp, body, fmt.Errorf("reading body: %w", netcause.Safe(err)))
	case int64(len(body)) > c.opts.bodyLimit:
		return c.unexpected(k, resp, body[:c.opts.bodyLimit], fmt.Errorf("body exceeds %d bytes", c.opts.bodyLimit))
	}
	var res envelope.Result
	var hasData bool
	switch {
	case k.oauth:
		res, hasData, err = envelope.DecodeOAuth(status, resp.Header.Get("WWW-Authenticate"), body, k.out)
	case k.family == FamilyGenAuth:
		res, hasData, err = envelope.DecodeGenAuth(body, k.out)
	default:
		res, hasData, err = envelope.DecodeV2(body, k.out)
	}
	switch {
	case err != nil:
		return c.unexpected(k, resp, body, decodeProblem(err))
	case !res.OK():
		return c.failure(k, resp, res, body)
	}
	if res.RequestID != "" && (c.opts.hook != nil || c.opts.logger.Enabled(ctx, slog.LevelDebug)) {
		// A success's request id reaches only the log and the Hook, and
		// only when someone reads it.
		res.RequestID = requestID(c.scrubberFor(k), res.RequestID)
	}
	if k.out != nil && !hasData {
		return failed(status, res, successWithout(k.op, status, "data"), 0)
	}
	return outcome{status: status, res: res}
}

// decodeProblem names why an answer did not decode, in the SDK's words.
func decodeProblem(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, envelope.ErrNoCode):
		return envelope.ErrNoCode
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return errNotJSON
	}
	return errBadField
}

// failure builds the *APIError of a failure envelope. Its server texts are
// scrubbed data fields; the result holds the scrubbed request id too (the
// log and the Hook read it).
func (c *Client) failure(k *call, resp *http.Response, res envelope.Result, body []byte) outcome {
	sc := c.scrubberFor(k)
	sc.AddAnswer(string(body)) // a failure's data may carry a continuation token
	res.RequestID = requestID(sc, res.RequestID)
	family := k.family
	if k.oauth {
		family = FamilyGenAuth
	}
	wait := retryAfterOf(resp, res.Code)
	err := &APIError{
		Op: k.op, Family: family, HTTPStatus: resp.StatusCode, Code: res.Code, APICode: res.APICode,
		Message: sc.Scrub(res.Message, maxServerText), ExtMsg: sc.Scrub(res.ExtMsg, maxServerText),
		RequestID: res.RequestID, OAuthError: sc.Scrub(res.OAuthError, maxServerID),
		Continuation: ContinuationToken(res.Continuation), RetryAfter: wait,
	}
	return failed(resp.StatusCode, res, err, wait)
}

// unexpected builds the *UnexpectedResponseError of an answer that is not a
// usable envelope. Its excerpt and content type are scrubbed of the call's
// secrets and of every value the answer carried outside the envelope's
// public fields (the tokens of a cut, oversized or undecodable success).
func (c *Client) unexpected(k *call, resp *http.Response, body []byte, problem error) outcome {
	sc := c.scrubberFor(k)
	text := sc.AddAnswer(string(body))
	if misdirected(resp.StatusCode) { // a page, not the API: the URL is wrong (class.go)
		problem = fmt.Errorf("%s answered HTTP %d without the API's envelope: check the configured host and path", withoutQuery(k.url), resp.StatusCode)
	}
	wait := retryAfterOf(resp, 0)
	err := &UnexpectedResponseError{
		Op: k.op, HTTPStatus: resp.StatusCode, ContentType: sc.Scrub(resp.Header.Get("Content-Type"), maxServerID),
		Excerpt: sc.Scrub(text, excerptLen), Err: problem, RetryAfter: wait,
	}
	return failed(resp.StatusCode, envelope.Result{}, err, wait)
}

// idChars are the bytes a request id is made of.
const idChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:"

// requestID returns a server's request id as errors, log records and Hook
// events carry it: only when it has the shape of an id (at most 64 of
// idChars) and no secret of the call shows in it; "" otherwise.
func requestID(sc *scrub.Scrubber, id string) string {
	if len(id) > maxRequestID {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(idChars, id[i]) < 0 {
			return ""
		}
	}
	if sc.Scrub(id, 0) != id {
		return ""
	}
	return id
}

// readBody reads and closes resp's body, at most limit+1 bytes of it (one
// more than allowed, so that an oversized body shows). A body of announced
// length within the limit is read into one exact buffer; a short one is
// io.ErrUnexpectedEOF.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if n := resp.ContentLength; n >= 0 && n <= limit {
		body := make([]byte, n)
		read, err := io.ReadFull(resp.Body, body)
		return body[:read], err
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

// successWithout is the error of a success envelope that lacks what the
// call needs (its data, a token, a claim): what names it.
func successWithout(op string, status int, what string) error {
	return &UnexpectedResponseError{Op: op, HTTPStatus: status, Err: errors.New("success without " + what)}
}

// scrubberFor returns the scrubber of one call: the configured secrets and
// the call's credentials.
func (c *Client) scrubberFor(k *call) *scrub.Scrubber {
	sc := c.keys().scrub.Clone()
	sc.Add(k.auth, k.signature)
	sc.Add(k.scrub...)
	sc.Add(secretStrings(k.payload)...)
	return sc
}
