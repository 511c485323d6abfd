// Package connections is the one table of GenAuth sign-in-by-mobile
// connections: the `connection` value, the payload key, the payload's fields
// with their wire (JSON) and Go names, which of them are required, nested
// objects, and the either-or rule of Baidu.
//
// Everything about a connection derives from this table: `go generate` in
// the root package writes the payload types, their Connection, wire key,
// local validation and redaction methods, the private wire struct of the
// request body and the README rows (package gen); the emulator and the
// command line read the table at run time. Adding a connection is one row
// here and `go generate ./...`.
//
// Sources: GenAuth's sign-in-by-mobile API reference for the first thirty
// rows, Authing's Node SDK 4.0.2 (Authing/authing-node-sdk) for the two
// Douyin mini-program rows.
package connections

// Kind is the JSON type of a payload field.
type Kind int

// Field kinds.
const (
	KindString Kind = iota // a JSON string
	KindBool               // a JSON boolean, sent only when true
	KindObject             // a nested JSON object, always sent
)

// Field is one field of a payload object.
type Field struct {
	JSON     string  // wire name, exactly as GenAuth spells it
	Go       string  // Go field name
	Kind     Kind    // KindString, KindBool or KindObject
	Required bool    // an empty value is rejected before anything is sent
	Doc      string  // the field's comment in the generated type
	Object   *Object // the nested object when Kind is KindObject
}

// Object is a nested payload object and its Go type. A nested object may
// reuse the type of a connection (wxLoginInfo is a
// WechatMiniProgramCodePayload); otherwise the generator writes its type.
type Object struct {
	Type   string
	Doc    string
	Fields []Field
}

// Connection is one row: a GenAuth connection and its payload.
type Connection struct {
	Name   string   // the `connection` value on the wire
	Const  string   // Go constant: Connection<Const>
	Key    string   // the payload key on the wire (exactly one per body)
	Type   string   // Go payload type
	Doc    string   // what the connection is, for comments and the README
	Fields []Field  // the payload's fields in wire order
	OneOf  []string // wire names of which at least one must be set (Baidu); Required is then unused
	Note   string   // an extra sentence for the type's comment and the README row
}

// Required returns the dotted wire paths of the required fields in wire
// order; an either-or rule is one element "a|b".
func (c Connection) Required() []string {
	if len(c.OneOf) > 0 {
		s := c.OneOf[0]
		for _, n := range c.OneOf[1:] {
			s += "|" + n
		}
		return []string{s}
	}
	return requiredPaths("", c.Fields)
}

func requiredPaths(prefix string, fields []Field) []string {
	var out []string
	for _, f := range fields {
		switch {
		case f.Kind == KindObject:
			out = append(out, requiredPaths(prefix+f.JSON+".", f.Object.Fields)...)
		case f.Required:
			out = append(out, prefix+f.JSON)
		}
	}
	return out
}

// Lookup returns the row of the connection named name.
func Lookup(name string) (Connection, bool) {
	table := All()
	for i := range table {
		if table[i].Name == name {
			return table[i], true
		}
	}
	return Connection{}, false
}

// Field documentation shared by many rows.
const (
	docCode          = "authorization code from the provider's mobile SDK"
	docAccessToken   = "access token from the provider's mobile SDK"
	docEncryptedData = "encrypted user data from the mini program"
	docIV            = "initialization vector of EncryptedData"
)

func code() Field { return Field{JSON: "code", Go: "Code", Required: true, Doc: docCode} }

func accessToken() Field {
	return Field{JSON: "access_token", Go: "AccessToken", Required: true, Doc: docAccessToken}
}

func optional(f Field) Field {
	f.Required = false
	f.Doc += "; optional"
	return f
}

func encryptedData() Field {
	return Field{JSON: "encryptedData", Go: "EncryptedData", Required: true, Doc: docEncryptedData}
}

func iv() Field { return Field{JSON: "iv", Go: "IV", Required: true, Doc: docIV} }

