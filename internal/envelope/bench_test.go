package envelope

import (
	"encoding/json"
	"testing"
)

var genAuthOK = []byte(`{"statusCode":200,"message":"","data":{"scope":"openid profile offline_access","access_token":"eyJhbGciOiJSUzI1NiJ9.genauth-access.sig","id_token":"eyJhbGciOiJSUzI1NiJ9.genauth-id.sig","refresh_token":"genauth-refresh-8f0c","token_type":"Bearer","expire_in":7200}}`)

// BenchmarkDecodeGenAuth compares the envelope decoder (numbers-as-strings,
// presence checks, failure fallback) with a plain json.Unmarshal into
// fixed types: the quirks cost nothing on the success path.
func BenchmarkDecodeGenAuth(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var tok GenAuthToken
			if _, _, err := DecodeGenAuth(genAuthOK, &tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var env struct { // the answer as plain fixed types, as internal/baseline decodes it
				StatusCode Int           `json:"statusCode"`
				Message    string        `json:"message"`
				APICode    Int           `json:"apiCode"`
				RequestID  string        `json:"requestId"`
				Data       *GenAuthToken `json:"data"`
			}
			if err := json.Unmarshal(genAuthOK, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
