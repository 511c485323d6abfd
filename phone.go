package enduser

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// PhoneOneTapLoginRequest is a carrier one-tap login: the device proves
// the phone's own number to the carrier, which hands the app a business
// token. Unregistered numbers are registered.
type PhoneOneTapLoginRequest struct {
	AppID, AppSecret string // the carrier one-tap app's id and secret; the secret only signs, never travels
	Token            string // the carrier's business token from the device; single-use, never logged
	Version          string // the carrier interface version, e.g. "2.0"
	MsgID            string // "" = a random one generated per call (1 to 36 characters)
	StrictCheck      bool   // the carrier checks the caller's IP allow-list
	ExpandParams     string // the carrier's expandparams; "" = omitted
	MCC              int    // mobile country code; 0 = omitted
}

// PhoneOneTapLogin logs a user in with the carrier's one-tap business
// token.
//
// POST /v2/enduser/enduserapi/phoneAuthLogin with appid, version, msgid (32
// random hex digits when MsgID is empty), systemtime, strictcheck ("0" or
// "1"), token, userDomain and sign: MD5(appid + version + msgid +
// systemtime + strictcheck + token + AppSecret) in 32 uppercase hex digits,
// as China Mobile's loginTokenValidate interface specifies. The secret is
// never sent; there is no user-domain signature. systemtime is the clock
// ([WithClock]) as yyyyMMddHHmmssSSS in UTC+8, the carrier's zone, unless
// [WithOneTapTimeZone] sets another (the carrier's documentation names none).
//
// No code names a field: an empty AppID, AppSecret, Version or Token, or a
// MsgID over 36 characters, is refused before sending with
// ErrCarrierParamsRejected (5221), what the carrier's parameter check
// answers. Codes: 5000 5013 5015 5023 5104 5220 5221 6084 6085.
func (c *Client) PhoneOneTapLogin(ctx context.Context, r PhoneOneTapLoginRequest) (*Token, error) {
	ep := v2Table[OpPhoneOneTapLogin]
	if r.AppSecret == "" || len(r.MsgID) > 36 {
		field, why := "msgid", "is longer than 36 characters"
		if r.AppSecret == "" {
			field, why = "appSecret", "is empty (it signs the request)"
		}
		return nil, &ValidationError{Op: ep.Op, Field: field, Reason: why, Err: ErrCarrierParamsRejected}
	}
	var opt []param
	if r.ExpandParams != "" {
		opt = []param{{"expandparams", r.ExpandParams}}
	}
	msgID, strict := r.MsgID, "0"
	if msgID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		msgID = hex.EncodeToString(b[:])
	}
	if r.StrictCheck {
		strict = "1"
	}
	sysTime := strings.Replace(c.opts.clock().In(c.opts.oneTapZone).Format("20060102150405.000"), ".", "", 1)
	return c.login(ctx, ep, r.MCC, opt, []string{r.AppID, r.Version, msgID, sysTime, strict, r.Token}, r.AppSecret)
}
