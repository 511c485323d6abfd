// Package redact prints the SDK's secret-holding values by reflection:
// every exported field, with every string, map and slice that is not known
// to be public replaced by [Marker]. fmt, log/slog and encoding/json then
// show the shape of a value and none of its credentials.
package redact

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// Marker replaces a secret.
const Marker = "[redacted]"

// publicFields are the string fields of the SDK's exported structs that
// hold no secret: identifiers, hosts and names. Every other non-empty
// string, map or slice is printed as Marker.
var publicFields = map[string]bool{
	"BaseURL": true, "UserDomain": true, "Host": true, "AppID": true, "Issuer": true,
	"ExtIdpConnIdentifier": true, "Scope": true, "TenantID": true, "IDTokenSigningAlg": true,
}

// Text renders v like %+v would, with every secret replaced.
func Text(v any) string {
	var b strings.Builder
	write(&b, reflect.ValueOf(v), true)
	return b.String()
}

// Format implements fmt.Formatter for a secret-holding value: every verb
// and flag prints Text.
func Format(f fmt.State, v any) { _, _ = f.Write([]byte(Text(v))) }

// String is s as a printed or encoded secret: Marker when set, "" when not.
func String(s string) string {
	if s == "" {
		return ""
	}
	return Marker
}

func write(b *strings.Builder, v reflect.Value, public bool) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("<nil>")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("<nil>")
			return
		}
		write(b, v.Elem(), public)
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
			write(b, v.Field(i), publicFields[f.Name])
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
			b.WriteString(Marker)
		}
	case reflect.Map, reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString(Marker)
	default: // numbers, booleans and named scalar types hold no secret
		fmt.Fprint(b, v.Interface())
	}
}

// LogValue implements slog.LogValuer for a secret-holding value: a group
// of the exported fields, secrets replaced.
func LogValue(v any) slog.Value { return logValue(reflect.ValueOf(v), true) }

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
		return slog.StringValue(Marker)
	case reflect.Map, reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return slog.Value{}
		}
		return slog.StringValue(Marker)
	case reflect.Bool:
		return slog.BoolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int())
	default:
		return slog.StringValue(fmt.Sprint(v.Interface()))
	}
}

// Strings lists the non-empty strings of v (a payload), for a scrubber.
func Strings(v any) []string {
	var out []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.String:
			if v.Len() > 0 {
				out = append(out, v.String())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
	return out
}

// ErrorJSON encodes err.Error() as a JSON string, never a field.
func ErrorJSON(err error) ([]byte, error) { return json.Marshal(err.Error()) }

// Error implements fmt.Formatter for an error whose fields may hold server
// text: every verb prints err.Error() (quoted for %q, hex for %x and %X),
// never a field.
func Error(f fmt.State, verb rune, err error) {
	text := err.Error()
	switch verb {
	case 'q':
		text = strconv.Quote(text)
	case 'x':
		text = hex.EncodeToString([]byte(text))
	case 'X':
		text = strings.ToUpper(hex.EncodeToString([]byte(text)))
	}
	_, _ = io.WriteString(f, text)
}
