package enduser

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// call is one HTTP exchange, built by a family's request builder (callV2,
// SignInByMobile, postOIDC …), sent by do and checked by check: go-github's
// NewRequest / Do / CheckResponse, with resty underneath.
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
	// out is the caller's pointer the answer's data is decoded into, in
	// place; nil ignores data. A success without data is an error when out
	// is set (checked once, in check).
	out any
	// idempotent marks a read that may be sent twice (userInfo): only then
	// is a 503 retried. The zero value is the safe one for a call that
	// carries a single-use or rotating credential. Whatever it says, no
	// transport can replay a request (see noReplay).
	idempotent bool
}

// do sends k, retrying as the policy allows (shouldRetry), checks each
// answer (check: body limit, envelope, data into k.out) and logs one record
// per attempt. It returns the HTTP status of the last answer (0 without
// one). Failures are an *APIError, an *UnexpectedResponseError or a
// *TransportError.
//
// One attempt is send, then check: extensions (hooks, overrides) belong
// between them or around the loop, not inside either.
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
		resp, err := c.send(ctx, k) //nolint:bodyclose // check closes it
		status := 0
		var res envelope.Result
		if err != nil {
			err = newTransportError(ctx, k.op, err)
		} else {
			status = resp.StatusCode
			noteServerDate(ctx, resp) // the server's clock, for token expiry (tokensource.go)
			res, err = c.check(ctx, k, resp)
			setRetryAfter(err, resp)
		}
		wait, why := c.shouldRetry(ctx, k, p, attempt, status, res, err)
		obs.attempt(ctx, attempt, start, status, res, err, why != "", wait)
		if why == "" {
			c.log(ctx, slog.LevelDebug, k, attempt, start, status, res, err, "")
			obs.end(ctx, status, res, err)
			return status, err
		}
		c.log(ctx, slog.LevelWarn, k, attempt, start, status, res, err, why)
		if serr := sleep(ctx, wait); serr != nil {
			err = &TransportError{Op: k.op, Err: serr, Written: Class(err) != ClassRateLimited && Class(err) != ClassTemporary}
			obs.end(ctx, status, res, err)
			return 0, err
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
