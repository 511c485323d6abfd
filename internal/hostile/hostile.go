// Package hostile holds what the SDK's hostile tests share: the encodings
// a misbehaving server echoes a credential in, the credentials of a
// request, and a leak detector that reads through separators and case.
package hostile

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
)

// Encoding is one form of a credential: Name for messages, Encode to make it.
type Encoding struct {
	Name   string
	Encode func(string) string
}

// Encodings are the forms a hostile server echoes a credential in:
// those a scrubber can recognise and those it cannot. The rule that keeps
// server text out of errors, logs, Hook events and spans must hold for
// every one of them.
var Encodings = []Encoding{
	{"raw", func(s string) string { return s }},
	{"query escape", url.QueryEscape},
	{"path escape", url.PathEscape},
	{"every byte %XX", func(s string) string { return everyByte(s, "%%%02X") }},
	{"JSON", func(s string) string { j, _ := json.Marshal(s); return string(j[1 : len(j)-1]) }},
	{"JSON \\u00XX", func(s string) string { return everyByte(s, `\u%04x`) }},
	{"HTML references", func(s string) string { return everyByte(s, "&#%d;") }},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64 unpadded", func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }},
	{"base64url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"base64url unpadded", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
	{"base64 in a blob", func(s string) string { return base64.StdEncoding.EncodeToString([]byte("{x:" + s + "}")) }},
	{"upper case", strings.ToUpper},
	{"hex", func(s string) string { return hex.EncodeToString([]byte(s)) }},
	{"HEX", func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }},
	{"base32", func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }},
	{"base32 unpadded lower", func(s string) string {
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s)))
	}},
	{"quoted-printable", func(s string) string { return everyByte(s, "=%02X") }},
	{"reversed", func(s string) string { r := []byte(s); slices.Reverse(r); return string(r) }},
	{"UTF-16LE", func(s string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(s)) {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
		return b.String()
	}},
	{"halves", func(s string) string { return s[:len(s)/2] + HalfSplit + s[len(s)/2:] }},
	{"5-byte pieces", func(s string) string {
		var parts []string
		for p := range slices.Chunk([]byte(s), 5) {
			parts = append(parts, string(p))
		}
		return strings.Join(parts, " ")
	}},
	{"double URL-encoding of every byte", func(s string) string { return url.QueryEscape(everyByte(s, "%%%02X")) }},
	{"HTML references without ;", func(s string) string { return everyByte(s, "&#%d") }},
	{"HTML hex references without ;", func(s string) string { return everyByte(s, "&#x%x") }},
	{"&#37;-escaped percent signs", func(s string) string { return everyByte(s, "&#37;%02X") }},
	{"base64 of base64", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
	}},
}

// HalfSplit marks where the "halves" encoding splits a credential: the
// server sends the first halves in one field and the second in another.
const HalfSplit = "\x00|\x00"

func everyByte(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// alnum is text as the leak detector reads it: ASCII letters (lower case)
// and digits only, so that a form split by separators, escapes or other
// fields (pieces, halves, UTF-16LE's zero bytes, a %q's backslashes) is
// found whole.
func alnum(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// Leaks returns the encodings of secrets found in text ("encoding ~
// secret"), as alnum reads both: every form of at least 8 characters (of the halves encoding, the
// second half, which the server sends in a field of its own).
func Leaks(text string, secrets []string) []string {
	t := alnum(text)
	var found []string
	for _, s := range secrets {
		for _, e := range Encodings {
			form := e.Encode(s)
			if _, second, ok := strings.Cut(form, HalfSplit); ok {
				form = second // the first half of a secret may be a public value's prefix (its app id)
			}
			if f := alnum(form); len(f) >= 8 && strings.Contains(t, f) {
				found = append(found, e.Name+" ~ "+s)
			}
		}
	}
	return found
}

// publicParams are request parameters that are not credentials.
var publicParams = map[string]bool{
	"appId": true, "userDomain": true, "mcc": true, "deviceId": true, "client_id": true, "grant_type": true,
	"token_type_hint": true, "connection": true, "extIdpConnidentifier": true, "scope": true,
}

// Credentials returns every credential in r: form and query parameters,
// JSON string values, the Authorization value and its bare token.
func Credentials(r *http.Request, body []byte) []string {
	var out []string
	vals, _ := url.ParseQuery(r.URL.RawQuery)
	if form, err := url.ParseQuery(string(body)); err == nil && !json.Valid(body) {
		for k, v := range form {
			vals[k] = append(vals[k], v...)
		}
	}
	for k, v := range vals {
		if !publicParams[k] {
			out = append(out, v...)
		}
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case string:
			if !publicParams[key] {
				out = append(out, v)
			}
		}
	}
	var doc any
	if json.Unmarshal(body, &doc) == nil {
		walk("", doc)
	}
	if a := r.Header.Get("Authorization"); a != "" {
		_, bare, _ := strings.Cut(a, " ")
		out = append(out, a, bare)
	}
	return out
}
