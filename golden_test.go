package enduser_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/endpoints"
	"github.com/seed1804ee03/enduser/internal/golden"
)

// The golden contract: testdata/golden holds request bodies and answers
// written from sources independent of this repository's code (Authing's SDK
// DTOs and OpenAPI file for GenAuth, the platform's documentation and curl
// examples for v2; shared/SPEC.md "Round 2"). The SDK must send exactly
// these bytes and decode exactly these answers. endusertest/golden_test.go
// runs the emulator over the same files.

func readGolden(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", path))
	require.NoError(t, err)
	return bytes.TrimSuffix(b, []byte("\n"))
}

// goldenMobileRequest builds the SDK request of a golden body from the
// body itself: the connection names the payload, the one key that is not
// part of the envelope is its payload object.
func goldenMobileRequest(t *testing.T, body []byte) (enduser.MobileSignInRequest, enduser.GenAuthConfig) {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	var id, conn, clientID, clientSecret string
	require.NoError(t, json.Unmarshal(m["extIdpConnidentifier"], &id))
	require.NoError(t, json.Unmarshal(m["connection"], &conn))
	req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: id}
	cfg := testConfig().GenAuth
	var payloads []string
	for k, raw := range m {
		switch k {
		case "extIdpConnidentifier", "connection":
		case "options":
			req.Options = &enduser.MobileSignInOptions{}
			require.NoError(t, json.Unmarshal(raw, req.Options))
		case "client_id":
			require.NoError(t, json.Unmarshal(raw, &clientID))
		case "client_secret":
			require.NoError(t, json.Unmarshal(raw, &clientSecret))
		default:
			payloads = append(payloads, k)
			p, err := enduser.ParseMobilePayload(enduser.Connection(conn), raw)
			require.NoError(t, err, "the SDK knows every field of %s", k)
			req.Payload = p
		}
	}
	require.Len(t, payloads, 1, "a golden body has exactly one payload")
	if clientID != "" {
		cfg.AppID, cfg.AppSecret, cfg.AuthMethod = clientID, clientSecret, enduser.AuthClientSecretPost
	}
	return req, cfg
}

func goldenFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "golden", dir))
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func TestGoldenGenAuthRequests(t *testing.T) {
	t.Parallel()
	files := goldenFiles(t, "genauth", "request_")
	require.Len(t, files, 33, "one per connection, and one with options and client_secret_post")
	connections := map[string]bool{}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			want := readGolden(t, "genauth/"+f)
			req, genAuth := goldenMobileRequest(t, want)
			cfg := testConfig()
			cfg.GenAuth = genAuth
			c, mt := newTestClient(t, cfg)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, mobileURL, rec.responder(200, readGolden(t, "genauth/answer_expire_in.json")))
			_, err := c.SignInByMobile(bg, req)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(rec.last(t).Body), "byte for byte")
		})
		if f != "request_options_client_secret_post.json" {
			connections[strings.TrimSuffix(strings.TrimPrefix(f, "request_"), ".json")] = true
		}
	}
	assert.Len(t, connections, 32)
}

func TestGoldenGenAuthAnswers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ok := func(access, id, refresh, scope string, lifetime time.Duration) *enduser.Token {
		tok := &enduser.Token{Family: enduser.FamilyGenAuth, AccessToken: access, TokenType: "Bearer", IDToken: id, RefreshToken: refresh, Scope: scope}
		if lifetime > 0 {
			tok.Expiry = now.Add(lifetime)
		}
		return tok
	}
	tests := []struct {
		file         string
		want         *enduser.Token
		is           []error
		continuation string
	}{
		{"answer_expire_in.json", ok("G-access", "G-id", "G-refresh", "openid profile offline_access", 2*time.Hour), nil, ""},
		{"answer_expires_in.json", ok("G-access", "G-id", "G-refresh", "openid profile offline_access", 2*time.Hour), nil, ""},
		{"answer_both_lifetimes.json", ok("G-access", "G-id", "", "openid profile", time.Hour), nil, ""},
		{"answer_no_lifetime.json", ok("G-access", "", "", "openid", 0), nil, ""},
		{"answer_id_token_only.json", ok("G-id-only", "G-id-only", "", "openid", 14*24*time.Hour), nil, ""},
		{"answer_mfa_1636.json", nil, []error{enduser.ErrGenAuthMFARequired, enduser.ErrGenAuthStepRequired, enduser.ErrGenAuthUnauthorized}, "G-mfa-token"},
		{"answer_first_login_1639.json", nil, []error{enduser.ErrGenAuthFirstLogin, enduser.ErrGenAuthStepRequired}, "G-first-login-token"},
		{"answer_tenant_2120008.json", nil, []error{enduser.ErrGenAuthTenantMembership, enduser.ErrGenAuthTenantDenied, enduser.ErrGenAuthForbidden}, ""},
		{"answer_apicode_string.json", nil, []error{enduser.ErrGenAuthAppNotFound, enduser.ErrGenAuthAppMisconfigured, enduser.ErrGenAuthFailed}, ""},
	}
	require.Len(t, goldenFiles(t, "genauth", "answer_"), len(tests), "every golden answer has a case")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			c, mt := newTestClient(t, testConfig(), enduser.WithClock(func() time.Time { return now }))
			mt.RegisterResponder(http.MethodPost, mobileURL, httpmock.NewBytesResponder(200, readGolden(t, "genauth/"+tt.file)))
			tok, err := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.WechatPayload{Code: "c"}})
			if tt.want != nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, tok)
				return
			}
			require.Nil(t, tok)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			var apiErr *enduser.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Equal(t, tt.continuation, string(apiErr.Continuation))
		})
	}
}

