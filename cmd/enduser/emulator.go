package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/seed1804ee03/enduser/endusertest"
)

// maxLifetime bounds the token lifetimes the emulator flags accept.
const maxLifetime = 10 * 365 * 24 * time.Hour

// runEmulator serves the emulator until ctx ends (Ctrl-C).
func runEmulator(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "emulator", "enduser emulator [--addr host:port] [--auth-method none|client_secret_post|client_secret_basic]\n"+
		"                 [--access-lifetime 2h] [--refresh-lifetime 720h] [--script file.json]\n\n"+
		"Serves both API families until Ctrl-C and prints their test credentials as export lines.\n"+
		"GET "+endusertest.CountsPath+" answers the calls each endpoint has received, as JSON by endpoint\n"+
		"name ({\"appleAuthLogin\": 2, \"oidc/token\": 0, ...}), for asserting call counts from any language.")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	method := fs.String("auth-method", "none", "GenAuth client authentication method the emulated app demands")
	access := fs.Duration("access-lifetime", 2*time.Hour, "lifetime of issued access tokens (both families), e.g. 30s to see refreshes; at most "+maxLifetime.String())
	refresh := fs.Duration("refresh-lifetime", 30*24*time.Hour, "lifetime of issued refresh tokens, e.g. 2m to see a session end; at most "+maxLifetime.String())
	scriptFile := fs.String("script", "", "JSON file of seeded users and faults to apply at start (format: go doc endusertest.Script)")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := authMethod(*method)
	if err != nil {
		return err
	}
	for _, l := range []struct {
		flag string
		d    time.Duration
	}{{"access-lifetime", *access}, {"refresh-lifetime", *refresh}} {
		if l.d < time.Second || l.d > maxLifetime {
			return usagef("emulator: --%s must be a duration from 1s to %s", l.flag, maxLifetime)
		}
	}
	var script *endusertest.Script
	if *scriptFile != "" {
		if script, err = readScript(*scriptFile); err != nil {
			return err
		}
	}
	srv, err := endusertest.Start(endusertest.WithAddr(*addr),
		endusertest.WithGenAuthApp(endusertest.DefaultAppID, endusertest.DefaultAppSecret, m),
		endusertest.WithTokenLifetimes(*access, *refresh),
		endusertest.WithClock(time.Now)) // dates its answers, as a real server does
	if err != nil {
		return err
	}
	defer srv.Close()
	if script != nil {
		if err := srv.ApplyScript(script); err != nil {
			return usagef("--script %s: %v", *scriptFile, err)
		}
		fmt.Fprintf(e.stdout, "# script %s: %d users seeded, %d faults queued\n", *scriptFile, len(script.Users), len(script.Faults))
	}
	cfg := srv.Config()
	fmt.Fprintf(e.stdout, "# tokens live %s (access) and %s (refresh); calls per endpoint: GET %s%s\n", *access, *refresh, srv.URL(), endusertest.CountsPath)
	fmt.Fprintf(e.stdout, `# enduser emulator listening on %s (Ctrl-C stops it); its test credentials:
export ENDUSER_BASE_URL=%s
export ENDUSER_USER_DOMAIN=%s
export ENDUSER_USER_DOMAIN_SECRET=%s
export ENDUSER_GENAUTH_HOST=%s
export ENDUSER_GENAUTH_APP_ID=%s
export ENDUSER_GENAUTH_APP_SECRET=%s
export ENDUSER_GENAUTH_AUTH_METHOD=%s
`, srv.URL(), cfg.BaseURL, cfg.UserDomain, cfg.UserDomainSecret, cfg.GenAuth.Host, cfg.GenAuth.AppID, cfg.GenAuth.AppSecret, m)
	<-ctx.Done()
	return nil
}

// readScript reads and checks a --script file.
func readScript(path string) (*endusertest.Script, error) {
	f, err := os.Open(path) //nolint:gosec // G304: the operator names the file
	if err != nil {
		return nil, usagef("--script: %v", err)
	}
	defer f.Close()
	sc, err := endusertest.ParseScript(f)
	if err != nil {
		return nil, usagef("--script %s: %v", path, err)
	}
	return sc, nil
}
