// Command quickstart logs in through every API family and prints the
// (redacted) tokens; for the GenAuth login it prints who logged in (the sub
// of the verified id token) and refreshes once. Then it shows how a failed
// login is handled.
//
// With no environment it starts the embedded emulator in-process, so it
// needs no account and no network:
//
//	go run ./examples/quickstart
//
// With a family's variables set (enduser.ConfigFromEnv: ENDUSER_BASE_URL,
// ENDUSER_USER_DOMAIN and ENDUSER_USER_DOMAIN_SECRET for the v2 API;
// ENDUSER_GENAUTH_HOST and ENDUSER_GENAUTH_APP_ID for GenAuth), it runs
// against those real hosts instead, with the provider credentials it finds
// in the environment (see README.md), and skips, saying so, the family that
// is not configured. It first prints which host each family uses and why.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

func main() {
	if err := runMain(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func runMain() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return run(ctx, os.Stdout, os.Getenv)
}

// login is one step of the tour: a name, its family and the call, with
// credentials from the environment (real host) or invented (emulator).
type login struct {
	name   string
	family enduser.Family
	do     func(ctx context.Context, c *enduser.Client) (*enduser.Token, error)
}

func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	cfg, remote, err := config(getenv)
	if err != nil {
		return err // a half-set family: never fall back to the emulator silently
	}
	if !remote {
		srv, err := endusertest.Start()
		if err != nil {
			return err
		}
		defer srv.Close()
		cfg = srv.Config()
		fmt.Fprintf(out, "Using the embedded emulator at %s for both families: neither ENDUSER_BASE_URL nor ENDUSER_GENAUTH_HOST is set.\n\n", srv.URL())
	} else {
		describeHosts(out, cfg)
	}
	client, err := enduser.NewClient(cfg)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()

	for _, l := range logins(getenv, remote) {
		if l.family == enduser.FamilyV2 && cfg.BaseURL == "" || l.family == enduser.FamilyGenAuth && cfg.GenAuth.Host == "" {
			continue // its family is not configured: said above
		}
		tok, err := l.do(ctx, client)
		// The server's message is data an error never prints: read it on
		// purpose (it is scrubbed of the credentials the SDK knows).
		var ae *enduser.APIError
		if errors.As(err, &ae) && ae.Message != "" {
			return fmt.Errorf("%s: %w (the server says %q)", l.name, err, ae.Message)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		fmt.Fprintf(out, "%-28s %v\n", l.name, tok)
		if tok.Family == enduser.FamilyGenAuth {
			if err := genAuthSession(ctx, out, client, tok); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}

	if cfg.BaseURL == "" {
		return nil // the wrong-secret demonstration below is a v2 login
	}
	// A login signed with the wrong secret fails with a typed error.
	bad := cfg
	bad.UserDomainSecret = "not-the-secret"
	badClient, err := enduser.NewClient(bad)
	if err != nil {
		return err
	}
	defer badClient.CloseIdleConnections()
	_, err = badClient.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: getenvOr(getenv, "ENDUSER_APPLE_IDENTITY_TOKEN", "emulated-apple-identity-token")})
	switch {
	case errors.Is(err, enduser.ErrSignatureInvalid):
		fmt.Fprintf(out, "\nWrong secret, handled with errors.Is(err, enduser.ErrSignatureInvalid):\n  %v\n", err)
	case err != nil:
		return fmt.Errorf("the wrong-secret login failed unexpectedly: %w", err)
	default:
		return errors.New("the wrong-secret login succeeded")
	}
	return nil
}

// genAuthSession shows who logged in, from the verified id token, and
// refreshes the GenAuth token once.
func genAuthSession(ctx context.Context, out io.Writer, client *enduser.Client, tok *enduser.Token) error {
	if tok.IDToken != "" {
		id, err := client.VerifyIDToken(ctx, tok.IDToken) // signature, issuer, audience, expiry
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-28s sub=%s\n", "  verified id token", id.Subject)
	}
	if tok.RefreshToken == "" {
		return nil
	}
	fresh, err := client.Refresh(ctx, tok)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-28s %v\n", "  refreshed", fresh)
	return nil
}