// goldenV2Call calls the SDK method of a golden case: a login's by the
// method and request the case names, a session call's with the values of
// its parameters.
func goldenV2Call(t *testing.T, c *enduser.Client, gc golden.V2Case, v url.Values) (any, error) {
	t.Helper()
	tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: gc.Authorization, TokenType: "Bearer"}
	switch gc.Op {
	case enduser.OpRefreshToken:
		return c.RefreshToken(bg, v.Get("refreshToken"))
	case enduser.OpUserInfo:
		return c.UserInfo(bg, tok)
	case enduser.OpLogout:
		return nil, c.Logout(bg, tok, v.Get("deviceId"))
	}
	m := reflect.ValueOf(c).MethodByName(gc.Call)
	require.True(t, m.IsValid(), "%s: the case names the SDK method", gc.Op)
	req := reflect.New(m.Type().In(1))
	dec := json.NewDecoder(bytes.NewReader(gc.Request))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(req.Interface()), "%s: the request has the method's request type", gc.Op)
	out := m.Call([]reflect.Value{reflect.ValueOf(bg), req.Elem()})
	err, _ := out[1].Interface().(error)
	return out[0].Interface(), err
}

func TestGoldenV2(t *testing.T) {
	t.Parallel()
	var g golden.V2Requests
	require.NoError(t, json.Unmarshal(readGolden(t, "v2/requests.json"), &g))
	var ops []string
	for _, gc := range g.Cases {
		ops = append(ops, gc.Op)
	}
	var rows []string
	for _, e := range endpoints.All() {
		rows = append(rows, e.Op)
	}
	assert.ElementsMatch(t, rows, slices.Compact(slices.Sorted(slices.Values(ops))), "at least one case per v2 endpoint, and no other")
	for _, gc := range g.Cases {
		t.Run(gc.Op, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			cfg.UserDomain, cfg.UserDomainSecret = g.UserDomain, g.UserDomainSecret
			c, mt := newTestClient(t, cfg, enduser.WithClock(func() time.Time { return g.Clock }))
			rec := &recorder{}
			mt.RegisterResponder(gc.Method, v2URL(gc.Op), rec.responder(200, readGolden(t, "v2/"+gc.Answer)))
			raw := ""
			if gc.Form != nil {
				raw = *gc.Form
			} else {
				raw = *gc.Query
			}
			v, err := url.ParseQuery(raw)
			require.NoError(t, err)
			got, err := goldenV2Call(t, c, gc, v)
			require.NoError(t, err)

			sent := rec.last(t)
			assert.Equal(t, gc.Method, sent.Method)
			assert.Equal(t, gc.Authorization, sent.Header.Get("Authorization"))
			if gc.Form != nil {
				assert.Equal(t, *gc.Form, string(sent.Body), "form body byte for byte")
				assert.Empty(t, sent.URL.RawQuery)
			} else {
				assert.Equal(t, *gc.Query, sent.URL.RawQuery, "query byte for byte")
				assert.Empty(t, sent.Body)
			}
			switch r := got.(type) {
			case *enduser.Token:
				assert.Equal(t, &enduser.Token{
					Family: enduser.FamilyV2, AccessToken: "Bearer golden-access-token", TokenType: "Bearer",
					Expiry: time.Unix(1744780894, 0), RefreshToken: "golden-refresh-token-2", RefreshExpiry: time.Unix(1747365894, 0),
				}, r)
			case *enduser.UserInfo:
				assert.Equal(t, "golden-uid", r.UID)
				assert.Equal(t, "Golden", r.Nickname)
				assert.Equal(t, int64(1744773894369), r.LastLoginTimeTs)
			}
		})
	}
}