// codeRow is a connection whose payload is one required code.
func codeRow(name, constName, key, typ, doc string) Connection {
	return Connection{Name: name, Const: constName, Key: key, Type: typ, Doc: doc, Fields: []Field{code()}}
}

// tokenRow is a connection whose payload is one required access token.
func tokenRow(name, constName, key, typ, doc string) Connection {
	return Connection{Name: name, Const: constName, Key: key, Type: typ, Doc: doc, Fields: []Field{accessToken()}}
}

// All returns the table, one row per connection, in README order. Each
// call returns a fresh copy.
func All() []Connection {
	wechatMiniCode := []Field{code(), optional(encryptedData()), optional(iv())}
	douyinMiniCode := []Field{code(), optional(encryptedData()), optional(iv())}
	return []Connection{
		codeRow("wechat", "Wechat", "wechatPayload", "WechatPayload", "WeChat mobile login"),
		codeRow("apple", "Apple", "applePayload", "ApplePayload", "Sign in with Apple on mobile"),
		codeRow("alipay", "Alipay", "alipayPayload", "AlipayPayload", "Alipay mobile login"),
		codeRow("wechatwork", "Wechatwork", "wechatworkPayload", "WechatworkPayload", "WeCom (WeChat Work) internal app login"),
		codeRow("wechatwork_agency", "WechatworkAgency", "wechatworkAgencyPayload", "WechatworkAgencyPayload", "WeCom agency app login"),
		codeRow("lark_public", "LarkPublic", "larkPublicPayload", "LarkPublicPayload", "Lark app-store app login"),
		codeRow("lark_internal", "LarkInternal", "larkInternalPayload", "LarkInternalPayload", "Lark internal app login"),
		codeRow("lark_block", "LarkBlock", "larkBlockPayload", "LarkBlockPayload", "Lark block login"),
		{
			Name: "yidun", Const: "Yidun", Key: "yidunPayload", Type: "YidunPayload", Doc: "NetEase Yidun one-tap login",
			Fields: []Field{
				{JSON: "token", Go: "Token", Required: true, Doc: "Yidun one-tap token"},
				{JSON: "accessToken", Go: "AccessToken", Required: true, Doc: "operator authorization code"},
			},
		},
		{
			Name: "wechat_mini_program_code", Const: "WechatMiniProgramCode", Key: "wechatMiniProgramCodePayload",
			Type: "WechatMiniProgramCodePayload", Doc: "WeChat mini program login by code", Fields: wechatMiniCode,
		},
		{
			Name: "wechat_mini_program_phone", Const: "WechatMiniProgramPhone", Key: "wechatMiniProgramPhonePayload",
			Type: "WechatMiniProgramPhonePayload", Doc: "WeChat mini program login by phone number",
			Fields: []Field{code(), encryptedData(), iv()},
		},
		{
			Name: "wechat_mini_program_code_and_phone", Const: "WechatMiniProgramCodeAndPhone",
			Key: "wechatMiniProgramCodeAndPhonePayload", Type: "WechatMiniProgramCodeAndPhonePayload",
			Doc: "WeChat mini program login by code and phone number",
			Fields: []Field{
				{
					JSON: "wxLoginInfo", Go: "WxLoginInfo", Kind: KindObject, Doc: "the login code, with optional encrypted data",
					Object: &Object{Type: "WechatMiniProgramCodePayload", Fields: wechatMiniCode},
				},
				{
					JSON: "wxPhoneInfo", Go: "WxPhoneInfo", Kind: KindObject, Doc: "the phone-number code",
					Object: &Object{
						Type: "WechatMiniProgramPhoneInfo", Doc: "the phone-number part of a WechatMiniProgramCodeAndPhonePayload",
						Fields: []Field{{JSON: "code", Go: "Code", Required: true, Doc: "the code from getPhoneNumber"}},
					},
				},
			},
		},
		codeRow("google", "Google", "googlePayload", "GooglePayload", "Google mobile login"),
		tokenRow("facebook", "Facebook", "facebookPayload", "FacebookPayload", "Facebook mobile login"),
		tokenRow("qq", "QQ", "qqPayload", "QQPayload", "QQ mobile login"),
		tokenRow("weibo", "Weibo", "weiboPayload", "WeiboPayload", "Weibo mobile login"),
		{
			Name: "baidu", Const: "Baidu", Key: "baiduPayload", Type: "BaiduPayload", Doc: "Baidu mobile login",
			Fields: []Field{
				{JSON: "code", Go: "Code", Doc: "authorization code"},
				{JSON: "access_token", Go: "AccessToken", Doc: "access token"},
			},
			OneOf: []string{"code", "access_token"},
			Note:  "GenAuth uses Code when both are set.",
		},
		codeRow("linkedin", "LinkedIn", "linkedInPayload", "LinkedInPayload", "LinkedIn mobile login"),
		{
			Name: "dingtalk", Const: "DingTalk", Key: "dingTalkPayload", Type: "DingTalkPayload", Doc: "DingTalk mobile login",
			Fields: []Field{
				{JSON: "code", Go: "Code", Required: true, Doc: "authorization code"},
				{JSON: "isSnsCode", Go: "IsSnsCode", Kind: KindBool, Doc: "whether Code is an SNS code; optional"},
			},
		},
		codeRow("github", "Github", "githubPayload", "GithubPayload", "GitHub mobile login"),
		codeRow("gitee", "Gitee", "giteePayload", "GiteePayload", "Gitee mobile login"),
		codeRow("gitlab", "Gitlab", "gitlabPayload", "GitlabPayload", "GitLab mobile login"),
		codeRow("douyin", "Douyin", "douyinPayload", "DouyinPayload", "Douyin mobile login"),
		codeRow("kuaishou", "Kuaishou", "kuaishouPayload", "KuaishouPayload", "Kuaishou mobile login"),
		codeRow("xiaomi", "Xiaomi", "xiaomiPayload", "XiaomiPayload", "Xiaomi mobile login"),
		{
			Name: "line", Const: "Line", Key: "linePayload", Type: "LinePayload", Doc: "LINE mobile login",
			Fields: []Field{accessToken(), {JSON: "id_token", Go: "IDToken", Doc: "OpenID Connect id token; optional"}},
		},
		codeRow("slack", "Slack", "slackPayload", "SlackPayload", "Slack mobile login"),
		codeRow("oppo", "OPPO", "oppoPayload", "OPPOPayload", "OPPO mobile login"),
		codeRow("huawei", "Huawei", "huaweiPayload", "HuaweiPayload", "Huawei mobile login"),
		tokenRow("amazon", "Amazon", "amazonPayload", "AmazonPayload", "Amazon mobile login"),
		{
			Name: "douyin_mini_program_code", Const: "DouyinMiniProgramCode", Key: "douyinMiniProgramCodePayload",
			Type: "DouyinMiniProgramCodePayload", Doc: "Douyin mini program login by tt.login code", Fields: douyinMiniCode,
		},
		{
			Name: "douyin_mini_program_code_and_phone", Const: "DouyinMiniProgramCodeAndPhone",
			Key: "douyinMiniProgramCodeAndPhonePayload", Type: "DouyinMiniProgramCodeAndPhonePayload",
			Doc: "Douyin mini program login by code and phone number",
			Fields: []Field{
				{
					JSON: "loginParams", Go: "LoginParams", Kind: KindObject, Doc: "the tt.login code, with optional encrypted data",
					Object: &Object{Type: "DouyinMiniProgramCodePayload", Fields: douyinMiniCode},
				},
				{
					JSON: "phoneParams", Go: "PhoneParams", Kind: KindObject, Doc: "the encrypted phone number, when the user granted it",
					Object: &Object{
						Type: "DouyinMiniProgramPhoneParams", Doc: "the phone-number part of a DouyinMiniProgramCodeAndPhonePayload",
						Fields: []Field{
							optional(iv()),
							optional(Field{JSON: "encryptedData", Go: "EncryptedData", Doc: "encrypted phone number from the mini program"}),
						},
					},
				},
			},
		},
		// New rows go above this line (gen/gen_test.go inserts a throwaway row here).
	}
}
