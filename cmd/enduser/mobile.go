package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/connections"
)

// payloadField is one leaf of a payload: a credential (string) or a switch
// (bool).
type payloadField struct {
	flag     string // e.g. "code", "phone-code"
	path     string // its JSON path in the payload, e.g. "wxPhoneInfo.code"
	kind     connections.Kind
	required bool
}

// payloadFields lists the leaves of a connection's payload, from the
// connection table. A leaf's flag is its JSON name in kebab case
// (accessToken and access_token are both --access-token); the leaves of a
// nested phone part (wxPhoneInfo, phoneParams) get the prefix "phone-".
func payloadFields(fields []connections.Field) []payloadField {
	var out []payloadField
	var walk func(fields []connections.Field, prefix, path string)
	walk = func(fields []connections.Field, prefix, path string) {
		for _, f := range fields {
			switch f.Kind {
			case connections.KindObject:
				p := prefix
				if strings.Contains(strings.ToLower(f.JSON), "phone") {
					p += "phone-"
				}
				walk(f.Object.Fields, p, path+f.JSON+".")
			default:
				out = append(out, payloadField{flag: prefix + kebab(f.JSON), path: path + f.JSON, kind: f.Kind, required: f.Required})
			}
		}
	}
	walk(fields, "", "")
	return out
}

// kebab turns a JSON name (accessToken, access_token) into a flag name
// (access-token).
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_':
			b.WriteByte('-')
		case unicode.IsUpper(r):
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mobileEnv is the variable of a mobile credential flag.
func mobileEnv(flagName string) string {
	return "ENDUSER_MOBILE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// mobileConnection is one connection of the table: its payload's leaves.
type mobileConnection struct {
	fields []payloadField
	oneOf  []string // JSON names of which one must be set (Baidu)
}

// mobileConnections indexes the connection table (every connection the SDK
// can send, multi-field ones included) by name.
func mobileConnections() map[enduser.Connection]mobileConnection {
	out := map[enduser.Connection]mobileConnection{}
	all := connections.All()
	for i := range all {
		out[enduser.Connection(all[i].Name)] = mobileConnection{fields: payloadFields(all[i].Fields), oneOf: all[i].OneOf}
	}
	return out
}

// sortedConnections returns the connection names in order.
func sortedConnections(conns map[enduser.Connection]mobileConnection) []string {
	names := make([]string, 0, len(conns))
	for c := range conns {
		names = append(names, string(c))
	}
	sort.Strings(names)
	return names
}

// mobileHelp lists every connection with the flags it takes.
func mobileHelp() string {
	conns := mobileConnections()
	var b strings.Builder
	b.WriteString("\n\nConnections and their payload flags (credential flags take only \"-\"; variable ENDUSER_MOBILE_<FLAG>):")
	for _, name := range sortedConnections(conns) {
		var flags []string
		for _, f := range conns[enduser.Connection(name)].fields {
			flags = append(flags, "--"+f.flag)
		}
		fmt.Fprintf(&b, "\n  %-36s %s", name, strings.Join(flags, " "))
	}
	return b.String()
}

func mobileFlags(fs *flag.FlagSet, cs *credentials) (loginCall, error) {
	connID := fs.String("conn-id", "", "identity-source connection identifier (extIdpConnidentifier)")
	conn := fs.String("connection", "", "connection name (see the list below), e.g. wechat, google, facebook")
	scope := fs.String("scope", "", "space-separated scope; must include openid")
	tenant := fs.String("tenant-id", "", "tenant id (options.tenantId)")

	conns := mobileConnections()
	type input struct {
		kind  connections.Kind
		cred  *credential
		on    *bool
		paths []string
		users []string
	}
	inputs := map[string]*input{}
	var order []string
	for _, name := range sortedConnections(conns) {
		for _, f := range conns[enduser.Connection(name)].fields {
			in := inputs[f.flag]
			if in == nil {
				in = &input{kind: f.kind}
				inputs[f.flag] = in
				order = append(order, f.flag)
			}
			if in.kind != f.kind {
				return nil, fmt.Errorf("login mobile: --%s has two kinds in the connection table", f.flag)
			}
			if !containsString(in.paths, f.path) {
				in.paths = append(in.paths, f.path)
			}
			in.users = append(in.users, name)
		}
	}
	sort.Strings(order)
	for _, name := range order {
		in := inputs[name]
		what := strings.Join(in.paths, ", ") + " of " + connectionList(in.users)
		if in.kind == connections.KindBool {
			in.on = fs.Bool(name, false, what)
		} else {
			in.cred = cs.add(fs, name, mobileEnv(name), what)
		}
	}

	return func(ctx context.Context, c *enduser.Client, _ int) (*enduser.Token, error) {
		mc, ok := conns[enduser.Connection(*conn)]
		if !ok {
			return nil, usagef("login mobile: --connection must be one of: %s", strings.Join(sortedConnections(conns), ", "))
		}
		takes := map[string]bool{}
		for _, f := range mc.fields {
			takes[f.flag] = true
		}
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for _, name := range order {
			if given[name] && !takes[name] {
				return nil, usagef("login mobile: connection %s takes no --%s (its flags: %s)", *conn, name, flagList(mc.fields))
			}
		}
		if err := mc.missing(inputCreds(mc, func(flag string) *credential { return inputs[flag].cred })); err != nil {
			return nil, err
		}
		wire := map[string]any{}
		for _, f := range mc.fields {
			in := inputs[f.flag]
			switch {
			case in.cred != nil && in.cred.value != "":
				setPath(wire, f.path, in.cred.value)
			case in.on != nil && *in.on:
				setPath(wire, f.path, true)
			}
		}
		b, err := json.Marshal(wire)
		if err != nil {
			return nil, err
		}
		payload, err := enduser.ParseMobilePayload(enduser.Connection(*conn), b)
		if err != nil {
			return nil, err
		}
		req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: *connID, Payload: payload}
		if *scope != "" || *tenant != "" {
			req.Options = &enduser.MobileSignInOptions{Scope: *scope, TenantID: *tenant}
		}
		return c.SignInByMobile(ctx, req)
	}, nil
}

