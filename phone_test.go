package enduser_test

import (
	"crypto/md5" //nolint:gosec // G501: the carrier's sign, computed independently of the SDK
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/internal/endpoints"
)

const carrierSecret = "CARRIERSECRET-7Qp2"

// oneTapNow is the client's clock in the one-tap tests: 10:30:15.123 UTC,
// 18:30:15.123 in UTC+8.
var oneTapNow = time.Date(2026, 12, 7, 10, 30, 15, 123_000_000, time.UTC)

func oneTapRequest() enduser.PhoneOneTapLoginRequest {
	return enduser.PhoneOneTapLoginRequest{AppID: "300011111111", AppSecret: carrierSecret, Token: "STsid0000001TOKEN/x+y", Version: "2.0", MsgID: "msg-1"}
}

// carrierSign is the carrier's sign written from its documentation:
// uppercase hex MD5 of the fields in order and the app secret.
func carrierSign(fields ...string) string {
	sum := md5.Sum([]byte(strings.Join(fields, "") + carrierSecret)) //nolint:gosec // G401: the carrier's sign
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func TestPhoneOneTapLoginWire(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name   string
		query  bool
		strict bool
		expand string
		mcc    int
	}{{"form", false, false, "", 0}, {"form strict with expandparams and mcc", false, true, "k=v&x", 460}, {"query", true, false, "", 0}, {"query strict with mcc", true, true, "", 234}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			opts := []enduser.Option{enduser.WithClock(func() time.Time { return oneTapNow })}
			if mode.query {
				opts = append(opts, enduser.WithQueryParams())
			}
			c, mt := newTestClient(t, testConfig(), opts...)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpPhoneOneTapLogin), rec.responder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))
			r := oneTapRequest()
			r.StrictCheck, r.ExpandParams, r.MCC = mode.strict, mode.expand, mode.mcc
			tok, err := c.PhoneOneTapLogin(bg, r)
			require.NoError(t, err)
			assert.Equal(t, "Bearer eyJhbGciOiJIUzI1NiJ9.access.sig", tok.AccessToken)

			got := rec.last(t)
			if mode.query {
				assert.Empty(t, got.Body)
			} else {
				assert.Empty(t, got.URL.RawQuery, "form mode keeps the token out of the URL")
				assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
			}
			strict := "0"
			if mode.strict {
				strict = "1"
			}
			const systemTime = "20261207183015123" // UTC+8
			want := map[string][]string{
				"appid": {r.AppID}, "version": {"2.0"}, "msgid": {"msg-1"}, "systemtime": {systemTime}, "strictcheck": {strict},
				"token": {r.Token}, "userDomain": {testDomain},
				"sign": {carrierSign(r.AppID, "2.0", "msg-1", systemTime, strict, r.Token)},
			}
			if mode.expand != "" {
				want["expandparams"] = []string{mode.expand}
			}
			if mode.mcc != 0 {
				want["mcc"] = []string{strconv.Itoa(mode.mcc)}
			}
			assert.Equal(t, want, map[string][]string(got.Form()), "no signature, no secret: the carrier's sign only")
			assert.NotContains(t, string(got.Body)+got.URL.RawQuery, carrierSecret)
		})
	}
}

func TestPhoneOneTapLoginGeneratesMsgIDAndTime(t *testing.T) {
	t.Parallel()
	now := oneTapNow
	c, mt := newTestClient(t, testConfig(), enduser.WithClock(func() time.Time { return now }),
		enduser.WithOneTapTimeZone(time.UTC))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpPhoneOneTapLogin), rec.responder(200, httpmock.File("testdata/v2/login_ok.json").Bytes()))
	r := oneTapRequest()
	r.MsgID = ""
	seen := map[string]bool{}
	for range 3 {
		_, err := c.PhoneOneTapLogin(bg, r)
		require.NoError(t, err)
		f := rec.last(t).Form()
		id := f.Get("msgid")
		assert.Regexp(t, `^[0-9a-f]{32}$`, id, "a random msgid within the carrier's 1 to 36 characters")
		assert.False(t, seen[id], "a new msgid per call")
		seen[id] = true
		assert.Equal(t, "20261207103015123", f.Get("systemtime"), "the clock in the zone WithOneTapTimeZone sets")
		assert.Equal(t, carrierSign(r.AppID, r.Version, id, "20261207103015123", "0", r.Token), f.Get("sign"))
	}
	_, err := enduser.NewClient(testConfig(), enduser.WithOneTapTimeZone(nil))
	require.Error(t, err)
}

