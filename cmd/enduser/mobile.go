package main

import (
	"context"
	"flag"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/seed1804ee03/enduser"
)

// mobilePayloads returns a zero payload of every connection the SDK can
// send. Everything else (flags, variables, help, which flags a connection
// takes) is derived from the payload types, so a multi-field connection
// works like a one-code one.
func mobilePayloads() []enduser.MobilePayload {
	return []enduser.MobilePayload{
		enduser.WechatPayload{}, enduser.ApplePayload{}, enduser.AlipayPayload{},
		enduser.WechatworkPayload{}, enduser.WechatworkAgencyPayload{},
		enduser.LarkPublicPayload{}, enduser.LarkInternalPayload{}, enduser.LarkBlockPayload{},
		enduser.YidunPayload{}, enduser.WechatMiniProgramCodePayload{}, enduser.WechatMiniProgramPhonePayload{},
		enduser.WechatMiniProgramCodeAndPhonePayload{}, enduser.GooglePayload{}, enduser.FacebookPayload{},
		enduser.QQPayload{}, enduser.WeiboPayload{}, enduser.BaiduPayload{}, enduser.LinkedInPayload{},
		enduser.DingTalkPayload{}, enduser.GithubPayload{}, enduser.GiteePayload{}, enduser.GitlabPayload{},
		enduser.DouyinPayload{}, enduser.KuaishouPayload{}, enduser.XiaomiPayload{}, enduser.LinePayload{},
		enduser.SlackPayload{}, enduser.OPPOPayload{}, enduser.HuaweiPayload{}, enduser.AmazonPayload{},
	}
}

// payloadField is one leaf of a payload: a credential (string) or a switch
// (bool).
type payloadField struct {
	flag  string // e.g. "code", "phone-code"
	path  string // its JSON path, e.g. "wxPhoneInfo.code"
	index []int
	kind  reflect.Kind
}

// payloadFields lists the leaves of a payload type. A leaf's flag is its
// JSON name in kebab case (accessToken and access_token are both
// --access-token); the leaves of a nested phone part (wxPhoneInfo,
// phoneParams) get the prefix "phone-".
func payloadFields(t reflect.Type) []payloadField {
	var out []payloadField
	var walk func(t reflect.Type, index []int, prefix, path string)
	walk = func(t reflect.Type, index []int, prefix, path string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			idx := append(append([]int(nil), index...), i)
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				p := prefix
				if strings.Contains(strings.ToLower(name), "phone") {
					p += "phone-"
				}
				walk(ft, idx, p, path+name+".")
			case reflect.String, reflect.Bool:
				out = append(out, payloadField{flag: prefix + kebab(name), path: path + name, index: idx, kind: ft.Kind()})
			}
		}
	}
	walk(t, nil, "", "")
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

// mobileConnection is one connection: its zero payload and its leaves.
type mobileConnection struct {
	zero   enduser.MobilePayload
	fields []payloadField
}

// mobileConnections indexes mobilePayloads by connection.
func mobileConnections() map[enduser.Connection]mobileConnection {
	out := map[enduser.Connection]mobileConnection{}
	for _, p := range mobilePayloads() {
		out[p.Connection()] = mobileConnection{zero: p, fields: payloadFields(reflect.TypeOf(p))}
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
		kind  reflect.Kind
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
				return nil, fmt.Errorf("login mobile: --%s is a string in one payload and a bool in another", f.flag)
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
		if in.kind == reflect.Bool {
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
		v := reflect.New(reflect.TypeOf(mc.zero)).Elem()
		for _, f := range mc.fields {
			in := inputs[f.flag]
			switch {
			case in.cred != nil && in.cred.value != "":
				leaf(v, f.index).SetString(in.cred.value)
			case in.on != nil && *in.on:
				leaf(v, f.index).SetBool(true)
			}
		}
		payload, ok := v.Interface().(enduser.MobilePayload)
		if !ok {
			return nil, fmt.Errorf("login mobile: %T is not a payload", v.Interface())
		}
		req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: *connID, Payload: payload}
		if *scope != "" || *tenant != "" {
			req.Options = &enduser.MobileSignInOptions{Scope: *scope, TenantID: *tenant}
		}
		return c.SignInByMobile(ctx, req)
	}, nil
}

// leaf returns the settable field at index, allocating nil pointers on
// the way.
func leaf(v reflect.Value, index []int) reflect.Value {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v
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
