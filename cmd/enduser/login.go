package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser"
)

// loginFlags are the flags every login of one family shares.
type loginFlags struct {
	baseURL, userDomain       string
	genAuthHost, genAuthAppID string
	authMethod                string
	mcc                       int
	query, insecure, show     bool
	timeout                   time.Duration
	secret                    *credential // the user-domain secret or the GenAuth app secret
	envFlags                  []envFlag
}

func (f *loginFlags) register(fs *flag.FlagSet, cs *credentials, genAuth bool) {
	if genAuth {
		f.fromEnv(fs, &f.genAuthHost, "genauth-host", "ENDUSER_GENAUTH_HOST", "GenAuth app host")
		f.fromEnv(fs, &f.genAuthAppID, "genauth-app-id", "ENDUSER_GENAUTH_APP_ID", "GenAuth app id")
		f.secret = cs.add(fs, "genauth-app-secret", "ENDUSER_GENAUTH_APP_SECRET", "GenAuth app secret (client_secret_post and client_secret_basic)")
		f.fromEnv(fs, &f.authMethod, "auth-method", "ENDUSER_GENAUTH_AUTH_METHOD", "GenAuth client authentication: none (when neither is set), client_secret_post or client_secret_basic")
	} else {
		f.fromEnv(fs, &f.baseURL, "base-url", "ENDUSER_BASE_URL", "v2 API host")
		f.fromEnv(fs, &f.userDomain, "user-domain", "ENDUSER_USER_DOMAIN", "user domain")
		f.secret = cs.add(fs, "user-domain-secret", "ENDUSER_USER_DOMAIN_SECRET", "user-domain secret")
		fs.IntVar(&f.mcc, "mcc", 0, "mobile country code (0 = omitted)")
		fs.BoolVar(&f.query, "query", false, "send v2 parameters in the URL query instead of a form body")
	}
	fs.BoolVar(&f.insecure, "insecure", false, "allow plain http to a non-loopback host")
	fs.BoolVar(&f.show, "show-tokens", false, "print token values instead of [redacted]")
	fs.DurationVar(&f.timeout, "timeout", enduser.DefaultTimeout, "timeout of the call")
}

// envFlag is a string flag whose default is an environment variable.
type envFlag struct {
	p         *string
	name, env string
}

// fromEnv registers a string flag that defaults to envVar. The default is
// applied after parsing (applyEnv), so --help never prints a variable's
// value.
func (f *loginFlags) fromEnv(fs *flag.FlagSet, p *string, name, envVar, usage string) {
	fs.StringVar(p, name, "", usage+" ($"+envVar+" when not given)")
	f.envFlags = append(f.envFlags, envFlag{p, name, envVar})
}

// applyEnv sets every flag the command line did not give from its
// variable.
func (f *loginFlags) applyEnv(fs *flag.FlagSet, e env) {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, ef := range f.envFlags {
		if !given[ef.name] {
			*ef.p = e.getenv(ef.env)
		}
	}
	if f.authMethod == "" {
		f.authMethod = enduser.AuthNone.String()
	}
}

