package main

import (
	"context"
	"flag"

	"github.com/seed1804ee03/enduser"
)

// byCode and byAccessToken build the payloads of the connections whose
// credential is one code or one access token. Connections with several
// credentials (yidun, the WeChat mini program phone logins) are SDK-only.
var (
	byCode = map[enduser.Connection]func(string) enduser.MobilePayload{
		enduser.ConnectionWechat:           func(c string) enduser.MobilePayload { return enduser.WechatPayload{Code: c} },
		enduser.ConnectionApple:            func(c string) enduser.MobilePayload { return enduser.ApplePayload{Code: c} },
		enduser.ConnectionAlipay:           func(c string) enduser.MobilePayload { return enduser.AlipayPayload{Code: c} },
		enduser.ConnectionWechatwork:       func(c string) enduser.MobilePayload { return enduser.WechatworkPayload{Code: c} },
		enduser.ConnectionWechatworkAgency: func(c string) enduser.MobilePayload { return enduser.WechatworkAgencyPayload{Code: c} },
		enduser.ConnectionLarkPublic:       func(c string) enduser.MobilePayload { return enduser.LarkPublicPayload{Code: c} },
		enduser.ConnectionLarkInternal:     func(c string) enduser.MobilePayload { return enduser.LarkInternalPayload{Code: c} },
		enduser.ConnectionLarkBlock:        func(c string) enduser.MobilePayload { return enduser.LarkBlockPayload{Code: c} },
		enduser.ConnectionWechatMiniProgramCode: func(c string) enduser.MobilePayload {
			return enduser.WechatMiniProgramCodePayload{Code: c}
		},
		enduser.ConnectionGoogle:   func(c string) enduser.MobilePayload { return enduser.GooglePayload{Code: c} },
		enduser.ConnectionBaidu:    func(c string) enduser.MobilePayload { return enduser.BaiduPayload{Code: c} },
		enduser.ConnectionLinkedIn: func(c string) enduser.MobilePayload { return enduser.LinkedInPayload{Code: c} },
		enduser.ConnectionDingTalk: func(c string) enduser.MobilePayload { return enduser.DingTalkPayload{Code: c} },
		enduser.ConnectionGithub:   func(c string) enduser.MobilePayload { return enduser.GithubPayload{Code: c} },
		enduser.ConnectionGitee:    func(c string) enduser.MobilePayload { return enduser.GiteePayload{Code: c} },
		enduser.ConnectionGitlab:   func(c string) enduser.MobilePayload { return enduser.GitlabPayload{Code: c} },
		enduser.ConnectionDouyin:   func(c string) enduser.MobilePayload { return enduser.DouyinPayload{Code: c} },
		enduser.ConnectionKuaishou: func(c string) enduser.MobilePayload { return enduser.KuaishouPayload{Code: c} },
		enduser.ConnectionXiaomi:   func(c string) enduser.MobilePayload { return enduser.XiaomiPayload{Code: c} },
		enduser.ConnectionSlack:    func(c string) enduser.MobilePayload { return enduser.SlackPayload{Code: c} },
		enduser.ConnectionOPPO:     func(c string) enduser.MobilePayload { return enduser.OPPOPayload{Code: c} },
		enduser.ConnectionHuawei:   func(c string) enduser.MobilePayload { return enduser.HuaweiPayload{Code: c} },
	}
	byAccessToken = map[enduser.Connection]func(string) enduser.MobilePayload{
		enduser.ConnectionFacebook: func(t string) enduser.MobilePayload { return enduser.FacebookPayload{AccessToken: t} },
		enduser.ConnectionQQ:       func(t string) enduser.MobilePayload { return enduser.QQPayload{AccessToken: t} },
		enduser.ConnectionWeibo:    func(t string) enduser.MobilePayload { return enduser.WeiboPayload{AccessToken: t} },
		enduser.ConnectionBaidu:    func(t string) enduser.MobilePayload { return enduser.BaiduPayload{AccessToken: t} },
		enduser.ConnectionLine:     func(t string) enduser.MobilePayload { return enduser.LinePayload{AccessToken: t} },
		enduser.ConnectionAmazon:   func(t string) enduser.MobilePayload { return enduser.AmazonPayload{AccessToken: t} },
	}
)

func mobileFlags(fs *flag.FlagSet, _ env) func(context.Context, *enduser.Client, int) (*enduser.Token, error) {
	connID := fs.String("conn-id", "", "identity-source connection identifier (extIdpConnidentifier)")
	conn := fs.String("connection", "", "connection name, e.g. wechat, google, facebook")
	code := fs.String("code", "", "authorization code (code-based connections)")
	token := fs.String("access-token", "", "access token (token-based connections)")
	scope := fs.String("scope", "", "space-separated scope; must include openid")
	return func(ctx context.Context, c *enduser.Client, _ int) (*enduser.Token, error) {
		var payload enduser.MobilePayload
		mkCode, mkToken := byCode[enduser.Connection(*conn)], byAccessToken[enduser.Connection(*conn)]
		switch {
		case mkCode != nil && (*code != "" || mkToken == nil):
			payload = mkCode(*code)
		case mkToken != nil:
			payload = mkToken(*token)
		default:
			return nil, usagef("login mobile: --connection %q is not one the command line supports", *conn)
		}
		req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: *connID, Payload: payload}
		if *scope != "" {
			req.Options = &enduser.MobileSignInOptions{Scope: *scope}
		}
		return c.SignInByMobile(ctx, req)
	}
}
