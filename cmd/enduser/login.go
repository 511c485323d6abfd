package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/seed1804ee03/enduser"
)

// loginFlags are the flags every login shares.
type loginFlags struct {
	baseURL, userDomain       string
	genAuthHost, genAuthAppID string
	authMethod                string
	mcc                       int
	query, insecure, show     bool
	timeout                   time.Duration
}

func (f *loginFlags) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&f.baseURL, "base-url", e.getenv("ENDUSER_BASE_URL"), "v2 API host (default $ENDUSER_BASE_URL)")
	fs.StringVar(&f.userDomain, "user-domain", e.getenv("ENDUSER_USER_DOMAIN"), "user domain (default $ENDUSER_USER_DOMAIN); the secret is read from $ENDUSER_USER_DOMAIN_SECRET")
	fs.StringVar(&f.genAuthHost, "genauth-host", e.getenv("ENDUSER_GENAUTH_HOST"), "GenAuth app host (default $ENDUSER_GENAUTH_HOST)")
	fs.StringVar(&f.genAuthAppID, "genauth-app-id", e.getenv("ENDUSER_GENAUTH_APP_ID"), "GenAuth app id (default $ENDUSER_GENAUTH_APP_ID); the secret is read from $ENDUSER_GENAUTH_APP_SECRET")
	fs.StringVar(&f.authMethod, "auth-method", envOr(e, "ENDUSER_GENAUTH_AUTH_METHOD", "none"), "GenAuth client authentication: none, client_secret_post or client_secret_basic")
	fs.IntVar(&f.mcc, "mcc", 0, "mobile country code (0 = omitted)")
	fs.BoolVar(&f.query, "query", false, "send v2 parameters in the URL query instead of a form body")
	fs.BoolVar(&f.insecure, "insecure", false, "allow plain http to a non-loopback host")
	fs.BoolVar(&f.show, "show-tokens", false, "print token values instead of [redacted]")
	fs.DurationVar(&f.timeout, "timeout", enduser.DefaultTimeout, "timeout of the call")
}

func (f *loginFlags) client(e env, mobile bool) (*enduser.Client, error) {
	var cfg enduser.Config
	if mobile {
		m, err := authMethod(f.authMethod)
		if err != nil {
			return nil, err
		}
		cfg.GenAuth = enduser.GenAuthConfig{Host: f.genAuthHost, AppID: f.genAuthAppID, AppSecret: e.getenv("ENDUSER_GENAUTH_APP_SECRET"), AuthMethod: m}
	} else {
		cfg = enduser.Config{BaseURL: f.baseURL, UserDomain: f.userDomain, UserDomainSecret: e.getenv("ENDUSER_USER_DOMAIN_SECRET")}
	}
	opts := []enduser.Option{enduser.WithTimeout(f.timeout)}
	if f.query {
		opts = append(opts, enduser.WithQueryParams())
	}
	if f.insecure {
		opts = append(opts, enduser.WithInsecureHTTP())
	}
	return enduser.NewClient(cfg, opts...)
}

// provider is one login: its own flags and the call.
type provider struct {
	synopsis string
	flags    func(fs *flag.FlagSet, e env) func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error)
}

var providers = map[string]provider{
	"twitter": {"--app-id ID --oauth-token T   (oauthTokenSecret from $ENDUSER_TWITTER_OAUTH_TOKEN_SECRET)",
		func(fs *flag.FlagSet, e env) func(context.Context, *enduser.Client, int) (*enduser.Token, error) {
			app, tok := fs.String("app-id", "", "Twitter appId"), fs.String("oauth-token", "", "oauthToken")
			return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
				return c.TwitterLogin(ctx, enduser.TwitterLoginRequest{AppID: *app, OAuthToken: *tok, OAuthTokenSecret: e.getenv("ENDUSER_TWITTER_OAUTH_TOKEN_SECRET"), MCC: mcc})
			}
		}},
	"apple": {"--identity-token T", func(fs *flag.FlagSet, _ env) func(context.Context, *enduser.Client, int) (*enduser.Token, error) {
		tok := fs.String("identity-token", "", "identityToken from Sign in with Apple")
		return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
			return c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: *tok, MCC: mcc})
		}
	}},
	"wechat": {"--app-id ID --code C", appAndCode("code", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
		return c.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: app, Code: code, MCC: mcc})
	})},
	"facebook": {"--app-id ID --code C", appAndCode("code", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
		return c.FacebookLogin(ctx, enduser.FacebookLoginRequest{AppID: app, Code: code, MCC: mcc})
	})},
	"alipay": {"--app-id ID --auth-code C", appAndCode("auth-code", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
		return c.AlipayLogin(ctx, enduser.AlipayLoginRequest{AppID: app, AuthCode: code, MCC: mcc})
	})},
	"miniprogram": {"--app-id ID --js-code C", appAndCode("js-code", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
		return c.WechatMiniProgramLogin(ctx, enduser.WechatMiniProgramLoginRequest{AppID: app, JSCode: code, MCC: mcc})
	})},
	"mobile": {"--conn-id ID --connection NAME (--code C | --access-token T) [--scope S]", mobileFlags},
}

// appAndCode builds the flags of a login by appId and a single-use code.
func appAndCode(codeFlag string, call func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error)) func(*flag.FlagSet, env) func(context.Context, *enduser.Client, int) (*enduser.Token, error) {
	return func(fs *flag.FlagSet, _ env) func(context.Context, *enduser.Client, int) (*enduser.Token, error) {
		app, code := fs.String("app-id", "", "appId"), fs.String(codeFlag, "", "single-use authorization code")
		return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
			return call(ctx, c, *app, *code, mcc)
		}
	}
}

func runLogin(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || providers[args[0]].flags == nil {
		return usagef("login: name a provider: twitter, apple, wechat, facebook, alipay, miniprogram or mobile")
	}
	name, p := args[0], providers[args[0]]
	fs := newFlags(e, "login "+name, "enduser login "+name+" "+p.synopsis+" [common flags]")
	var lf loginFlags
	lf.register(fs, e)
	call := p.flags(fs, e)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	c, err := lf.client(e, name == "mobile")
	if err != nil {
		return usageError{err.Error()}
	}
	defer c.CloseIdleConnections()
	tok, err := call(ctx, c, lf.mcc)
	if errors.Is(err, enduser.ErrInvalidRequest) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	return printToken(e, tok, lf.show)
}

// printToken prints the token as JSON, its secrets redacted unless show.
func printToken(e env, tok *enduser.Token, show bool) error {
	t := *tok
	if !show {
		for _, s := range []*string{&t.AccessToken, &t.RefreshToken, &t.IDToken} {
			if *s != "" {
				*s = "[redacted]"
			}
		}
	}
	b, err := json.MarshalIndent(t, "", "  ") //nolint:gosec // G117: token values are redacted above unless --show-tokens asks for them

	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

func authMethod(s string) (enduser.ClientAuthMethod, error) {
	for _, m := range []enduser.ClientAuthMethod{enduser.AuthNone, enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, usagef("unknown auth method %q: none, client_secret_post or client_secret_basic", s)
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}
