package enduser

import (
	"net/url"
	"strconv"
	"testing"
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
