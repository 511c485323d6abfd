// Package scrub removes known secrets from text a server wrote, in every
// encoding a secret travels in, before the SDK keeps that text in a data
// field (APIError.Message, UnexpectedResponseError.Excerpt …) or a command
// prints it. It is the second line: the first is that errors, log records,
// Hook events and spans never carry server text at all.
package scrub

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Scrubber is the one place that knows every secret of a call: the
// configured secrets (user-domain secret, app secret, Basic credential),
// the request's credentials, its Authorization value and bare token, its
// signature, and the tokens of the answer being decoded. Every piece of
// text the SDK copies from a server (messages, request ids, content types,
// excerpts) goes through scrub before it reaches an error or a log.
//
// A secret is looked for in every form it travels in: raw, URL-encoded
// (query and path escaping), JSON-escaped (with and without HTML escaping,
// with "/" escaped as "\/"), base64 (standard and URL alphabets, padded or
// not, alone or inside a longer blob at any alignment), and without its
// "Bearer "/"Basic " scheme. Matching ignores ASCII case and reads through
// the escapes other stacks write where the SDK's encoders would not: any
// byte as %XX (either case; a double-encoded s, as %25XX, too), '+' for a space,
// \uXXXX and \/-style JSON escapes, HTML character references.
//
// A secret shorter than minSecret bytes (a test code like "a") cannot be
// told from ordinary text: it is redacted only where it stands alone (not
// inside a word or number), and not looked for in base64.
type Scrubber struct {
	forms []string // every form of every secret, sanitized and canonical (see canon)
	short []string // secrets under minSecret bytes, sanitized and canonical
}

// Redacted replaces a secret.
const Redacted = "[redacted]"

// Clone returns a copy of sc that secrets can be added to without
// changing sc.
func (sc *Scrubber) Clone() *Scrubber {
	return &Scrubber{forms: sc.forms[:len(sc.forms):len(sc.forms)], short: sc.short[:len(sc.short):len(sc.short)]}
}

// Contains reports whether text holds a secret in any of the forms Scrub
// finds.
func (sc *Scrubber) Contains(text string) bool { return sc.Scrub(text, 0) != sanitize(text) }

// minPartial is the shortest tail of a text that is taken for the start of
// a secret cut off by the end of the text (a truncated answer).
const minPartial = 4

// minSecret is the length from which a secret is redacted wherever it
// appears, in every encoding; a shorter one only where it stands alone.
const minSecret = 4

// Add records s and every encoding of it. Empty strings are ignored.
func (sc *Scrubber) Add(secrets ...string) {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if scheme, rest, ok := strings.Cut(s, " "); ok && rest != "" &&
			(strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
			sc.Add(rest)
		}
		if len(s) < minSecret {
			f := canonString(sanitize(s))
			if !slices.Contains(sc.short, f) {
				sc.short = append(sc.short, f)
			}
			continue
		}
		// The URL and JSON escapes of s are read through by Scrub (see canonical); its
		// base64 is not. Inside a longer blob, s starts at any of three
		// alignments; the characters at either end then carry bits of
		// its neighbours, so only the ones made of s alone are looked for
		// (the padded and unpadded encodings of s alone start with the
		// first of them).
		sc.addForm(s)
		sc.addForm(url.QueryEscape(s)) // once decoded, a double-encoded s
		sc.addForm(url.PathEscape(s))
		// Escapes are read through, but not an escaped escape character:
		// the raw text of a JSON form is looked for too.
		if j, err := json.Marshal(s); err == nil {
			sc.addForm(string(j[1 : len(j)-1]))
		}
		sc.addForm(jsonNoHTML(s))
		for o := range 3 {
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				e := enc.EncodeToString([]byte(strings.Repeat("\x00", o) + s))
				if o == 0 {
					sc.addForm(e)
				}
				if core := e[(8*o+5)/6 : 8*(o+len(s))/6]; len(core) >= minSecret {
					sc.addForm(core)
				}
			}
		}
	}
}

