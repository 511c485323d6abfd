package enduser

import (
	"bytes"
	"errors"
	"net/url"
	"strconv"
	"testing"

	"github.com/seed1804ee03/enduser/internal/connections"
)

// FuzzV2Form checks the v2 parameter and signature builder: whatever the
// values, the encoded form decodes back to exactly them, and the signature
// is computed over the raw values.
func FuzzV2Form(f *testing.F) {
	f.Add("tw-app", "OAUTHTOKEN", "OAUTH SECRET&=+%", 460, "secret", "E.SP.4294967410")
	f.Add("", "", "", 0, "", "")
	f.Add("\xff\xfe", "中文", "a\x00b", -1, "\n", "C.DM.10271.5")
	f.Add("a=b&c=d", "%zz", "+ +", 999, "s&userDomain=evil", "U.SP.8589934603")
	f.Fuzz(func(t *testing.T, appID, token, secretTok string, mcc int, secret, domain string) {
		vals := []string{appID, token, secretTok}
		var opt []param
		if mcc != 0 {
			opt = []param{{"mcc", strconv.Itoa(mcc)}}
		}
		form, sig := v2Form(v2Table[OpTwitterLogin], vals, opt, secret, domain)
		got, err := url.ParseQuery(string(form))
		if err != nil {
			t.Fatalf("form does not parse: %v", err)
		}
		want := url.Values{
			"appId": {appID}, "oauthToken": {token}, "oauthTokenSecret": {secretTok},
			"signature": {Sign(secret, vals...)}, "userDomain": {domain},
		}
		if mcc != 0 {
			want["mcc"] = []string{strconv.Itoa(mcc)}
		}
		if got.Encode() != want.Encode() {
			t.Fatalf("round trip:\n got %v\nwant %v", got, want)
		}
		if sig != want.Get("signature") || len(sig) != 64 {
			t.Fatalf("signature %q", sig)
		}
	})
}

// FuzzMobileBody checks the appended sign-in body: for any payload a
// connection parses and any identifier, the body equals encoding/json's
// encoding of the wire struct byte for byte, or is refused as a
// ValidationError (an empty required field).
func FuzzMobileBody(f *testing.F) {
	for _, seed := range []string{`{"code":"c"}`, `{"code":"a\"b<c>\u2028"}`, `{"wxLoginInfo":{"code":"x","iv":"\u00e9"},"wxPhoneInfo":{"encryptedData":"e","iv":"i"}}`,
		`{"isSnsCode":true,"code":"k"}`, `{"access_token":"t","id_token":"\ud800"}`} {
		f.Add(seed, uint8(0), "conn")
		f.Add(seed, uint8(11), "c\x00<")
		f.Add(seed, uint8(31), "")
	}
	rows := connections.All()
	c, err := NewClient(Config{GenAuth: GenAuthConfig{Host: "https://genauth.example.test", AppID: "app"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, wire string, i uint8, connID string) {
		p, err := ParseMobilePayload(Connection(rows[int(i)%len(rows)].Name), []byte(wire))
		if err != nil {
			return
		}
		r := MobileSignInRequest{ExtIdpConnIdentifier: connID, Payload: p}
		got, err := c.mobileBody(r)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a ValidationError: %v", err)
			}
			return
		}
		want, err := wireBody(c, r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("body\n got %s\nwant %s", got, want)
		}
	})
}
