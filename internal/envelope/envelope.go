// Package envelope decodes the two response envelopes of the enduser SDK:
// the v2 end-user API's {code,msg,data,extMsg} and GenAuth's
// {statusCode,message,apiCode,requestId,data}. It knows the wire quirks
// (numbers sent as strings, success codes) and nothing about HTTP.
package envelope

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
)

// Success is the code (v2) and statusCode (GenAuth) of a successful call.
const Success = 200

// ErrNoCode means the body was JSON but not an envelope: its code is missing.
var ErrNoCode = errors.New("envelope has no code")

// Result is a decoded envelope of either family.
type Result struct {
	Code      int    // v2 code, or GenAuth statusCode
	APICode   int    // GenAuth apiCode, 0 if absent
	Message   string // v2 msg, or GenAuth message
	ExtMsg    string // v2 extMsg
	RequestID string // GenAuth requestId
	// OAuthError is the RFC 6749 error code of a plain OAuth answer, e.g.
	// "invalid_grant" (see DecodeOAuth); "" for the envelopes.
	OAuthError string
	// Continuation is the token a GenAuth failure hands out to continue the
	// login: data.mfaToken (apiCode 1636, MFA) or data.token (1639, first
	// login). It is a credential.
	Continuation string
}

// OK reports whether the envelope announces success.
func (r Result) OK() bool { return r.Code == Success && r.OAuthError == "" }

// Int is an integer that decodes from a JSON number, a string holding a
// number (older GenAuth answers send apiCode as "2011"), or null (zero).
type Int int64

// UnmarshalJSON implements json.Unmarshaler. It parses in place, without
// allocating.
func (i *Int) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
		if len(b) == 0 {
			return nil
		}
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 { // 18 digits always fit in an int64
		return errNotInteger
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return errNotInteger
		}
		n = n*10 + int64(ch-'0')
	}
	if neg {
		n = -n
	}
	*i = Int(n)
	return nil
}

var errNotInteger = errors.New("envelope: not an integer of at most 18 digits")

// missing marks a code that the body did not set.
const missing Int = math.MinInt64

type v2Wire struct {
	Code   Int    `json:"code"`
	Msg    string `json:"msg"`
	Data   any    `json:"data"` // the caller's pointer: decoded in place
	ExtMsg string `json:"extMsg"`
}

// DecodeV2 decodes a v2 envelope in one pass, its data straight into out,
// a non-nil pointer (or nil to ignore data). hasData reports a successful
// envelope with non-empty data; a failed envelope's data is to be ignored.
func DecodeV2(body []byte, out any) (r Result, hasData bool, err error) {
	return decode(body, out, &v2Wire{})
}

type genAuthWire struct {
	StatusCode Int    `json:"statusCode"`
	Message    string `json:"message"`
	APICode    Int    `json:"apiCode"`
	RequestID  string `json:"requestId"`
	Data       any    `json:"data"` // the caller's pointer: decoded in place
}

// DecodeGenAuth decodes a GenAuth envelope in one pass, its data straight
// into out, a non-nil pointer (or nil to ignore data). hasData reports a
// successful envelope with non-empty data; a failed envelope's data is to
// be ignored.
func DecodeGenAuth(body []byte, out any) (r Result, hasData bool, err error) {
	r, hasData, err = decode(body, out, &genAuthWire{})
	if err == nil && !r.OK() {
		r.Continuation = continuation(body)
	}
	return r, hasData, err
}

// wire is a family's envelope as it is decoded: reset empties it with data
// as the pointer its data goes into.
type wire interface {
	reset(data any)
	code() Int
	result() Result
	data() any
}

func (w *v2Wire) reset(data any) { *w = v2Wire{Code: missing, Data: data} }
func (w *v2Wire) code() Int      { return w.Code }
func (w *v2Wire) data() any      { return w.Data }
func (w *v2Wire) result() Result {
	return Result{Code: int(w.Code), Message: w.Msg, ExtMsg: w.ExtMsg}
}

func (w *genAuthWire) reset(data any) { *w = genAuthWire{StatusCode: missing, Data: data} }
func (w *genAuthWire) code() Int      { return w.StatusCode }
func (w *genAuthWire) data() any      { return w.Data }
func (w *genAuthWire) result() Result {
	return Result{Code: int(w.StatusCode), APICode: int(w.APICode), Message: w.Message, RequestID: w.RequestID}
}

