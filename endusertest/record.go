package endusertest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Request is a request as the emulator received it: a bounded copy with
// every secret redacted. Signatures, codes, tokens, token secrets, client
// secrets, encrypted data and the Authorization and Cookie headers read
// "[redacted]" (unless WithSecretsRecorded); values are cut to 256 bytes,
// and at most 64 keys of each map and 8 levels of JSON are kept.
type Request struct {
	Endpoint string         // e.g. "twitterAuthLogin", "signin-by-mobile", "oidc/token"
	Method   string         // HTTP method
	Path     string         // URL path
	Query    url.Values     // URL query parameters
	Form     url.Values     // form body parameters (v2 and OIDC)
	Params   url.Values     // v2 parameters from query and form body together
	JSON     map[string]any // decoded JSON body (GenAuth)
	Header   http.Header
	UserID   string // the user the call acted for, "" if unknown
}

// Redacted is what a recorded request shows in place of a secret.
const Redacted = "[redacted]"

// Limits of a recorded copy.
const (
	maxRecordedValue = 256
	maxRecordedKeys  = 64
	maxRecordedItems = 16
	maxRecordedDepth = 8
)

// isSecret reports whether a parameter, JSON key or header holds a secret.
func isSecret(key string) bool {
	switch strings.ToLower(key) {
	case "signature", "sign", "oauthtoken", "oauthtokensecret", "identitytoken", "code", "authcode", "jscode",
		"refreshtoken", "refresh_token", "access_token", "accesstoken", "token", "id_token", "idtoken",
		"client_secret", "encrypteddata", "iv", "mfatoken", "authorization", "proxy-authorization", "cookie",
		"x-authing-app-secret":
		return true
	}
	return false
}

// recordLocked keeps a bounded, redacted copy of c in the ring of recent
// requests; s.state.mu is held.
func (s *Server) recordLocked(c *call) {
	limit := s.set.recordLimit
	if limit == 0 {
		return
	}
	r := c.r
	req := Request{
		Endpoint: c.ep.name, Method: cut(r.Method), Path: cut(r.URL.Path),
		UserID: c.uid,
	}
	secret := isSecret
	if s.set.recordSecrets {
		secret = func(string) bool { return false }
	}
	req.Query, req.Header = copyValues(r.URL.Query(), secret), copyHeader(r.Header, secret)
	if c.form != nil {
		req.Form = copyValues(c.form, secret)
	}
	if c.params != nil {
		req.Params = copyValues(c.params, secret)
	}
	if c.body != nil {
		req.JSON, _ = copyJSON(c.body, 0, secret).(map[string]any)
	}
	st := &s.state
	if len(st.requests) < limit {
		st.requests = append(st.requests, req)
		return
	}
	st.requests[st.next] = req
	st.next = (st.next + 1) % limit
}

// Requests returns the recent requests, oldest first: at most the last
// 10,000 (see WithRecordLimit), as bounded copies with secrets redacted.
// Count keeps counting beyond that.
func (s *Server) Requests() []Request {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	st := &s.state
	out := make([]Request, 0, len(st.requests))
	out = append(out, st.requests[st.next:]...)
	return append(out, st.requests[:st.next]...)
}

// cut returns a copy of v of at most maxRecordedValue bytes. It always
// copies: a parsed value shares the memory of the whole request body.
func cut(v string) string {
	if len(v) <= maxRecordedValue {
		return strings.Clone(v)
	}
	i := maxRecordedValue
	for i > 0 && !utf8.RuneStart(v[i]) {
		i--
	}
	return v[:i] + "…[cut]"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > maxRecordedKeys {
		keys = keys[:maxRecordedKeys]
	}
	return keys
}

func copyValues(v url.Values, isSecret func(string) bool) url.Values {
	out := make(url.Values, min(len(v), maxRecordedKeys))
	for _, k := range sortedKeys(v) {
		vals := v[k]
		if len(vals) > maxRecordedItems {
			vals = vals[:maxRecordedItems]
		}
		cp := make([]string, len(vals))
		for i, x := range vals {
			if isSecret(k) {
				cp[i] = Redacted
			} else {
				cp[i] = cut(x)
			}
		}
		out[cut(k)] = cp
	}
	return out
}

func copyHeader(h http.Header, isSecret func(string) bool) http.Header {
	return http.Header(copyValues(url.Values(h), isSecret))
}

// copyJSON copies a decoded JSON value within the limits, redacting the
// values of secret keys.
func copyJSON(v any, depth int, isSecret func(string) bool) any {
	if depth >= maxRecordedDepth {
		return "…[cut]"
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, min(len(x), maxRecordedKeys))
		for _, k := range sortedKeys(x) {
			if isSecret(k) {
				out[cut(k)] = Redacted
			} else {
				out[cut(k)] = copyJSON(x[k], depth+1, isSecret)
			}
		}
		return out
	case []any:
		n := min(len(x), maxRecordedItems)
		out := make([]any, n)
		for i := range n {
			out[i] = copyJSON(x[i], depth+1, isSecret)
		}
		return out
	case string:
		return cut(x)
	default:
		return x
	}
}