// addForm records f as it is looked for in a text's raw and decoded views
// (see Scrub).
func (sc *Scrubber) addForm(f string) {
	f = sanitize(f)
	fs := []string{canonString(f)}
	if strings.ContainsAny(f, `%\\&`) {
		d, _, _ := decoded(f)
		fs = append(fs, d)
	}
	for _, f := range fs {
		if f != "" && !slices.Contains(sc.forms, f) {
			sc.forms = append(sc.forms, f)
		}
	}
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

// Scrub returns text as printable ASCII (every other byte becomes '.'),
// with every occurrence of every secret replaced by [redacted], and with a
// tail that starts a secret (minPartial bytes or more: the text was cut
// inside it) replaced too; then it cuts the result to at most limit bytes
// (0: no limit). The whole text is scrubbed before it is cut, so no copy of
// a secret can slide into view.
func (sc *Scrubber) Scrub(text string, limit int) string {
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
	sc.find(canonString(t), nil, len(t), cover)
	if strings.ContainsAny(t, `%\&`) {
		v, pos, cut := decoded(t)
		sc.find(v, pos, cut, cover)
	}
	if limit <= 0 {
		limit = len(t) + len(Redacted)*len(t) // no cut: room for every marker
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
		if b.Len()+len(Redacted) > limit {
			break
		}
		b.WriteString(Redacted)
		for i < len(t) && mask[i] {
			i++
		}
	}
	return b.String()
}

// find covers, in the text t that v was made from, every occurrence of
// every secret in v and a tail of v that starts one. pos[i] is where byte
// i of v starts in t and pos[len(v)] is len(t); nil means byte for byte.
// The text ends at cut in v if an escape was cut off there (see decoded).
func (sc *Scrubber) find(v string, pos []int32, cut int, cover func(from, to int)) {
	at := func(i int) int {
		if pos == nil {
			return i
		}
		return int(pos[i])
	}
	for _, f := range sc.forms {
		covered := 0 // occurrences may overlap: each byte is covered once
		for i := 0; i+len(f) <= len(v); {
			j := strings.Index(v[i:], f)
			if j < 0 {
				break
			}
			cover(max(at(i+j), covered), at(i+j+len(f)))
			covered = at(i + j + len(f))
			i += j + 1
		}
		for _, end := range []int{len(v), cut} {
			for n := min(len(f)-1, end); n >= minPartial; n-- {
				if v[end-n:end] == f[:n] {
					cover(at(end-n), at(len(v)))
					break
				}
			}
		}
	}
	for _, f := range sc.short {
		for i := 0; i+len(f) <= len(v); {
			j := strings.Index(v[i:], f)
			if j < 0 {
				break
			}
			if from, to := i+j, i+j+len(f); (from == 0 || !isAlnum(v[from-1])) && (to == len(v) || !isAlnum(v[to])) {
				cover(at(from), at(to))
			}
			i += j + 1
		}
	}
}

// decoded returns t (printable ASCII, with an escape) as secrets are
// looked for in it: escapes decoded (see decodeAt), then canon applied.
// pos[i] is where byte i of v starts in t, and pos[len(v)] is len(t). An
// escape cut off by the end of t is kept as it is, from v[cut] on (cut is
// len(v) when there is none), so that a secret cut inside one is still
// seen.
func decoded(t string) (v string, pos []int32, cut int) {
	cut = -1
	b := make([]byte, 0, len(t))
	pos = make([]int32, 0, len(t)+1)
	for i := 0; i < len(t); {
		c, w := decodeAt(t, i)
		if w == 0 { // an escape cut by the end of t: kept as it is
			cut = len(b)
			c, w = t[i], 1
		}
		b = append(b, canon(c))
		pos = append(pos, int32(i)) //nolint:gosec // G115: a text is far shorter than 2 GiB
		i += w
	}
	pos = append(pos, int32(len(t))) //nolint:gosec // G115: as above
	if cut < 0 {
		cut = len(b)
	}
	return string(b), pos, cut
}

// canon is how a byte is compared: ASCII case and '+' against ' ' (a URL's
// space) do not count, and a byte outside printable ASCII is the '.' that
// sanitize writes.
func canon(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c + 'a' - 'A'
	case c == '+':
		return ' '
	case c < 0x20 || c > 0x7e:
		return '.'
	}
	return c
}

// canonString is s with canon applied to every byte.
func canonString(s string) string {
	for i := 0; i < len(s); i++ {
		if canon(s[i]) != s[i] {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = canon(b[j])
			}
			return string(b)
		}
	}
	return s
}

// decodeAt returns the byte of t at i and how many bytes of t it took:
// one, or an escape (%XX, \u00XX, \/, \", \\, \', &#NN;, &#xHH;,
// &amp; and the like). w is 0 for an escape cut off by the end of t.
func decodeAt(t string, i int) (c byte, w int) {
	rest := t[i:]
	switch rest[0] {
	case '%':
		if len(rest) >= 3 {
			if b, ok := unhex(rest[1:3]); ok {
				return b, 3
			}
		} else if hexPrefix(rest[1:]) {
			return 0, 0
		}
	case '\\':
		switch {
		case len(rest) == 1:
			return 0, 0
		case rest[1] == 'u' && len(rest) >= 6:
			if hi, ok := unhex(rest[2:4]); ok && hi == 0 {
				if b, ok := unhex(rest[4:6]); ok {
					return b, 6
				}
			}
		case rest[1] == 'u':
			if hexPrefix(rest[2:]) {
				return 0, 0
			}
		case strings.IndexByte(`/"\'`, rest[1]) >= 0:
			return rest[1], 2
		}
	case '&':
		if k := strings.IndexByte(rest[:min(len(rest), 8)], ';'); k > 0 {
			if b, ok := htmlRef(rest[1:k]); ok {
				return b, k + 1
			}
		} else if k < 0 && len(rest) < 8 && !strings.ContainsAny(rest, " <>\"") {
			return 0, 0
		}
	}
	return rest[0], 1
}

// htmlRef decodes the ASCII character references a server's HTML page may
// use: &#NN;, &#xHH; and the named ones of characters HTML escapes.
func htmlRef(ref string) (byte, bool) {
	switch strings.ToLower(ref) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base := 10
	digits := ref[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(digits, base, 8)
	if err != nil || v < 0x20 || v > 0x7e {
		return 0, false
	}
	return byte(v), true
}

func unhex(s string) (byte, bool) {
	hi, ok1 := hexVal(s[0])
	lo, ok2 := hexVal(s[1])
	return hi<<4 | lo, ok1 && ok2
}

// hexPrefix reports whether s (shorter than an escape's digits) could
// start them.
func hexPrefix(s string) bool {
	for i := 0; i < len(s); i++ {
		if _, ok := hexVal(s[i]); !ok {
			return false
		}
	}
	return true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
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

// AddAnswer records, for an answer that could not be used (cut, oversized,
// undecodable), the string values under every key that is not known to be
// public: the tokens it issued, whole or cut off at the end. It returns the
// body with those values redacted in place, so that a value the scrubber
// cannot know (a cut one that is too short) is gone too. A body that does
// not start like JSON is returned as is.
func (sc *Scrubber) AddAnswer(body string) string {
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
				sc.Add(v)
				if u, err := unquoteJSON(str); err == nil && u != v {
					sc.Add(u)
				}
			}
			b.WriteString(Redacted)
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
