package endusertest

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/seed1804ee03/enduser"
)

const genAuthEndpoint = enduser.OpSignInByMobile

// connection is GenAuth's view of a connection: the payload key it reads
// and the credentials it needs ("a|b" means either).
type connection struct {
	key      string
	required []string
}

func codeConn(key string) connection { return connection{key, []string{"code"}} }
func tokenConn(key string) connection {
	return connection{key, []string{"access_token"}}
}

var connections = map[string]connection{
	"wechat": codeConn("wechatPayload"), "apple": codeConn("applePayload"), "alipay": codeConn("alipayPayload"),
	"wechatwork": codeConn("wechatworkPayload"), "wechatwork_agency": codeConn("wechatworkAgencyPayload"),
	"lark_public": codeConn("larkPublicPayload"), "lark_internal": codeConn("larkInternalPayload"),
	"lark_block": codeConn("larkBlockPayload"), "yidun": {"yidunPayload", []string{"token", "accessToken"}},
	"wechat_mini_program_code":  codeConn("wechatMiniProgramCodePayload"),
	"wechat_mini_program_phone": {"wechatMiniProgramPhonePayload", []string{"code", "encryptedData", "iv"}},
	"wechat_mini_program_code_and_phone": {
		"wechatMiniProgramCodeAndPhonePayload", []string{"wxLoginInfo.code", "wxPhoneInfo.code"},
	},
	"google": codeConn("googlePayload"), "facebook": tokenConn("facebookPayload"), "qq": tokenConn("qqPayload"),
	"weibo": tokenConn("weiboPayload"), "baidu": {"baiduPayload", []string{"code|access_token"}},
	"linkedin": codeConn("linkedInPayload"), "dingtalk": codeConn("dingTalkPayload"),
	"github": codeConn("githubPayload"), "gitee": codeConn("giteePayload"), "gitlab": codeConn("gitlabPayload"),
	"douyin": codeConn("douyinPayload"), "kuaishou": codeConn("kuaishouPayload"), "xiaomi": codeConn("xiaomiPayload"),
	"line": tokenConn("linePayload"), "slack": codeConn("slackPayload"), "oppo": codeConn("oppoPayload"),
	"huawei": codeConn("huaweiPayload"), "amazon": tokenConn("amazonPayload"),
	"douyin_mini_program_code": codeConn("douyinMiniProgramCodePayload"),
	"douyin_mini_program_code_and_phone": {
		"douyinMiniProgramCodeAndPhonePayload", []string{"loginParams.code"},
	},
}

func genAuthFail(status, apiCode int) response { return failure(genAuthEndpoint, status, apiCode) }

func (s *Server) signInByMobile(r *http.Request, req *Request) response {
	if r.Header.Get("x-authing-app-id") != s.set.appID {
		return genAuthFail(http.StatusBadRequest, 2011) // app does not exist
	}
	body := req.JSON
	if body == nil {
		return genAuthFail(http.StatusBadRequest, 0)
	}
	if !s.clientAuthenticated(r, body) {
		return genAuthFail(http.StatusUnauthorized, 0)
	}
	id, _ := body["extIdpConnidentifier"].(string)
	name, _ := body["connection"].(string)
	conn, known := connections[name]
	if id == "" || !known {
		return genAuthFail(http.StatusBadRequest, 0)
	}
	allowed := map[string]bool{"extIdpConnidentifier": true, "connection": true, conn.key: true, "options": true}
	if s.set.authMethod == enduser.AuthClientSecretPost {
		allowed["client_id"], allowed["client_secret"] = true, true
	}
	for k := range body {
		if !allowed[k] {
			return genAuthFail(http.StatusBadRequest, 0) // a second payload, or a stray key
		}
	}
	payload, _ := body[conn.key].(map[string]any)
	for _, need := range conn.required {
		if !hasAny(payload, strings.Split(need, "|")) {
			return genAuthFail(http.StatusBadRequest, 0)
		}
	}
	scope := "openid profile"
	if opts, _ := body["options"].(map[string]any); opts != nil {
		if sc, _ := opts["scope"].(string); sc != "" {
			if !containsWord(sc, "openid") {
				return genAuthFail(http.StatusBadRequest, 0)
			}
			scope = sc
		}
	}
	data := map[string]any{
		"scope": scope, "access_token": newID("emu-gat"), "id_token": newID("emu-git"),
		"token_type": "Bearer", "expire_in": int64(s.set.accessLifetime.Seconds()),
	}
	if containsWord(scope, "offline_access") {
		data["refresh_token"] = newID("emu-grt")
	}
	return response{http.StatusOK, map[string]any{"statusCode": 200, "message": "", "data": data}}
}

// clientAuthenticated checks the client authentication the app demands.
func (s *Server) clientAuthenticated(r *http.Request, body map[string]any) bool {
	switch s.set.authMethod {
	case enduser.AuthClientSecretPost:
		return body["client_id"] == s.set.appID && body["client_secret"] == s.set.appSecret
	case enduser.AuthClientSecretBasic:
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.set.appID+":"+s.set.appSecret))
		return r.Header.Get("Authorization") == want
	default:
		return true
	}
}

// hasAny reports whether any of the dotted paths is a non-empty string.
func hasAny(m map[string]any, paths []string) bool {
	for _, p := range paths {
		v := any(m)
		for _, part := range strings.Split(p, ".") {
			obj, _ := v.(map[string]any)
			v = obj[part]
		}
		if s, _ := v.(string); s != "" {
			return true
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}