func (f *loginFlags) client(genAuth bool) (*enduser.Client, error) {
	var cfg enduser.Config
	if genAuth {
		m, err := authMethod(f.authMethod)
		if err != nil {
			return nil, err
		}
		cfg.GenAuth = enduser.GenAuthConfig{Host: f.genAuthHost, AppID: f.genAuthAppID, AppSecret: f.secret.value, AuthMethod: m}
	} else {
		cfg = enduser.Config{BaseURL: f.baseURL, UserDomain: f.userDomain, UserDomainSecret: f.secret.value}
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

// loginCall makes one login once the flags are parsed and the credentials
// resolved.
type loginCall func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error)

// provider is one login: its family, its own flags and the call.
type provider struct {
	synopsis string
	genAuth  bool
	flags    func(fs *flag.FlagSet, cs *credentials) (loginCall, error)
}

// providers returns the logins by name.
func providers() map[string]provider {
	return map[string]provider{
		"twitter": {"--app-id ID [--oauth-token -] [--oauth-token-secret -]", false,
			func(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
				app := fs.String("app-id", "", "Twitter appId")
				tok := cs.add(fs, "oauth-token", "ENDUSER_TWITTER_OAUTH_TOKEN", "Twitter oauthToken")
				sec := cs.add(fs, "oauth-token-secret", "ENDUSER_TWITTER_OAUTH_TOKEN_SECRET", "Twitter oauthTokenSecret")
				return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
					if err := missing("login twitter", tok, sec); err != nil {
						return nil, err
					}
					return c.TwitterLogin(ctx, enduser.TwitterLoginRequest{AppID: *app, OAuthToken: tok.value, OAuthTokenSecret: sec.value, MCC: mcc})
				}, nil
			}},
		"apple": {"[--identity-token -]", false, func(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
			tok := cs.add(fs, "identity-token", "ENDUSER_APPLE_IDENTITY_TOKEN", "identityToken from Sign in with Apple")
			return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
				if err := missing("login apple", tok); err != nil {
					return nil, err
				}
				return c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: tok.value, MCC: mcc})
			}, nil
		}},
		"wechat": {"--app-id ID [--code -]", false, appAndCode("code", "ENDUSER_WECHAT_CODE", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
			return c.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{AppID: app, Code: code, MCC: mcc})
		})},
		"facebook": {"--app-id ID [--code -]", false, appAndCode("code", "ENDUSER_FACEBOOK_CODE", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
			return c.FacebookLogin(ctx, enduser.FacebookLoginRequest{AppID: app, Code: code, MCC: mcc})
		})},
		"alipay": {"--app-id ID [--auth-code -]", false, appAndCode("auth-code", "ENDUSER_ALIPAY_AUTH_CODE", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
			return c.AlipayLogin(ctx, enduser.AlipayLoginRequest{AppID: app, AuthCode: code, MCC: mcc})
		})},
		"miniprogram": {"--app-id ID [--js-code -]", false, appAndCode("js-code", "ENDUSER_MINIPROGRAM_JS_CODE", func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error) {
			return c.WechatMiniProgramLogin(ctx, enduser.WechatMiniProgramLoginRequest{AppID: app, JSCode: code, MCC: mcc})
		})},
		"qq": {"[--access-token -]", false, func(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
			tok := cs.add(fs, "access-token", "ENDUSER_QQ_ACCESS_TOKEN", "accessToken from QQ's authorization")
			return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
				if err := missing("login qq", tok); err != nil {
					return nil, err
				}
				return c.QQLogin(ctx, enduser.QQLoginRequest{AccessToken: tok.value, MCC: mcc})
			}, nil
		}},
		"phone-one-tap": {"--app-id ID --version V [--msg-id ID] [--strict-check] [--expand-params P] [--app-secret -] [--token -]", false, phoneOneTapFlags},
		"mobile":        {"--conn-id ID --connection NAME [--code -] [--access-token -] ... [--scope S]", true, mobileFlags},
	}
}

// phoneOneTapFlags builds the flags of the carrier's one-tap login: the
// carrier app's secret (it signs, it is never sent) and the device's token
// are credentials.
func phoneOneTapFlags(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
	app := fs.String("app-id", "", "the carrier one-tap app's id")
	version := fs.String("version", "", "the carrier interface version, e.g. 2.0")
	msgID := fs.String("msg-id", "", "msgid (default: a random one)")
	strict := fs.Bool("strict-check", false, "have the carrier check this host's IP allow-list")
	expand := fs.String("expand-params", "", "the carrier's expandparams")
	secret := cs.add(fs, "app-secret", "ENDUSER_CARRIER_APP_SECRET", "the carrier one-tap app's secret (it signs; never sent)")
	tok := cs.add(fs, "token", "ENDUSER_CARRIER_TOKEN", "the carrier's business token from the device")
	return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
		if err := missing("login phone-one-tap", secret, tok); err != nil {
			return nil, err
		}
		return c.PhoneOneTapLogin(ctx, enduser.PhoneOneTapLoginRequest{AppID: *app, AppSecret: secret.value, Token: tok.value,
			Version: *version, MsgID: *msgID, StrictCheck: *strict, ExpandParams: *expand, MCC: mcc})
	}, nil
}

