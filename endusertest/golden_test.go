package endusertest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	v2table "github.com/seed1804ee03/enduser/internal/endpoints"
	contract "github.com/seed1804ee03/enduser/internal/golden"
)

// goldenCarrierAppID is the carrier one-tap app id of the golden requests.
const goldenCarrierAppID = "300011111111"

// The emulator passes the golden contract of the root package
// (testdata/golden, written from independent sources): it accepts every
// golden request byte for byte and answers in the golden answers' shape.

const goldenDir = "../testdata/golden"

func golden(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, path))
	require.NoError(t, err)
	return bytes.TrimSuffix(b, []byte("\n"))
}

// send makes one raw request and decodes the JSON answer.
func send(t *testing.T, method, target, contentType, auth string, body []byte, header ...string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

// keysOf returns the keys of m and, one level down, of its object members.
func keysOf(m map[string]any, prefix string) []string {
	var out []string
	for k, v := range m {
		out = append(out, prefix+k)
		if sub, ok := v.(map[string]any); ok && prefix == "" {
			out = append(out, keysOf(sub, k+".")...)
		}
	}
	return out
}

// goldenKeys is the union of the keys of the golden answers named.
func goldenKeys(t *testing.T, dir string, files ...string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		var m map[string]any
		require.NoError(t, json.Unmarshal(golden(t, dir+"/"+f), &m))
		out = append(out, keysOf(m, "")...)
	}
	return out
}

func TestGoldenGenAuthRequestsAccepted(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(filepath.Join(goldenDir, "genauth"))
	require.NoError(t, err)
	allowed := goldenKeys(t, "genauth", "answer_expire_in.json", "answer_expires_in.json", "answer_mfa_1636.json")
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "request_") {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			body := golden(t, "genauth/"+e.Name())
			var opts []endusertest.Option
			if bytes.Contains(body, []byte(`"client_secret"`)) {
				opts = append(opts, endusertest.WithGenAuthApp(endusertest.DefaultAppID, endusertest.DefaultAppSecret, enduser.AuthClientSecretPost))
			}
			srv := endusertest.NewServer(t, opts...)
			answer := send(t, http.MethodPost, srv.URL()+"/api/v3/signin-by-mobile", "application/json", "", body,
				"x-authing-app-id", endusertest.DefaultAppID)
			require.EqualValues(t, 200, answer["statusCode"], "%v", answer)
			data, _ := answer["data"].(map[string]any)
			require.NotNil(t, data)
			assert.NotEmpty(t, data["access_token"])
			_, expireIn := data["expire_in"]
			_, expiresIn := data["expires_in"]
			assert.True(t, expireIn || expiresIn, "a lifetime under one of the golden keys")
			assert.Subset(t, allowed, keysOf(answer, ""), "only keys the golden answers have")

			// The same payload through the SDK, to a fresh emulator (codes are
			// single-use): a token.
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &m))
			var conn string
			require.NoError(t, json.Unmarshal(m["connection"], &conn))
			var payload enduser.MobilePayload
			for k, raw := range m {
				if strings.HasSuffix(k, "Payload") {
					p, perr := enduser.ParseMobilePayload(enduser.Connection(conn), raw) // not the outer err: subtests run in parallel
					require.NoError(t, perr)
					payload = p
				}
			}
			c, err := enduser.NewClient(endusertest.NewServer(t, opts...).Config())
			require.NoError(t, err)
			tok, err := c.SignInByMobile(t.Context(), enduser.MobileSignInRequest{ExtIdpConnIdentifier: "golden", Payload: payload})
			require.NoError(t, err)
			assert.True(t, tok.Valid())
			assert.Equal(t, enduser.FamilyGenAuth, tok.Family)
		})
	}
	assert.Equal(t, 33, n)
}

