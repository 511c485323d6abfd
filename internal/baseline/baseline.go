// Package baseline is the raw net/http + encoding/json client that the
// SDK's benchmarks measure against: it sends the identical requests and
// decodes the same answers, with nothing else.
package baseline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// NewClient returns a plain http.Client with a pool as large as the SDK's
// and the same per-call timeout as the SDK's default.
func NewClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	return &http.Client{Transport: tr, Timeout: timeout}
}

// TwitterLogin is a signed v2 Twitter login.
func TwitterLogin(ctx context.Context, hc *http.Client, base, userDomain, secret, appID, oauthToken, oauthTokenSecret string) error {
	sum := sha256.Sum256([]byte(appID + oauthToken + oauthTokenSecret + secret))
	form := url.Values{
		"appId": {appID}, "oauthToken": {oauthToken}, "oauthTokenSecret": {oauthTokenSecret},
		"signature": {hex.EncodeToString(sum[:])}, "userDomain": {userDomain},
	}
	var env struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data *struct {
			AccessToken  token `json:"accessToken"`
			RefreshToken token `json:"refreshToken"`
		} `json:"data"`
		ExtMsg string `json:"extMsg"`
	}
	return post(ctx, hc, base+"/v2/enduser/enduserapi/twitterAuthLogin", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()), nil, &env)
}

// GenAuthEnvelope is a successful GenAuth answer as a plain struct.
type GenAuthEnvelope struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Data       *struct {
		Scope        string `json:"scope"`
		AccessToken  string `json:"access_token"`
		IDToken      string `json:"id_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		ExpireIn     int64  `json:"expire_in"`
	} `json:"data"`
}

type token struct {
	Token          string `json:"token"`
	ExpirationTime int64  `json:"expirationTime"`
}

// SignInByMobile is a GenAuth sign-in with a WeChat code.
func SignInByMobile(ctx context.Context, hc *http.Client, host, appID, connID, code string) error {
	in := struct {
		ExtIdpConnidentifier string `json:"extIdpConnidentifier"`
		Connection           string `json:"connection"`
		WechatPayload        struct {
			Code string `json:"code"`
		} `json:"wechatPayload"`
	}{ExtIdpConnidentifier: connID, Connection: "wechat"}
	in.WechatPayload.Code = code
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var env GenAuthEnvelope
	return post(ctx, hc, host+"/api/v3/signin-by-mobile", "application/json", bytes.NewReader(b),
		map[string]string{"x-authing-app-id": appID}, &env)
}

func post(ctx context.Context, hc *http.Client, endpoint, contentType string, body io.Reader, header map[string]string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "baseline")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
