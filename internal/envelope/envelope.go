// Package envelope decodes the two response envelopes of the enduser SDK:
// the v2 end-user API's {code,msg,data,extMsg} and GenAuth's
// {statusCode,message,apiCode,requestId,data}. It knows the wire quirks
// (numbers sent as strings, success codes) and nothing about HTTP.
package envelope

import (
	"encoding/json"
	"errors"
	"strconv"
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
}

// OK reports whether the envelope announces success.
func (r Result) OK() bool { return r.Code == Success }

// Int is an integer that decodes from a JSON number, a string holding a
// number (older GenAuth answers send apiCode as "2011"), or null (zero).
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (i *Int) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		if s == "" {
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("envelope: not an integer")
	}
	*i = Int(n)
	return nil
}

type v2Wire struct {
	Code   *Int            `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
	ExtMsg string          `json:"extMsg"`
}

// DecodeV2 decodes a v2 envelope. When the envelope announces success and
// data is not null, it decodes data into out and reports hasData.
func DecodeV2(body []byte, out any) (r Result, hasData bool, err error) {
	var w v2Wire
	if err := json.Unmarshal(body, &w); err != nil {
		return Result{}, false, err
	}
	if w.Code == nil {
		return Result{}, false, ErrNoCode
	}
	r = Result{Code: int(*w.Code), Message: w.Msg, ExtMsg: w.ExtMsg}
	if hasData, err = decodeData(r, w.Data, out); err != nil {
		return Result{}, false, err
	}
	return r, hasData, nil
}

type genAuthWire struct {
	StatusCode *Int            `json:"statusCode"`
	Message    string          `json:"message"`
	APICode    Int             `json:"apiCode"`
	RequestID  string          `json:"requestId"`
	Data       json.RawMessage `json:"data"`
}

// DecodeGenAuth decodes a GenAuth envelope. When the envelope announces
// success and data is not null, it decodes data into out and reports hasData.
func DecodeGenAuth(body []byte, out any) (r Result, hasData bool, err error) {
	var w genAuthWire
	if err := json.Unmarshal(body, &w); err != nil {
		return Result{}, false, err
	}
	if w.StatusCode == nil {
		return Result{}, false, ErrNoCode
	}
	r = Result{Code: int(*w.StatusCode), APICode: int(w.APICode), Message: w.Message, RequestID: w.RequestID}
	if hasData, err = decodeData(r, w.Data, out); err != nil {
		return Result{}, false, err
	}
	return r, hasData, nil
}

// decodeData decodes a successful envelope's data. A failed envelope's data
// is ignored: its code says all there is to say.
func decodeData(r Result, data json.RawMessage, out any) (bool, error) {
	if !r.OK() || out == nil || len(data) == 0 || string(data) == "null" {
		return false, nil
	}
	return true, json.Unmarshal(data, out)
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

// GenAuthToken is the data of a successful GenAuth sign-in. ExpireIn is a
// lifetime in seconds.
type GenAuthToken struct {
	Scope        string `json:"scope"`
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpireIn     Int    `json:"expire_in"`
}