func TestGoldenV2RequestsAccepted(t *testing.T) {
	t.Parallel()
	var g contract.V2Requests
	require.NoError(t, json.Unmarshal(golden(t, "v2/requests.json"), &g))
	srv := endusertest.NewServer(t, endusertest.WithUserDomain(g.UserDomain, g.UserDomainSecret),
		endusertest.WithCarrierApp(goldenCarrierAppID, g.CarrierAppSecret))
	base := srv.URL() + "/v2/enduser/enduserapi/"
	const form = "application/x-www-form-urlencoded"

	// The session calls need a token the emulator issued: a second login
	// (a fresh Twitter pair) provides it, and replaces the golden token.
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	tok, err := c.TwitterLogin(t.Context(), enduser.TwitterLoginRequest{AppID: "a", OAuthToken: "session", OAuthTokenSecret: "s"})
	require.NoError(t, err)

	ops := map[string]bool{}
	for _, gc := range g.Cases {
		ops[gc.Op] = true
	}
	for _, e := range v2table.All() {
		assert.True(t, ops[e.Op], "%s has a golden case", e.Op)
	}
	for _, gc := range g.Cases {
		var answer map[string]any
		auth := gc.Authorization
		if auth != "" {
			auth = tok.AuthorizationHeader()
		}
		switch {
		case gc.Op == enduser.OpRefreshToken:
			body := strings.Replace(*gc.Form, "golden-refresh-token", url.QueryEscape(tok.RefreshToken), 1)
			answer = send(t, gc.Method, base+gc.Op, form, "", []byte(body))
		case gc.Form != nil:
			answer = send(t, gc.Method, base+gc.Op, form, auth, []byte(*gc.Form))
		default:
			target := base + gc.Op
			if *gc.Query != "" {
				target += "?" + *gc.Query
			}
			answer = send(t, gc.Method, target, "", auth, nil)
		}
		require.EqualValues(t, 200, answer["code"], "%s: %v", gc.Op, answer)
		want := goldenKeys(t, "v2", gc.Answer)
		assert.Subset(t, want, keysOf(answer, ""), "%s: only keys the golden answer has", gc.Op)
		if data, ok := answer["data"].(map[string]any); ok {
			// A token answer carries every member of the golden one; a
			// profile may leave empty fields out, but names its user.
			var m map[string]any
			require.NoError(t, json.Unmarshal(golden(t, "v2/"+gc.Answer), &m))
			wantData, _ := m["data"].(map[string]any)
			if _, isToken := wantData["accessToken"]; !isToken {
				wantData = map[string]any{"uid": nil}
			}
			for k := range wantData {
				assert.Contains(t, data, k, "%s: data.%s", gc.Op, k)
			}
		}
	}
}

// TestGoldenV2LoginsAcceptedExactly: a golden login with any one parameter
// changed (a value, the case of the carrier's sign) or left out is refused
// with the code the platform answers for it; each golden login itself is
// accepted (by a fresh emulator: credentials may be single-use).
func TestGoldenV2LoginsAcceptedExactly(t *testing.T) {
	t.Parallel()
	var g contract.V2Requests
	require.NoError(t, json.Unmarshal(golden(t, "v2/requests.json"), &g))
	newServer := func() string {
		return endusertest.NewServer(t, endusertest.WithUserDomain(g.UserDomain, g.UserDomainSecret),
			endusertest.WithCarrierApp(goldenCarrierAppID, g.CarrierAppSecret)).URL() + "/v2/enduser/enduserapi/"
	}
	const form = "application/x-www-form-urlencoded"
	for i, gc := range g.Cases {
		row, ok := v2table.Lookup(gc.Op)
		require.True(t, ok, gc.Op)
		if !row.Signed && !row.Carrier {
			continue
		}
		t.Run(strconv.Itoa(i)+"/"+gc.Op, func(t *testing.T) {
			t.Parallel()
			v, err := url.ParseQuery(*gc.Form)
			require.NoError(t, err)
			base := newServer()
			for key := range v {
				if key == "mcc" || key == "expandparams" {
					continue // optional: any value is the caller's
				}
				changed := url.Values{}
				for k, vs := range v {
					changed[k] = vs
				}
				changed.Set(key, v.Get(key)+"0")
				answer := send(t, gc.Method, base+gc.Op, form, "", []byte(changed.Encode()))
				assert.NotEqualValues(t, 200, answer["code"], "%s with %s changed", gc.Op, key)
				changed.Del(key)
				answer = send(t, gc.Method, base+gc.Op, form, "", []byte(changed.Encode()))
				assert.NotEqualValues(t, 200, answer["code"], "%s without %s", gc.Op, key)
			}
			if row.Carrier {
				lower := url.Values{}
				for k, vs := range v {
					lower[k] = vs
				}
				lower.Set("sign", strings.ToLower(v.Get("sign")))
				answer := send(t, gc.Method, base+gc.Op, form, "", []byte(lower.Encode()))
				assert.EqualValues(t, 5221, answer["code"], "the carrier's sign is uppercase hex")
			}
			answer := send(t, gc.Method, base+gc.Op, form, "", []byte(*gc.Form))
			assert.EqualValues(t, 200, answer["code"], "%v", answer)
		})
	}
}
