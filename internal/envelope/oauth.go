package envelope

import (
	"bytes"
	"encoding/json"
	"strings"
)

// OAuthToken is a plain OAuth 2.0 token answer (RFC 6749 section 5.1), as
// GenAuth's /oidc/token sends it: no envelope. ExpiresIn is a lifetime in
// seconds.
type OAuthToken struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    Int    `json:"expires_in"`
}

// oauthError is an RFC 6749 section 5.2 error answer.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// DecodeOAuth decodes a plain OAuth 2.0 or OpenID Connect answer: no
// envelope, success told by the HTTP status. A 2xx answer decodes into *out
// (out may be nil to ignore the body, which may then be empty: RFC 7009
// revocation answers carry none). A failure is an RFC 6749 section 5.2
// error object, whose code lands in Result.OAuthError; a bodyless 401 may
// carry it in the WWW-Authenticate challenge instead (RFC 6750 section 3),
// passed as challenge. A failure in GenAuth's own envelope is accepted too.
//
// The returned Result has Code Success for a success, and the HTTP status
// otherwise; hasData reports a success with a non-empty JSON object in out.
func DecodeOAuth(status int, challenge string, body []byte, out any) (r Result, hasData bool, err error) {
	if status >= 200 && status < 300 {
		var e oauthError
		if bytes.Contains(body, []byte(`"error"`)) && json.Unmarshal(body, &e) == nil && e.Error != "" {
			return Result{Code: status, OAuthError: e.Error, Message: e.Description}, false, nil
		}
		if out == nil {
			return Result{Code: Success}, false, nil
		}
		if err := json.Unmarshal(body, out); err != nil {
			return Result{}, false, err
		}
		r = Result{Code: Success}
		return r, present(r, out, out), nil
	}
	var e oauthError
	if err := json.Unmarshal(body, &e); err == nil && e.Error != "" {
		return Result{Code: status, OAuthError: e.Error, Message: e.Description}, false, nil
	}
	if g, _, gerr := DecodeGenAuth(body, nil); gerr == nil && !g.OK() {
		return g, false, nil
	}
	if code := challengeError(challenge); code != "" && len(bytes.TrimSpace(body)) == 0 {
		return Result{Code: status, OAuthError: code}, false, nil
	}
	return Result{}, false, ErrNoCode
}

// challengeError returns the error parameter of a Bearer challenge, e.g.
// `Bearer realm="x", error="invalid_token"` gives "invalid_token".
func challengeError(challenge string) string {
	const key = `error="`
	i := strings.Index(challenge, key)
	if i < 0 || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(challenge)), "bearer") {
		return ""
	}
	rest := challenge[i+len(key):]
	j := strings.IndexByte(rest, '"')
	if j <= 0 {
		return ""
	}
	code := rest[:j]
	for _, ch := range code { // RFC 6749 section 5.2: %x20-21 / %x23-5B / %x5D-7E
		if ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' {
			return ""
		}
	}
	return code
}
