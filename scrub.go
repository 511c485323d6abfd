package enduser

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
)

// scrubber is the one place that knows every secret of a call: the
// configured secrets (user-domain secret, app secret, Basic credential),
// the request's credentials, its Authorization value and bare token, its
// signature, and the tokens of the answer being decoded. Every piece of
// text the SDK copies from a server (messages, request ids, content types,
// excerpts) goes through scrub before it reaches an error or a log.
//
// A secret is looked for in every form it travels in: raw, URL-encoded
// (query and path escaping), JSON-escaped (with and without HTML escaping,
// with "/" escaped as "\/"), base64 (standard and URL alphabets, padded or
// not), and without its "Bearer "/"Basic " scheme.
type scrubber struct {
	forms []string // every form of every secret, sanitized like the text
}

// minPartial is the shortest tail of a text that is taken for the start of
// a secret cut off by the end of the text (a truncated answer).
const minPartial = 4

// add records s and every encoding of it. Empty strings are ignored.
func (sc *scrubber) add(secrets ...string) {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if scheme, rest, ok := strings.Cut(s, " "); ok && rest != "" &&
			(strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
			sc.add(rest)
		}
		sc.addForm(s)
		sc.addForm(url.QueryEscape(s))
		sc.addForm(url.PathEscape(s))
		if j, err := json.Marshal(s); err == nil {
			js := string(j[1 : len(j)-1])
			sc.addForm(js)
			sc.addForm(strings.ReplaceAll(js, "/", `\/`))
		}
		sc.addForm(jsonNoHTML(s))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			sc.addForm(enc.EncodeToString([]byte(s)))
		}
	}
}

func (sc *scrubber) addForm(f string) {
	f = sanitize(f)
	for _, have := range sc.forms {
		if have == f {
			return
		}
	}
	sc.forms = append(sc.forms, f)
}

// jsonNoHTML is s JSON-escaped the way encoders that do not escape <, >
// and & write it, without the quotes.
func jsonNoHTML(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// scrub returns text as printable ASCII (every other byte becomes '.'),
// with every occurrence of every secret replaced by [redacted], and with a
// tail that starts a secret (minPartial bytes or more: the text was cut
// inside it) replaced too; then it cuts the result to at most limit bytes
// (0: no limit). The whole text is scrubbed before it is cut, so no copy of
// a secret can slide into view.
func (sc *scrubber) scrub(text string, limit int) string {
	t := sanitize(text)
	var mask []bool
	cover := func(from, to int) {
		if mask == nil {
			mask = make([]bool, len(t))
		}
		for i := from; i < to; i++ {
			mask[i] = true
		}
	}
	for _, f := range sc.forms {
		covered := 0 // occurrences may overlap: each byte is covered once
		for i := 0; i+len(f) <= len(t); {
			j := strings.Index(t[i:], f)
			if j < 0 {
				break
			}
			cover(max(i+j, covered), i+j+len(f))
			covered = i + j + len(f)
			i += j + 1
		}
		for n := min(len(f)-1, len(t)); n >= minPartial; n-- {
			if t[len(t)-n:] == f[:n] {
				cover(len(t)-n, len(t))
				break
			}
		}
	}
	if limit <= 0 {
		limit = len(t) + len(redacted)*len(t) // no cut: room for every marker
	}
	if mask == nil {
		return t[:min(limit, len(t))]
	}
	// The whole text is masked; the cut falls between pieces, never inside
	// a marker (a marker that does not fit is left out).
	var b strings.Builder
	b.Grow(min(limit, len(t)))
	for i := 0; i < len(t); {
		if !mask[i] {
			if b.Len()+1 > limit {
				break
			}
			b.WriteByte(t[i])
			i++
			continue
		}
		if b.Len()+len(redacted) > limit {
			break
		}
		b.WriteString(redacted)
		for i < len(t) && mask[i] {
			i++
		}
	}
	return b.String()
}

// sanitize maps every byte outside printable ASCII to '.'. It works byte by
// byte, so an occurrence of a secret in a text is an occurrence of the
// sanitized secret in the sanitized text.
func sanitize(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] < 0x20 || b[j] > 0x7e {
					b[j] = '.'
				}
			}
			return string(b)
		}
	}
	return s
}

// publicJSONKeys are the keys of both envelopes (and of OAuth errors) whose
// string values are not credentials: everything else a JSON answer carries
// in a string is taken for one.
var publicJSONKeys = map[string]bool{
	"code": true, "msg": true, "extMsg": true, "statusCode": true, "message": true, "apiCode": true,
	"requestId": true, "error": true, "error_description": true, "token_type": true, "scope": true,
	"expirationTime": true, "expire_in": true, "expires_in": true,
}

// minIssued and maxIssued bound the string values of an answer that are
// scrubbed from the rest of the text too; shorter and longer ones are
// still redacted in place (a token is longer than 8 bytes and far shorter
// than 8 KiB; a longer value is no token a server would echo).
const (
	minIssued = 8
	maxIssued = 8 << 10
)

// addAnswer records, for an answer that could not be used (cut, oversized,
// undecodable), the string values under every key that is not known to be
// public: the tokens it issued, whole or cut off at the end. It returns the
// body with those values redacted in place, so that a value the scrubber
// cannot know (a cut one that is too short) is gone too. A body that does
// not start like JSON is returned as is.
func (sc *scrubber) addAnswer(body string) string {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n') {
		i++
	}
	if i == len(body) || body[i] != '{' && body[i] != '[' {
		return body
	}
	var b strings.Builder
	b.Grow(len(body))
	key := ""
	for i < len(body) {
		ch := body[i]
		if ch != '"' {
			b.WriteByte(ch)
			i++
			continue
		}
		end := i + 1 // one past the closing quote, or len(body)
		for end < len(body) && body[end] != '"' {
			if body[end] == '\\' {
				end++
			}
			end++
		}
		end = min(end+1, len(body))
		str := body[i:end]
		k := end
		for k < len(body) && (body[k] == ' ' || body[k] == '\t' || body[k] == '\r' || body[k] == '\n') {
			k++
		}
		switch {
		case k < len(body) && body[k] == ':': // a key
			key = strings.Trim(str, `"`)
			b.WriteString(str)
		case publicJSONKeys[key]:
			b.WriteString(str)
		default:
			v := strings.TrimSuffix(strings.TrimPrefix(str, `"`), `"`)
			if len(v) >= minIssued && len(v) <= maxIssued {
				sc.add(v)
				if u, err := unquoteJSON(str); err == nil && u != v {
					sc.add(u)
				}
			}
			b.WriteString(redacted)
		}
		i = end
	}
	return b.String()
}

func unquoteJSON(s string) (string, error) {
	var u string
	err := json.Unmarshal([]byte(s), &u)
	return u, err
}

// secretStrings lists the non-empty strings of a payload, to scrub them
// from response excerpts.
func secretStrings(p any) []string {
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
	walk(reflect.ValueOf(p))
	return out
}