// inputCreds returns the credential of each string field of mc, by path.
func inputCreds(mc mobileConnection, cred func(flag string) *credential) map[string]*credential {
	out := map[string]*credential{}
	for _, f := range mc.fields {
		if c := cred(f.flag); c != nil {
			out[f.path] = c
		}
	}
	return out
}

// missing is the usage error of the connection's required fields that are
// not set, each named with how to pass it.
func (mc mobileConnection) missing(byPath map[string]*credential) error {
	var req []*credential
	var labels []string
	for _, f := range mc.fields {
		if f.required && byPath[f.path] != nil {
			req = append(req, byPath[f.path])
			labels = append(labels, f.path)
		}
	}
	if err := missingLabelled("login mobile", labels, req); err != nil {
		return err
	}
	if len(mc.oneOf) == 0 {
		return nil
	}
	var alts []string
	for _, p := range mc.oneOf {
		c := byPath[p]
		if c == nil || c.value != "" {
			return nil
		}
		alts = append(alts, p+" ("+c.howToPass()+")")
	}
	return usagef("login mobile: missing one of: %s", strings.Join(alts, "; "))
}

// setPath sets a dotted path of nested JSON objects.
func setPath(m map[string]any, path string, v any) {
	for {
		k, rest, nested := strings.Cut(path, ".")
		if !nested {
			m[path] = v
			return
		}
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m, path = sub, rest
	}
}

func flagList(fields []payloadField) string {
	var out []string
	for _, f := range fields {
		out = append(out, "--"+f.flag)
	}
	return strings.Join(out, " ")
}

// connectionList names the connections, or counts them when there are many.
func connectionList(names []string) string {
	if len(names) > 4 {
		return fmt.Sprintf("%d connections", len(names))
	}
	return strings.Join(names, ", ")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
