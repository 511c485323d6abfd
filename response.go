package enduser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// Bounds of what the SDK copies from a server into an error, in bytes,
// after scrubbing.
const (
	excerptLen    = 128 // UnexpectedResponseError.Excerpt
	maxServerText = 512 // APIError.Message and ExtMsg
	maxServerID   = 128 // APIError.RequestID and OAuthError, content types
)

// errTooLarge is a body over the Client's body limit.
var errTooLarge = errors.New("body too large")

// check reads resp's body through the body limit, closes it and turns it
// into the envelope's result, the data decoded into k.out, or an error: an
// *APIError for a failure envelope, an *UnexpectedResponseError for an
// answer that is not one (or a success without data when k.out is set), a
// *TransportError when reading failed because the context ended.
func (c *Client) check(ctx context.Context, k *call, resp *http.Response) (envelope.Result, error) {
	body, err := readBody(resp, c.opts.bodyLimit)
	switch {
	case err != nil && ctx.Err() != nil:
		return envelope.Result{}, newTransportError(ctx, k.op, err)
	case err != nil:
		return envelope.Result{}, c.unexpected(k, resp, body, fmt.Errorf("reading body: %w", err))
	case int64(len(body)) > c.opts.bodyLimit:
		return envelope.Result{}, c.unexpected(k, resp, body[:c.opts.bodyLimit], fmt.Errorf("body exceeds %d bytes", c.opts.bodyLimit))
	}
	var res envelope.Result
	var hasData bool
	switch {
	case k.oauth:
		res, hasData, err = envelope.DecodeOAuth(resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body, k.out)
	case k.family == FamilyGenAuth:
		res, hasData, err = envelope.DecodeGenAuth(body, k.out)
	default:
		res, hasData, err = envelope.DecodeV2(body, k.out)
	}
	switch {
	case err != nil:
		return res, c.unexpected(k, resp, body, err)
	case !res.OK():
		return c.failure(k, resp.StatusCode, res, body)
	}
	if res.RequestID != "" && (c.opts.hook != nil || c.opts.logger.Enabled(ctx, slog.LevelDebug)) {
		// A success's request id reaches only the log and the Hook; it is
		// server text like any other (a hostile server may echo a
		// credential in it), scrubbed only when someone reads it.
		res.RequestID = c.scrubberFor(k).scrub(res.RequestID, maxServerID)
	}
	if k.out != nil && !hasData {
		return res, successWithout(k.op, resp.StatusCode, "data")
	}
	return res, nil
}

// failure builds the *APIError of a failure envelope. Every text in it is
// scrubbed, and the result holds the scrubbed text too (the log reads it).
func (c *Client) failure(k *call, status int, res envelope.Result, body []byte) (envelope.Result, error) {
	sc := c.scrubberFor(k)
	sc.addAnswer(string(body)) // a failure's data may carry a continuation token
	res.Message = sc.scrub(res.Message, maxServerText)
	res.ExtMsg = sc.scrub(res.ExtMsg, maxServerText)
	res.RequestID = sc.scrub(res.RequestID, maxServerID)
	res.OAuthError = sc.scrub(res.OAuthError, maxServerID)
	family := k.family
	if k.oauth {
		family = FamilyGenAuth
	}
	return res, &APIError{
		Op: k.op, Family: family, HTTPStatus: status, Code: res.Code, APICode: res.APICode,
		Message: res.Message, ExtMsg: res.ExtMsg, RequestID: res.RequestID,
		OAuthError: res.OAuthError, Continuation: ContinuationToken(res.Continuation),
	}
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
func (c *Client) scrubberFor(k *call) *scrubber {
	base := c.keys().scrub
	sc := &scrubber{forms: base.forms[:len(base.forms):len(base.forms)], short: base.short[:len(base.short):len(base.short)]}
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
	if misdirected(resp.StatusCode) { // a page, not the API: the URL is wrong (class.go)
		err = fmt.Errorf("%s answered HTTP %d without the API's envelope: check the configured host and path", withoutQuery(k.url), resp.StatusCode)
	}
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