// providerNames lists the logins for messages.
func providerNames() string {
	var names []string
	for n := range providers() {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// appAndCode builds the flags of a login by appId and a single-use code.
func appAndCode(codeFlag, envVar string, call func(ctx context.Context, c *enduser.Client, app, code string, mcc int) (*enduser.Token, error)) func(*flag.FlagSet, *credentials) (loginCall, error) {
	return func(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
		app := fs.String("app-id", "", "appId")
		code := cs.add(fs, codeFlag, envVar, "single-use authorization code")
		return func(ctx context.Context, c *enduser.Client, mcc int) (*enduser.Token, error) {
			if err := missing(fs.Name(), code); err != nil {
				return nil, err
			}
			return call(ctx, c, *app, code.value, mcc)
		}, nil
	}
}

func runLogin(ctx context.Context, e env, args []string) error {
	all := providers()
	if len(args) == 0 || all[args[0]].flags == nil {
		return usagef("login: name a provider: %s", providerNames())
	}
	name, p := args[0], all[args[0]]
	cmd := "login " + name
	help := credentialsHelp(name)
	if p.genAuth {
		help += mobileHelp()
	}
	fs := newFlags(e, cmd, "enduser "+cmd+" "+p.synopsis+" [common flags]"+help)
	var lf loginFlags
	var cs credentials
	lf.register(fs, &cs, p.genAuth)
	call, err := p.flags(fs, &cs)
	if err != nil {
		return err
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := cs.resolve(e, cmd); err != nil {
		return err
	}
	lf.applyEnv(fs, e)
	if !p.genAuth || lf.authMethod == enduser.AuthClientSecretPost.String() || lf.authMethod == enduser.AuthClientSecretBasic.String() {
		if err := missing(cmd, lf.secret); err != nil { // the user-domain secret; the app secret of an authenticating app
			return err
		}
	}
	secrets := cs.values()
	if p.genAuth && lf.secret.value != "" {
		basic := lf.genAuthAppID + ":" + lf.secret.value // the Basic credential, and the header carrying it
		secrets = append(secrets, basic, "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))
	}
	c, err := lf.client(p.genAuth)
	if err != nil {
		return newScrubber(secrets...).err(err, true)
	}
	defer c.CloseIdleConnections()
	tok, err := call(ctx, c, lf.mcc)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return err // the command's own text: it names flags, never values
	case err != nil:
		return newScrubber(secrets...).err(err, errors.Is(err, enduser.ErrInvalidRequest))
	}
	return printToken(e, tok, lf.show, secrets)
}

// credentialsHelp is the paragraph of a login's --help on how credentials
// are passed.
func credentialsHelp(name string) string {
	return "\n\nCredentials are never flag values (ps and shell history would show them): each comes from\n" +
		"its variable (named below), or from standard input when its flag is given as \"-\"; several\n" +
		"\"-\" flags read one line each, in command-line order. Example:\n" +
		"  printf '%s\\n' \"$CODE\" | enduser " + "login " + name + " ... --" + exampleFlag(name) + " -"
}

func exampleFlag(name string) string {
	switch name {
	case "apple":
		return "identity-token"
	case "twitter":
		return "oauth-token"
	case "alipay":
		return "auth-code"
	case "miniprogram":
		return "js-code"
	case "qq":
		return "access-token"
	case "phone-one-tap":
		return "token"
	}
	return "code"
}

// publicTokenField reports whether the token's JSON field k holds no
// secret. Every other field is printed as [redacted] unless --show-tokens
// asks for it, so a field added to Token later is hidden by default.
func publicTokenField(k string) bool {
	switch k {
	case "family", "token_type", "expiry", "refresh_expiry", "scope":
		return true
	}
	return false
}

// printToken prints the token as JSON, its secrets redacted unless show.
// A public field holding a secret (a request credential, or an issued
// token when they are hidden) is redacted too, and the text is reduced to
// printable characters.
func printToken(e env, tok *enduser.Token, show bool, secrets []string) error {
	raw, err := json.Marshal(tok) //nolint:gosec // G117: every non-public field is redacted below unless --show-tokens asks for it
	if err != nil {
		return err
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	if !show {
		for _, s := range []string{tok.AccessToken, tok.RefreshToken, tok.IDToken} {
			secrets = append(secrets, s, strings.TrimPrefix(s, "Bearer "))
		}
	}
	sc := newScrubber(secrets...)
	for k, v := range fields {
		s, isString := v.(string)
		switch {
		case !publicTokenField(k) && !show && (!isString || s != ""):
			fields[k] = redacted
		case publicTokenField(k) && isString && (sc.contains(s) || sc.contains(jsonText(s))):
			fields[k] = redacted
		}
	}
	b, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", printableJSON(b))
	return err
}

// jsonText is s as the output shows it: JSON-escaped and made printable.
// A secret holding an escape sequence (a literal backslash) could appear
// only there.
func jsonText(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		return s
	}
	return string(printableJSON(b))
}

func authMethod(s string) (enduser.ClientAuthMethod, error) {
	for _, m := range []enduser.ClientAuthMethod{enduser.AuthNone, enduser.AuthClientSecretPost, enduser.AuthClientSecretBasic} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, usagef("unknown auth method %s: none, client_secret_post or client_secret_basic", shown(s))
}
