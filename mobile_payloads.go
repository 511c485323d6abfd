package enduser

import (
	"fmt"
	"log/slog"
	"reflect"
	"strings"
)

// The thirty GenAuth mobile payloads: one type per connection, JSON names
// exactly as GenAuth spells them. A string field without omitempty is a
// required credential, checked before anything is sent. Printed with fmt or
// logged with log/slog, a payload shows which fields are set, never their
// values.

// Connections, one per payload type.
const (
	ConnectionWechat                        Connection = "wechat"                             // WechatPayload
	ConnectionApple                         Connection = "apple"                              // ApplePayload
	ConnectionAlipay                        Connection = "alipay"                             // AlipayPayload
	ConnectionWechatwork                    Connection = "wechatwork"                         // WechatworkPayload
	ConnectionWechatworkAgency              Connection = "wechatwork_agency"                  // WechatworkAgencyPayload
	ConnectionLarkPublic                    Connection = "lark_public"                        // LarkPublicPayload
	ConnectionLarkInternal                  Connection = "lark_internal"                      // LarkInternalPayload
	ConnectionLarkBlock                     Connection = "lark_block"                         // LarkBlockPayload
	ConnectionYidun                         Connection = "yidun"                              // YidunPayload
	ConnectionWechatMiniProgramCode         Connection = "wechat_mini_program_code"           // WechatMiniProgramCodePayload
	ConnectionWechatMiniProgramPhone        Connection = "wechat_mini_program_phone"          // WechatMiniProgramPhonePayload
	ConnectionWechatMiniProgramCodeAndPhone Connection = "wechat_mini_program_code_and_phone" // WechatMiniProgramCodeAndPhonePayload
	ConnectionGoogle                        Connection = "google"                             // GooglePayload
	ConnectionFacebook                      Connection = "facebook"                           // FacebookPayload
	ConnectionQQ                            Connection = "qq"                                 // QQPayload
	ConnectionWeibo                         Connection = "weibo"                              // WeiboPayload
	ConnectionBaidu                         Connection = "baidu"                              // BaiduPayload
	ConnectionLinkedIn                      Connection = "linkedin"                           // LinkedInPayload
	ConnectionDingTalk                      Connection = "dingtalk"                           // DingTalkPayload
	ConnectionGithub                        Connection = "github"                             // GithubPayload
	ConnectionGitee                         Connection = "gitee"                              // GiteePayload
	ConnectionGitlab                        Connection = "gitlab"                             // GitlabPayload
	ConnectionDouyin                        Connection = "douyin"                             // DouyinPayload
	ConnectionKuaishou                      Connection = "kuaishou"                           // KuaishouPayload
	ConnectionXiaomi                        Connection = "xiaomi"                             // XiaomiPayload
	ConnectionLine                          Connection = "line"                               // LinePayload
	ConnectionSlack                         Connection = "slack"                              // SlackPayload
	ConnectionOPPO                          Connection = "oppo"                               // OPPOPayload
	ConnectionHuawei                        Connection = "huawei"                             // HuaweiPayload
	ConnectionAmazon                        Connection = "amazon"                             // AmazonPayload
)

// WechatPayload is the credential of connection "wechat" (WeChat mobile login).
type WechatPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionWechat.
func (WechatPayload) Connection() Connection { return ConnectionWechat }