func TestPhoneOneTapLoginLocalValidationSendsNothing(t *testing.T) {
	t.Parallel()
	row, ok := endpoints.Lookup(enduser.OpPhoneOneTapLogin)
	require.True(t, ok)
	tests := map[string]func(*enduser.PhoneOneTapLoginRequest){
		"appid":     func(r *enduser.PhoneOneTapLoginRequest) { r.AppID = "" },
		"version":   func(r *enduser.PhoneOneTapLoginRequest) { r.Version = "" },
		"token":     func(r *enduser.PhoneOneTapLoginRequest) { r.Token = "" },
		"appSecret": func(r *enduser.PhoneOneTapLoginRequest) { r.AppSecret = "" },
		"msgid":     func(r *enduser.PhoneOneTapLoginRequest) { r.MsgID = strings.Repeat("m", 37) },
	}
	for _, f := range row.Fields {
		if f.Name != "msgid" && f.Name != "systemtime" && f.Name != "strictcheck" { // the SDK writes these
			assert.Contains(t, tests, f.Name, "every field the caller gives is checked")
		}
	}
	for field, change := range tests {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			r := oneTapRequest()
			change(&r)
			_, err := c.PhoneOneTapLogin(bg, r)
			assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
			assert.ErrorIs(t, err, enduser.ErrCarrierParamsRejected)
			assert.Equal(t, enduser.ClassInvalidRequest, enduser.Class(err))
			var ve *enduser.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, field, ve.Field)
			assert.NotContains(t, err.Error(), carrierSecret)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	for _, mcc := range []int{-1, 1000} {
		c, mt := newTestClient(t, testConfig())
		r := oneTapRequest()
		r.MCC = mcc
		_, err := c.PhoneOneTapLogin(bg, r)
		assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
		assert.Zero(t, mt.GetTotalCallCount())
	}
}

func TestPhoneOneTapLoginDocumentedCodes(t *testing.T) {
	t.Parallel()
	row, ok := endpoints.Lookup(enduser.OpPhoneOneTapLogin)
	require.True(t, ok)
	for _, n := range row.Codes {
		code := enduser.Code(n)
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig())
			// A hostile server quoting the request's secrets in its message.
			r := oneTapRequest()
			body := `{"code":` + strconv.Itoa(n) + `,"msg":"no: ` + r.Token + ` ` + carrierSecret + `","data":null}`
			mt.RegisterResponder(http.MethodPost, v2URL(enduser.OpPhoneOneTapLogin), httpmock.NewStringResponder(200, body))
			tok, err := c.PhoneOneTapLogin(bg, r)
			assert.Nil(t, tok)
			assert.ErrorIs(t, err, code)
			assert.Contains(t, err.Error(), code.Text())
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, enduser.OpPhoneOneTapLogin, apiErr.Op)
			assert.NotContains(t, apiErr.Message, carrierSecret)
			assert.NotContains(t, apiErr.Message, r.Token)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a login is sent once")
		})
	}
	assert.Equal(t, enduser.ClassServer, enduser.Class(enduser.ErrCarrierServiceError))
}

func TestPhoneOneTapLoginRequestPrintsNoSecret(t *testing.T) {
	t.Parallel()
	r := oneTapRequest()
	var logs logBuffer
	logs.Logger().Info("login", slog.Any("req", r))
	//nolint:gocritic // Sprint is one of the printings under test
	for _, out := range []string{r.String(), fmt.Sprint(r), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), fmt.Sprintf("%q", r), logs.String()} {
		assert.NotContains(t, out, carrierSecret)
		assert.NotContains(t, out, r.Token)
		assert.Contains(t, out, r.AppID, "the app id is no secret")
	}
	q := enduser.QQLoginRequest{AccessToken: "QQ-SECRET-TOKEN", MCC: 460}
	assert.NotContains(t, fmt.Sprintf("%#v %s", q, q), "QQ-SECRET-TOKEN")
	assert.Contains(t, q.String(), "460")
}

// TestNewLoginsAgainstTheEmulator: the emulator checks both signatures
// (QQ's SHA-256 with the user-domain secret, the one-tap sign with the
// carrier app's secret) and accepts the SDK's requests; a wrong carrier
// secret is the carrier's parameter check failing.
func TestNewLoginsAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	tok, err := c.QQLogin(bg, enduser.QQLoginRequest{AccessToken: "qq-access"})
	require.NoError(t, err)
	info, err := c.UserInfo(bg, tok)
	require.NoError(t, err)
	assert.NotEmpty(t, info.UID)
	assert.NotEmpty(t, info.QQUserID, "the emulator names the QQ id of a QQ login")

	r := enduser.PhoneOneTapLoginRequest{AppID: endusertest.DefaultCarrierAppID, AppSecret: endusertest.DefaultCarrierAppSecret, Token: "STsid-1", Version: "2.0"}
	tok, err = c.PhoneOneTapLogin(bg, r)
	require.NoError(t, err)
	assert.True(t, tok.Valid())
	_, err = c.PhoneOneTapLogin(bg, r)
	assert.ErrorIs(t, err, enduser.ErrCarrierServiceError, "the carrier's token is single-use")

	r.Token, r.AppSecret = "STsid-2", "wrong-secret"
	_, err = c.PhoneOneTapLogin(bg, r)
	assert.ErrorIs(t, err, enduser.ErrCarrierParamsRejected)
	assert.NotContains(t, err.Error(), "wrong-secret")
}
