package envelope

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeV2(t *testing.T) {
	var tok V2Token
	r, has, err := DecodeV2([]byte(`{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer a","expirationTime":"1744780894"}},"extMsg":null,"new":1}`), &tok)
	require.NoError(t, err)
	assert.True(t, r.OK())
	assert.True(t, has)
	assert.Equal(t, Int(1744780894), tok.AccessToken.ExpirationTime, "a number sent as a string")

	r, has, err = DecodeV2([]byte(`{"code":5015,"msg":"m","data":"garbage","extMsg":"x"}`), &tok)
	require.NoError(t, err, "a failure's data is ignored")
	assert.False(t, has)
	assert.Equal(t, Result{Code: 5015, Message: "m", ExtMsg: "x"}, r)

	_, _, err = DecodeV2([]byte(`{"msg":"no code"}`), &tok)
	assert.ErrorIs(t, err, ErrNoCode)
}

func TestDecodeGenAuthAPICode(t *testing.T) {
	for _, body := range []string{`{"statusCode":400,"apiCode":2011}`, `{"statusCode":400,"apiCode":"2011"}`} {
		r, _, err := DecodeGenAuth([]byte(body), nil)
		require.NoError(t, err, body)
		assert.Equal(t, 2011, r.APICode)
	}
	_, _, err := DecodeGenAuth([]byte(`{"statusCode":400,"apiCode":"20x"}`), nil)
	assert.Error(t, err)
	_, _, err = DecodeGenAuth([]byte(`{"statusCode":1e400}`), nil)
	assert.Error(t, err, "huge numbers are rejected, not wrapped")
}

var hostile = []string{
	``, `null`, `[]`, `"str"`, `{`, `{"code":`, `{"code":200}`, `{"code":200,"data":null}`,
	`{"code":"200","data":{"accessToken":{"token":1}}}`, `{"code":99999999999999999999}`,
	`{"code":200,"code":5015}`, `{"statusCode":200,"data":{"expire_in":"-1"}}`,
	`{"statusCode":200,"data":{"access_token":"a","expire_in":9223372036854775807}}`,
	"{\"code\":200,\"msg\":\"\xff\xfe\"}", strings.Repeat(`{"a":`, 10000) + strings.Repeat(`}`, 10000),
	`{"code":200,"data":{"accessToken":{"token":"Bearer a","expirationTime":1744780894},"refreshToken":{"token":"r","expirationTime":1747365894}},"extMsg":null}`,
	`{"statusCode":200,"message":"","data":{"scope":"openid","access_token":"a","id_token":"i","refresh_token":"r","token_type":"Bearer","expire_in":7200}}`,
}

func FuzzDecodeV2(f *testing.F) {
	for _, s := range hostile {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var tok V2Token
		r, has, err := DecodeV2(body, &tok)
		if err != nil && (has || r != Result{}) {
			t.Fatalf("an error with a result: %+v %v", r, has)
		}
		if has && !r.OK() {
			t.Fatal("data decoded from a failed envelope")
		}
	})
}

func FuzzDecodeGenAuth(f *testing.F) {
	for _, s := range hostile {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var tok GenAuthToken
		r, has, err := DecodeGenAuth(body, &tok)
		if err != nil && (has || r != Result{}) {
			t.Fatalf("an error with a result: %+v %v", r, has)
		}
		if has && !r.OK() {
			t.Fatal("data decoded from a failed envelope")
		}
	})
}

func TestGenAuthTokenLifetime(t *testing.T) {
	tests := []struct {
		data string
		want int64
		ok   bool
	}{
		{`{"expire_in":7200}`, 7200, true},
		{`{"expires_in":7200}`, 7200, true},
		{`{"expire_in":7200,"expires_in":3600}`, 3600, true},
		{`{"expires_in":60,"expire_in":7200}`, 60, true},
		{`{"expires_in":"90"}`, 90, true},
		{`{"expire_in":null}`, 0, false},
		{`{}`, 0, false},
		{`{"expire_in":0}`, 0, true},
	}
	for _, tt := range tests {
		var tok GenAuthToken
		_, _, err := DecodeGenAuth([]byte(`{"statusCode":200,"data":`+tt.data+`}`), &tok)
		require.NoError(t, err, tt.data)
		got, ok := tok.Lifetime()
		assert.Equal(t, tt.want, got, tt.data)
		assert.Equal(t, tt.ok, ok, tt.data)
	}
}

func TestDecodeGenAuthContinuation(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"statusCode":401,"apiCode":1636,"message":"m","data":{"mfaToken":"MFA-1"}}`, "MFA-1"},
		{`{"statusCode":401,"apiCode":1639,"data":{"token":"FIRST-1"}}`, "FIRST-1"},
		{`{"statusCode":401,"apiCode":1636,"data":{"mfaToken":"MFA-2","token":"other"}}`, "MFA-2"},
		{`{"statusCode":401,"apiCode":1636,"data":null}`, ""},
		{`{"statusCode":401,"apiCode":1636,"data":["x"]}`, ""},
		{`{"statusCode":200,"data":{"token":"not a failure","access_token":"a"}}`, ""},
	}
	for _, tt := range tests {
		var tok GenAuthToken
		r, _, err := DecodeGenAuth([]byte(tt.body), &tok)
		require.NoError(t, err, tt.body)
		assert.Equal(t, tt.want, r.Continuation, tt.body)
	}
}
