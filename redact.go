package enduser

import (
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

const redacted = "[redacted]"

// publicFields are the string fields of this package's exported structs that
// hold no secret: identifiers, hosts and names. Every other non-empty string,
// map or slice is printed as [redacted].
var publicFields = map[string]bool{
	"BaseURL": true, "UserDomain": true, "Host": true, "AppID": true,
	"ExtIdpConnIdentifier": true, "Scope": true, "TenantID": true, "IDTokenSigningAlg": true,
}

// redactedText renders v like %+v would, with every secret replaced.
func redactedText(v any) string {
	var b strings.Builder
	writeRedacted(&b, reflect.ValueOf(v), true)
	return b.String()
}

// formatRedacted implements fmt.Formatter for the package's secret-holding
// types: every verb and flag prints redactedText.
func formatRedacted(f fmt.State, v any) { _, _ = f.Write([]byte(redactedText(v))) }

func writeRedacted(b *strings.Builder, v reflect.Value, public bool) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("<nil>")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("<nil>")
			return
		}
		writeRedacted(b, v.Elem(), public)
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.String())
		b.WriteByte('{')
		sep := ""
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			b.WriteString(sep)
			b.WriteString(f.Name)
			b.WriteByte(':')
			writeRedacted(b, v.Field(i), publicFields[f.Name])
			sep = " "
		}
		b.WriteByte('}')
	case reflect.String:
		switch {
		case v.Len() == 0:
			b.WriteString(`""`)
		case public:
			b.WriteString(strconv.Quote(v.String()))
		default:
			b.WriteString(redacted)
		}
	case reflect.Map, reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString(redacted)
	default: // numbers, booleans and named scalar types hold no secret
		fmt.Fprint(b, v.Interface())
	}
}

// redactedLogValue implements slog.LogValuer for the package's
// secret-holding types: a group of the exported fields, secrets replaced.
func redactedLogValue(v any) slog.Value { return logValue(reflect.ValueOf(v), true) }

func logValue(v reflect.Value, public bool) slog.Value {
	switch v.Kind() {
	case reflect.Invalid:
		return slog.Value{}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return slog.Value{}
		}
		return logValue(v.Elem(), public)
	case reflect.Struct:
		t := v.Type()
		attrs := make([]slog.Attr, 0, t.NumField())
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				attrs = append(attrs, slog.Attr{Key: f.Name, Value: logValue(v.Field(i), publicFields[f.Name])})
			}
		}
		return slog.GroupValue(attrs...)
	case reflect.String:
		if v.Len() == 0 || public {
			return slog.StringValue(v.String())
		}
		return slog.StringValue(redacted)
	case reflect.Map, reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return slog.Value{}
		}
		return slog.StringValue(redacted)
	case reflect.Bool:
		return slog.BoolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int())
	default:
		return slog.StringValue(fmt.Sprint(v.Interface()))
	}
}

// redactedString is s as a printed or encoded secret: [redacted] when set.
func redactedString(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// config is the Config c was built from, for printing it redacted.
func (c *Client) config() Config {
	cfg := Config{UserDomain: c.userDomain, UserDomainSecret: c.keys().userDomainSecret, GenAuth: c.genAuth}
	cfg.GenAuth.AppSecret = c.keys().appSecret
	if c.v2Base != "" {
		cfg.BaseURL = strings.TrimSuffix(c.v2Base, v2Path)
	}
	return cfg
}

// String describes the client by its hosts and identifiers, never its
// secrets: the user-domain secret, the app secret and the Basic credential.
func (c *Client) String() string {
	if c == nil {
		return "<nil>"
	}
	return "enduser.Client" + strings.TrimPrefix(redactedText(c.config()), "enduser.Config")
}

// Format prints String for every verb and flag (%v %+v %#v %s %q %d …).
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the client as its redacted configuration.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.Value{}
	}
	return redactedLogValue(c.config())
}
