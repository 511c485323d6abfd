// Package bearer sends requests with a bearer token, as x/oauth2's
// Transport does (golang.org/x/oauth2: transport.go), and on a 401 gets
// another token once and resends the request when that is safe.
package bearer

import (
	"context"
	"io"
	"net/http"
)

// Transport authorizes each request with a token of type T.
type Transport[T any] struct {
	Base   http.RoundTripper                                // nil: http.DefaultTransport
	Token  func(ctx context.Context) (T, error)             // the token to send
	Renew  func(ctx context.Context, rejected T) (T, error) // another token, after the API rejected one
	Header func(T) string                                   // the Authorization header value
}

// Client returns an http.Client sending through t that does not follow a
// redirect to another host (the token would go with it): the redirect is
// returned as is.
func Client[T any](t *Transport[T]) *http.Client {
	if t.Base == nil {
		t.Base = http.DefaultTransport
	}
	return &http.Client{Transport: t, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != via[0].URL.Host || len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// RoundTrip sends a clone of req with the token. On a 401 it renews the
// token and sends req again if it is resendable; otherwise, or if renewing
// fails, the 401 is the answer.
func (t *Transport[T]) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	tok, err := t.Token(ctx)
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.Base.RoundTrip(t.authorized(req, tok, req.Body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	next, err := t.Renew(ctx, tok)
	if err != nil || !resendable(req) {
		return resp, nil // a later request carries next
	}
	body := io.ReadCloser(http.NoBody)
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	return t.Base.RoundTrip(t.authorized(req, next, body))
}

func (t *Transport[T]) authorized(req *http.Request, tok T, body io.ReadCloser) *http.Request {
	r := req.Clone(req.Context())
	r.Body = body
	r.Header.Set("Authorization", t.Header(tok))
	return r
}

// resendable reports whether req may be sent again: an idempotent method
// (RFC 9110 section 9.2.2) and a body that is empty or can be rewound.
func resendable(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	}
	return false
}