// decode decodes body into w in one pass, its data straight into out. A
// failure whose data has an unexpected shape is still a failure: then the
// envelope is decoded again with its data ignored.
func decode(body []byte, out any, w wire) (Result, bool, error) {
	w.reset(target(out))
	if err := json.Unmarshal(body, w); err != nil {
		w.reset(new(json.RawMessage))
		if json.Unmarshal(body, w) != nil || w.code() == missing || w.code() == Success {
			return Result{}, false, err
		}
		return w.result(), false, nil
	}
	if w.code() == missing {
		return Result{}, false, ErrNoCode
	}
	r := w.result()
	return r, present(r, out, w.data()), nil
}

// continuation returns the continuation token of a failed GenAuth
// envelope's data: mfaToken, else token; "" when there is none. Failures
// are rare, so the second pass costs nothing on the success path.
func continuation(body []byte) string {
	var w struct {
		Data struct {
			MFAToken string `json:"mfaToken"`
			Token    string `json:"token"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &w) != nil {
		return ""
	}
	if w.Data.MFAToken != "" {
		return w.Data.MFAToken
	}
	return w.Data.Token
}

// discard is the data target of a call that ignores data: an object
// decodes into it without allocating.
type discard struct{}

// target is what an envelope's data decodes into: out, a pointer that
// encoding/json fills in place through the interface, or discard.
func target(out any) any {
	if out == nil {
		return &discard{}
	}
	return out
}

// present reports whether a successful envelope carried data. Data is
// decoded in place into the caller's value, so an absent, null or empty
// data object all leave it zero and count as no data. data is what the
// decoder left in the wire struct (nil after a JSON null).
func present(r Result, out, data any) bool {
	if !r.OK() || out == nil || data == nil {
		return false
	}
	v := reflect.ValueOf(data)
	return v.Kind() == reflect.Pointer && !v.IsNil() && !v.Elem().IsZero()
}

// V2Token is the data of a v2 login or refresh.
type V2Token struct {
	AccessToken  V2TokenPart `json:"accessToken"`
	RefreshToken V2TokenPart `json:"refreshToken"`
}

// V2TokenPart is one token of a v2 pair; ExpirationTime is epoch seconds.
type V2TokenPart struct {
	Token          string `json:"token"`
	ExpirationTime Int    `json:"expirationTime"`
}

// GenAuthToken is the data of a successful GenAuth sign-in. GenAuth sends
// the access token's lifetime in seconds as expire_in (its OpenAPI file and
// SDK DTOs) or as expires_in (its mini-program SDK, and the OAuth 2.0 name):
// both are decoded, and Lifetime applies the rule between them.
type GenAuthToken struct {
	Scope        string   `json:"scope"`
	AccessToken  string   `json:"access_token"`
	IDToken      string   `json:"id_token"`
	RefreshToken string   `json:"refresh_token"`
	TokenType    string   `json:"token_type"`
	ExpireIn     Lifetime `json:"expire_in"`
	ExpiresIn    Lifetime `json:"expires_in"`
}

// Lifetime returns the access token's lifetime in seconds and whether the
// answer gave one. When only one of expire_in and expires_in is present it
// wins; when both are, the shorter wins, so a token is never trusted longer
// than either key says.
func (t *GenAuthToken) Lifetime() (seconds int64, ok bool) {
	switch a, b := t.ExpireIn, t.ExpiresIn; {
	case a.Set && b.Set:
		return min(a.Seconds, b.Seconds), true
	case a.Set:
		return a.Seconds, true
	case b.Set:
		return b.Seconds, true
	}
	return 0, false
}

// Lifetime is a number of seconds that remembers whether the answer had it:
// absent and null leave it unset. Like Int it accepts a number or a string
// holding one.
type Lifetime struct {
	Seconds int64
	Set     bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (l *Lifetime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var i Int
	if err := i.UnmarshalJSON(b); err != nil {
		return err
	}
	l.Seconds, l.Set = int64(i), true
	return nil
}