// config reads a real deployment's config from the environment
// (enduser.ConfigFromEnv); remote is false when no family is set at all,
// and the emulator stands in for both.
func config(getenv func(string) string) (cfg enduser.Config, remote bool, err error) {
	if getenv("ENDUSER_BASE_URL") == "" && getenv("ENDUSER_GENAUTH_HOST") == "" {
		return enduser.Config{}, false, nil
	}
	cfg, err = enduser.ConfigFromEnv(getenv)
	return cfg, err == nil, err
}

// describeHosts says which host each family uses, and why a family is
// skipped.
func describeHosts(out io.Writer, cfg enduser.Config) {
	if cfg.BaseURL != "" {
		fmt.Fprintf(out, "v2 API: %s as user domain %s (ENDUSER_BASE_URL).\n", cfg.BaseURL, cfg.UserDomain)
	} else {
		fmt.Fprintln(out, "v2 API: skipped, ENDUSER_BASE_URL is not set.")
	}
	if cfg.GenAuth.Host != "" {
		fmt.Fprintf(out, "GenAuth: %s as app %s (ENDUSER_GENAUTH_HOST).\n\n", cfg.GenAuth.Host, cfg.GenAuth.AppID)
	} else {
		fmt.Fprint(out, "GenAuth: skipped, ENDUSER_GENAUTH_HOST is not set.\n\n")
	}
}

// logins lists the tour. On a real host a login runs only when its
// credentials are in the environment.
func logins(getenv func(string) string, remote bool) []login {
	v := func(key, emulated string) string {
		if remote {
			return getenv(key)
		}
		return emulated
	}
	all := []struct {
		login
		needs string
	}{
		{login{"Twitter", enduser.FamilyV2, func(ctx context.Context, c *enduser.Client) (*enduser.Token, error) {
			return c.TwitterLogin(ctx, enduser.TwitterLoginRequest{
				AppID:            v("ENDUSER_TWITTER_APP_ID", "twitter-app"),
				OAuthToken:       v("ENDUSER_TWITTER_OAUTH_TOKEN", "emulated-oauth-token"),
				OAuthTokenSecret: v("ENDUSER_TWITTER_OAUTH_TOKEN_SECRET", "emulated-oauth-token-secret"),
			})
		}}, v("ENDUSER_TWITTER_OAUTH_TOKEN", "x")},
		{login{"Apple", enduser.FamilyV2, func(ctx context.Context, c *enduser.Client) (*enduser.Token, error) {
			return c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: v("ENDUSER_APPLE_IDENTITY_TOKEN", "emulated-apple-identity-token")})
		}}, v("ENDUSER_APPLE_IDENTITY_TOKEN", "x")},
		{login{"WeChat Official Account", enduser.FamilyV2, func(ctx context.Context, c *enduser.Client) (*enduser.Token, error) {
			return c.WechatOfficialAccountLogin(ctx, enduser.WechatOfficialAccountLoginRequest{
				AppID: v("ENDUSER_WECHAT_APP_ID", "wx0123456789abcdef"),
				Code:  v("ENDUSER_WECHAT_CODE", "emulated-wechat-code"),
			})
		}}, v("ENDUSER_WECHAT_CODE", "x")},
		{login{"GenAuth mobile (wechat)", enduser.FamilyGenAuth, func(ctx context.Context, c *enduser.Client) (*enduser.Token, error) {
			return c.SignInByMobile(ctx, enduser.MobileSignInRequest{
				ExtIdpConnIdentifier: v("ENDUSER_GENAUTH_CONN_ID", "wechat-mobile"),
				Payload:              enduser.WechatPayload{Code: v("ENDUSER_GENAUTH_WECHAT_CODE", "emulated-genauth-code")},
				Options:              &enduser.MobileSignInOptions{Scope: "openid profile offline_access"},
			})
		}}, v("ENDUSER_GENAUTH_WECHAT_CODE", "x")},
	}
	var out []login
	for _, l := range all {
		if l.needs != "" {
			out = append(out, l.login)
		}
	}
	return out
}

func getenvOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