func (WechatPayload) payloadKey() string { return "wechatPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatPayload) LogValue() slog.Value { return redactedLogValue(p) }

// ApplePayload is the credential of connection "apple" (Sign in with Apple on mobile).
type ApplePayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionApple.
func (ApplePayload) Connection() Connection { return ConnectionApple }

func (ApplePayload) payloadKey() string { return "applePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p ApplePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p ApplePayload) LogValue() slog.Value { return redactedLogValue(p) }

// AlipayPayload is the credential of connection "alipay" (Alipay mobile login).
type AlipayPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionAlipay.
func (AlipayPayload) Connection() Connection { return ConnectionAlipay }

func (AlipayPayload) payloadKey() string { return "alipayPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p AlipayPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p AlipayPayload) LogValue() slog.Value { return redactedLogValue(p) }

// WechatworkPayload is the credential of connection "wechatwork" (WeCom (WeChat Work) internal app login).
type WechatworkPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionWechatwork.
func (WechatworkPayload) Connection() Connection { return ConnectionWechatwork }

func (WechatworkPayload) payloadKey() string { return "wechatworkPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatworkPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatworkPayload) LogValue() slog.Value { return redactedLogValue(p) }

// WechatworkAgencyPayload is the credential of connection "wechatwork_agency" (WeCom agency app login).
type WechatworkAgencyPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionWechatworkAgency.
func (WechatworkAgencyPayload) Connection() Connection { return ConnectionWechatworkAgency }

func (WechatworkAgencyPayload) payloadKey() string { return "wechatworkAgencyPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatworkAgencyPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatworkAgencyPayload) LogValue() slog.Value { return redactedLogValue(p) }

// LarkPublicPayload is the credential of connection "lark_public" (Lark app-store app login).
type LarkPublicPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionLarkPublic.
func (LarkPublicPayload) Connection() Connection { return ConnectionLarkPublic }

func (LarkPublicPayload) payloadKey() string { return "larkPublicPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p LarkPublicPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p LarkPublicPayload) LogValue() slog.Value { return redactedLogValue(p) }

// LarkInternalPayload is the credential of connection "lark_internal" (Lark internal app login).
type LarkInternalPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionLarkInternal.
func (LarkInternalPayload) Connection() Connection { return ConnectionLarkInternal }

func (LarkInternalPayload) payloadKey() string { return "larkInternalPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p LarkInternalPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p LarkInternalPayload) LogValue() slog.Value { return redactedLogValue(p) }

// LarkBlockPayload is the credential of connection "lark_block" (Lark block login).
type LarkBlockPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionLarkBlock.
func (LarkBlockPayload) Connection() Connection { return ConnectionLarkBlock }

func (LarkBlockPayload) payloadKey() string { return "larkBlockPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p LarkBlockPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p LarkBlockPayload) LogValue() slog.Value { return redactedLogValue(p) }

// YidunPayload is the credential of connection "yidun" (NetEase Yidun one-tap login).
type YidunPayload struct {
	Token       string `json:"token"`       // Yidun one-tap token
	AccessToken string `json:"accessToken"` // operator authorization code
}

// Connection returns ConnectionYidun.
func (YidunPayload) Connection() Connection { return ConnectionYidun }

func (YidunPayload) payloadKey() string { return "yidunPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p YidunPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p YidunPayload) LogValue() slog.Value { return redactedLogValue(p) }

// WechatMiniProgramCodePayload is the credential of connection "wechat_mini_program_code" (WeChat mini program login by code).
type WechatMiniProgramCodePayload struct {
	Code          string `json:"code"`                    // authorization code from the provider's mobile SDK
	EncryptedData string `json:"encryptedData,omitempty"` // encrypted user data from the mini program; optional
	IV            string `json:"iv,omitempty"`            // initialization vector of EncryptedData; optional
}

// Connection returns ConnectionWechatMiniProgramCode.
func (WechatMiniProgramCodePayload) Connection() Connection { return ConnectionWechatMiniProgramCode }

func (WechatMiniProgramCodePayload) payloadKey() string { return "wechatMiniProgramCodePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatMiniProgramCodePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatMiniProgramCodePayload) LogValue() slog.Value { return redactedLogValue(p) }

// WechatMiniProgramPhonePayload is the credential of connection "wechat_mini_program_phone" (WeChat mini program login by phone number).
type WechatMiniProgramPhonePayload struct {
	Code          string `json:"code"`          // authorization code from the provider's mobile SDK
	EncryptedData string `json:"encryptedData"` // encrypted user data from the mini program
	IV            string `json:"iv"`            // initialization vector of EncryptedData
}

// Connection returns ConnectionWechatMiniProgramPhone.
func (WechatMiniProgramPhonePayload) Connection() Connection { return ConnectionWechatMiniProgramPhone }

func (WechatMiniProgramPhonePayload) payloadKey() string { return "wechatMiniProgramPhonePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatMiniProgramPhonePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatMiniProgramPhonePayload) LogValue() slog.Value { return redactedLogValue(p) }

// WechatMiniProgramCodeAndPhonePayload is the credential of connection
// "wechat_mini_program_code_and_phone" (WeChat mini program login by code
// and phone number).
type WechatMiniProgramCodeAndPhonePayload struct {
	WxLoginInfo WechatMiniProgramCodePayload `json:"wxLoginInfo"` // the login code, with optional encrypted data
	WxPhoneInfo WechatMiniProgramPhoneInfo   `json:"wxPhoneInfo"` // the phone-number code
}

// WechatMiniProgramPhoneInfo is the phone-number part of a
// WechatMiniProgramCodeAndPhonePayload.
type WechatMiniProgramPhoneInfo struct {
	Code string `json:"code"` // the code from getPhoneNumber
}

// Format prints the value with its credentials redacted, for every verb.
func (p WechatMiniProgramPhoneInfo) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the value with its credentials redacted.
func (p WechatMiniProgramPhoneInfo) LogValue() slog.Value { return redactedLogValue(p) }

// Connection returns ConnectionWechatMiniProgramCodeAndPhone.
func (WechatMiniProgramCodeAndPhonePayload) Connection() Connection {
	return ConnectionWechatMiniProgramCodeAndPhone
}

func (WechatMiniProgramCodeAndPhonePayload) payloadKey() string {
	return "wechatMiniProgramCodeAndPhonePayload"
}

// Format prints the payload with its credentials redacted, for every verb.
func (p WechatMiniProgramCodeAndPhonePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WechatMiniProgramCodeAndPhonePayload) LogValue() slog.Value { return redactedLogValue(p) }

// GooglePayload is the credential of connection "google" (Google mobile login).
type GooglePayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionGoogle.
func (GooglePayload) Connection() Connection { return ConnectionGoogle }

func (GooglePayload) payloadKey() string { return "googlePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p GooglePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p GooglePayload) LogValue() slog.Value { return redactedLogValue(p) }

// FacebookPayload is the credential of connection "facebook" (Facebook mobile login).
type FacebookPayload struct {
	AccessToken string `json:"access_token"` // access token from the provider's mobile SDK
}

// Connection returns ConnectionFacebook.
func (FacebookPayload) Connection() Connection { return ConnectionFacebook }

func (FacebookPayload) payloadKey() string { return "facebookPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p FacebookPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p FacebookPayload) LogValue() slog.Value { return redactedLogValue(p) }

// QQPayload is the credential of connection "qq" (QQ mobile login).
type QQPayload struct {
	AccessToken string `json:"access_token"` // access token from the provider's mobile SDK
}

// Connection returns ConnectionQQ.
func (QQPayload) Connection() Connection { return ConnectionQQ }

func (QQPayload) payloadKey() string { return "qqPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p QQPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p QQPayload) LogValue() slog.Value { return redactedLogValue(p) }

// WeiboPayload is the credential of connection "weibo" (Weibo mobile login).
type WeiboPayload struct {
	AccessToken string `json:"access_token"` // access token from the provider's mobile SDK
}

// Connection returns ConnectionWeibo.
func (WeiboPayload) Connection() Connection { return ConnectionWeibo }

func (WeiboPayload) payloadKey() string { return "weiboPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p WeiboPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p WeiboPayload) LogValue() slog.Value { return redactedLogValue(p) }

// BaiduPayload is the credential of connection "baidu" (Baidu mobile
// login): Code or AccessToken, at least one. GenAuth uses Code when both
// are set.
type BaiduPayload struct {
	Code        string `json:"code,omitempty"`         // authorization code
	AccessToken string `json:"access_token,omitempty"` // access token
}

func (p BaiduPayload) missing() string {
	if p.Code == "" && p.AccessToken == "" {
		return "code or access_token"
	}
	return ""
}

// Connection returns ConnectionBaidu.
func (BaiduPayload) Connection() Connection { return ConnectionBaidu }

func (BaiduPayload) payloadKey() string { return "baiduPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p BaiduPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p BaiduPayload) LogValue() slog.Value { return redactedLogValue(p) }

// LinkedInPayload is the credential of connection "linkedin" (LinkedIn mobile login).
type LinkedInPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionLinkedIn.
func (LinkedInPayload) Connection() Connection { return ConnectionLinkedIn }

func (LinkedInPayload) payloadKey() string { return "linkedInPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p LinkedInPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p LinkedInPayload) LogValue() slog.Value { return redactedLogValue(p) }

// DingTalkPayload is the credential of connection "dingtalk" (DingTalk
// mobile login).
type DingTalkPayload struct {
	Code      string `json:"code"`                // authorization code
	IsSnsCode bool   `json:"isSnsCode,omitempty"` // whether Code is an SNS code
}

// Connection returns ConnectionDingTalk.
func (DingTalkPayload) Connection() Connection { return ConnectionDingTalk }

func (DingTalkPayload) payloadKey() string { return "dingTalkPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p DingTalkPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p DingTalkPayload) LogValue() slog.Value { return redactedLogValue(p) }

// GithubPayload is the credential of connection "github" (GitHub mobile login).
type GithubPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionGithub.
func (GithubPayload) Connection() Connection { return ConnectionGithub }

func (GithubPayload) payloadKey() string { return "githubPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p GithubPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p GithubPayload) LogValue() slog.Value { return redactedLogValue(p) }

// GiteePayload is the credential of connection "gitee" (Gitee mobile login).
type GiteePayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionGitee.
func (GiteePayload) Connection() Connection { return ConnectionGitee }

func (GiteePayload) payloadKey() string { return "giteePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p GiteePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p GiteePayload) LogValue() slog.Value { return redactedLogValue(p) }

// GitlabPayload is the credential of connection "gitlab" (GitLab mobile login).
type GitlabPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionGitlab.
func (GitlabPayload) Connection() Connection { return ConnectionGitlab }

func (GitlabPayload) payloadKey() string { return "gitlabPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p GitlabPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p GitlabPayload) LogValue() slog.Value { return redactedLogValue(p) }

// DouyinPayload is the credential of connection "douyin" (Douyin mobile login).
type DouyinPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionDouyin.
func (DouyinPayload) Connection() Connection { return ConnectionDouyin }

func (DouyinPayload) payloadKey() string { return "douyinPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p DouyinPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p DouyinPayload) LogValue() slog.Value { return redactedLogValue(p) }

// KuaishouPayload is the credential of connection "kuaishou" (Kuaishou mobile login).
type KuaishouPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionKuaishou.
func (KuaishouPayload) Connection() Connection { return ConnectionKuaishou }

func (KuaishouPayload) payloadKey() string { return "kuaishouPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p KuaishouPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p KuaishouPayload) LogValue() slog.Value { return redactedLogValue(p) }

// XiaomiPayload is the credential of connection "xiaomi" (Xiaomi mobile login).
type XiaomiPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionXiaomi.
func (XiaomiPayload) Connection() Connection { return ConnectionXiaomi }

func (XiaomiPayload) payloadKey() string { return "xiaomiPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p XiaomiPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p XiaomiPayload) LogValue() slog.Value { return redactedLogValue(p) }

// LinePayload is the credential of connection "line" (LINE mobile login).
type LinePayload struct {
	AccessToken string `json:"access_token"`       // access token from the provider's mobile SDK
	IDToken     string `json:"id_token,omitempty"` // OpenID Connect id token; optional
}

// Connection returns ConnectionLine.
func (LinePayload) Connection() Connection { return ConnectionLine }

func (LinePayload) payloadKey() string { return "linePayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p LinePayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p LinePayload) LogValue() slog.Value { return redactedLogValue(p) }

// SlackPayload is the credential of connection "slack" (Slack mobile login).
type SlackPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionSlack.
func (SlackPayload) Connection() Connection { return ConnectionSlack }

func (SlackPayload) payloadKey() string { return "slackPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p SlackPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p SlackPayload) LogValue() slog.Value { return redactedLogValue(p) }

// OPPOPayload is the credential of connection "oppo" (OPPO mobile login).
type OPPOPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionOPPO.
func (OPPOPayload) Connection() Connection { return ConnectionOPPO }

func (OPPOPayload) payloadKey() string { return "oppoPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p OPPOPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p OPPOPayload) LogValue() slog.Value { return redactedLogValue(p) }

// HuaweiPayload is the credential of connection "huawei" (Huawei mobile login).
type HuaweiPayload struct {
	Code string `json:"code"` // authorization code from the provider's mobile SDK
}

// Connection returns ConnectionHuawei.
func (HuaweiPayload) Connection() Connection { return ConnectionHuawei }

func (HuaweiPayload) payloadKey() string { return "huaweiPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p HuaweiPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p HuaweiPayload) LogValue() slog.Value { return redactedLogValue(p) }

// AmazonPayload is the credential of connection "amazon" (Amazon mobile login).
type AmazonPayload struct {
	AccessToken string `json:"access_token"` // access token from the provider's mobile SDK
}

// Connection returns ConnectionAmazon.
func (AmazonPayload) Connection() Connection { return ConnectionAmazon }

func (AmazonPayload) payloadKey() string { return "amazonPayload" }

// Format prints the payload with its credentials redacted, for every verb.
func (p AmazonPayload) Format(f fmt.State, _ rune) { formatRedacted(f, p) }

// LogValue logs the payload with its credentials redacted.
func (p AmazonPayload) LogValue() slog.Value { return redactedLogValue(p) }

// missingCredential returns the JSON path of the payload's first empty
// required field: a string field whose tag has no omitempty, in nested
// structs too. A payload with a rule of its own (Baidu) has a missing method.
func missingCredential(p any) string {
	if m, ok := p.(interface{ missing() string }); ok {
		return m.missing()
	}
	return missingIn(reflect.Indirect(reflect.ValueOf(p)))
}

func missingIn(v reflect.Value) string {
	t := v.Type()
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			if f.Len() == 0 && opts != "omitempty" {
				return name
			}
		case reflect.Struct:
			if sub := missingIn(f); sub != "" {
				return name + "." + sub
			}
		}
	}
	return ""
}
