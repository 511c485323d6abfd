package scrub

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// encodings are the forms a secret travels in, as a server may echo them.
var encodings = map[string]func(string) string{
	"raw":          func(s string) string { return s },
	"query":        url.QueryEscape,
	"path":         url.PathEscape,
	"json":         func(s string) string { j, _ := json.Marshal(s); return string(j[1 : len(j)-1]) },
	"json no html": jsonNoHTML,
	"json slash": func(s string) string {
		j, _ := json.Marshal(s)
		return strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`)
	},
	"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"every byte %xx": func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strconvHex(s[i]))
		}
		return b.String()
	},
	"upper case": func(s string) string { // ASCII letters only, bytes kept
		b := []byte(s)
		for i, c := range b {
			if 'a' <= c && c <= 'z' {
				b[i] = c - 'a' + 'A'
			}
		}
		return string(b)
	},
}

func TestScrubEveryEncodingEveryCopy(t *testing.T) {
	t.Parallel()
	secrets := []string{"S3CRET/with+odd chars&=<>", "Bearer eyJhbGciOiJIUzI1NiJ9.bare-token", "Basic YXBwOnNlY3JldA=="}
	for name, enc := range encodings {
		var sc Scrubber
		sc.Add(secrets...)
		for _, s := range secrets {
			text := "a " + enc(s) + " b " + enc(s) + strings.Repeat("x", 300) + enc(s)
			got := sc.Scrub(text, 0)
			assert.NotContains(t, got, enc(s), name)
			assert.Equal(t, 3, strings.Count(got, Redacted), "%s: every copy, however far: %q", name, got)
		}
	}
	var sc Scrubber
	sc.Add("Bearer eyJhbGciOiJIUzI1NiJ9.bare-token")
	assert.Equal(t, "token [redacted] echoed", sc.Scrub("token eyJhbGciOiJIUzI1NiJ9.bare-token echoed", 0), "the bare token")
}

func TestScrubBeforeCutting(t *testing.T) {
	t.Parallel()
	secret := "S3CRET-" + strings.Repeat("x", 600)
	var sc Scrubber
	sc.Add(secret)
	for _, at := range []int{0, 1, 100, 127, 500, 511, 512} {
		got := sc.Scrub(strings.Repeat("a", at)+secret+"tail"+secret, 128)
		assert.NotContains(t, got, "S3CRET", "secret at %d", at)
		assert.NotContains(t, got, "xxxx", "secret at %d", at)
		assert.LessOrEqual(t, len(got), 128)
	}
	assert.Equal(t, "cut: [redacted]", sc.Scrub("cut: S3CRET-xx", 0), "a text that ends inside a secret")
	assert.Equal(t, "bad.gateway...", sc.Scrub("bad\ngateway\xe4\xb8\xad", 0), "printable ASCII only")
	var short Scrubber
	short.Add("abcd") // minSecret: a shorter one is redacted only where it stands alone
	assert.Equal(t, "1", short.Scrub("1abcd2abcd", 10), "a marker that does not fit is left out, not cut")
	assert.Equal(t, "1[redacted]2", short.Scrub("1abcd2abcd", 12), "markers count against the limit")
}

func TestScrubAnswerTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		gone       []string
		kept       []string
	}{
		{"cut mid-token", `{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer eyJ0eXAiOiJKV1Qi.cut`, []string{"eyJ0eXAi", "Bearer eyJ"}, []string{`"code":200`, `"msg":"ok"`}},
		{"undecodable field", `{"code":200,"msg":"issued Bearer AT-0123456789","data":{"accessToken":{"token":"Bearer AT-0123456789","expirationTime":"soon"},"refreshToken":{"token":"RT-0123456789"}}}`,
			[]string{"AT-0123456789", "RT-0123456789"}, []string{"issued", "expirationTime"}},
		{"GenAuth", `{"statusCode":200,"data":{"access_token":"GA-ACCESS-0001","id_token":"GA-ID-0001-xyz","expire_in":"x"}}`, []string{"GA-ACCESS-0001", "GA-ID-0001"}, []string{"statusCode"}},
		{"escaped quote", `{"data":{"token":"ab\"cd-0123456789"},"msg":"ab\"cd-0123456789"}`, []string{"cd-0123456789"}, []string{"msg"}},
		{"HTML", `<html>502 Bad Gateway</html>`, nil, []string{"502 Bad Gateway"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var sc Scrubber
			got := sc.Scrub(sc.AddAnswer(tt.body), 0)
			for _, g := range tt.gone {
				assert.NotContains(t, got, g)
			}
			for _, k := range tt.kept {
				assert.Contains(t, got, k)
			}
		})
	}
}

// FuzzScrub: whatever the secrets and the text, and however the text
// embeds them, no secret survives scrubbing in any of its encodings, and
// the result is printable ASCII within the limit.
func FuzzScrub(f *testing.F) {
	f.Add("S3CRET-token", "Bearer x.y.z", "prefix ", " suffix", uint8(0), 128)
	f.Add("a/b+c d&e", "中文-secret", "\x00\n", "", uint8(3), 0)
	f.Add("[redacted]", "abcd", "abc", "d", uint8(7), 10)
	f.Fuzz(func(t *testing.T, s1, s2, pre, post string, how uint8, limit int) {
		if limit < 0 || limit > 1<<16 {
			limit = 0
		}
		names := []string{"raw", "query", "path", "json", "json no html", "json slash", "base64", "base64url", "every byte %xx", "upper case"}
		enc := encodings[names[int(how)%len(names)]]
		var sc Scrubber
		sc.Add(s1, s2)
		text := pre + enc(s1) + post + enc(s2) + pre + enc(s1)
		got := sc.Scrub(text, limit)
		if limit > 0 && len(got) > limit {
			t.Fatalf("%d bytes over the limit %d", len(got), limit)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] > 0x7e {
				t.Fatalf("byte %#x in %q", got[i], got)
			}
		}
		// What is left besides the markers must hold no secret, whole.
		rest := strings.ReplaceAll(got, Redacted, "\x00")
		for _, s := range []string{s1, s2} {
			if len(s) < minSecret { // redacted only where it stands alone
				if s != "" && sc.Scrub(s, 0) != Redacted {
					t.Fatalf("short secret %q alone survives as %q", s, sc.Scrub(s, 0))
				}
				continue
			}
			for _, e := range encodings {
				if f := sanitize(e(s)); f != "" && strings.Contains(rest, f) {
					t.Fatalf("secret %q survives as %q in %q", s, f, got)
				}
			}
		}
	})
}

// TestScrubHostileEncodings: a hostile server echoes a secret in forms the
// SDK's own encoders never produce but other stacks do: lowercase percent
// escapes, every byte escaped, JavaScript's encodeURIComponent (which
// keeps !'()*), '+' for a space, JSON \u escapes of plain letters, a
// double-encoded URL, HTML entities, the secret inside a longer base64
// blob at every alignment, a hex signature in upper case.
func TestScrubHostileEncodings(t *testing.T) {
	t.Parallel()
	secret := "S3cret/with+odd chars!(x)*'~=" // 29 bytes
	sig := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	pctAll := func(s string, hex string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToLower(string(hex[s[i]>>4])) + string(hex[s[i]&15]))
		}
		return b.String()
	}
	lower := strings.NewReplacer("%2F", "%2f", "%2B", "%2b", "%3D", "%3d", "%2A", "%2a", "%7E", "%7e")
	uEsc := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString(`\u00` + strings.ToUpper(strconvHex(s[i])))
		}
		return b.String()
	}
	b64In := func(prefix string, enc *base64.Encoding) string {
		return enc.EncodeToString([]byte(prefix + secret + " and more"))
	}
	tests := map[string]string{
		"lowercase percent":   lower.Replace(url.QueryEscape(secret)),
		"every byte escaped":  pctAll(secret, "0123456789abcdef"),
		"encodeURIComponent":  strings.NewReplacer("%21", "!", "%28", "(", "%29", ")", "%2A", "*", "%27", "'", "+", "%20").Replace(url.QueryEscape(secret)),
		"plus for space":      strings.ReplaceAll(url.PathEscape(secret), "%20", "+"),
		"json u-escapes":      uEsc(secret),
		"double url-encoded":  url.QueryEscape(url.QueryEscape(secret)),
		"html entities":       strings.NewReplacer("'", "&#39;", "=", "&#x3D;", "/", "&#47;").Replace(secret),
		"base64 offset 1":     b64In("x", base64.StdEncoding),
		"base64 offset 2":     b64In("xy", base64.RawURLEncoding),
		"base64 offset 0 mid": b64In("xyz", base64.StdEncoding),
		"basic of other id":   base64.StdEncoding.EncodeToString([]byte("some-other-app-id:" + secret)),
		"signature upper":     strings.ToUpper(sig),
	}
	for name, echoed := range tests {
		var sc Scrubber
		sc.Add(secret, sig)
		got := sc.Scrub("the server says: "+echoed+" (twice: "+echoed+")", 0)
		assert.Contains(t, got, "the server says: ", name)
		assert.Equal(t, 2, strings.Count(got, Redacted), "%s: %q -> %q", name, echoed, got)
		assert.NotContains(t, got, echoed, name)
		if strings.HasPrefix(name, "base64") || name == "basic of other id" {
			// Only a few characters at either end of a secret inside a
			// blob may stay: they carry bits of its neighbours.
			rest := strings.ReplaceAll(got, Redacted, "\x00")
			for _, part := range strings.Split(rest, "\x00") {
				for _, w := range strings.Fields(part) {
					assert.LessOrEqual(t, len(w), 40, "%s: %q", name, got)
				}
			}
		}
	}
}

func strconvHex(b byte) string {
	const hex = "0123456789abcdef"
	return string([]byte{hex[b>>4], hex[b&15]})
}

// TestScrubShortSecrets: a secret of one to three bytes (a test code like
// "a") cannot be told from ordinary text; it is redacted only where it
// stands alone, so the rest of the message stays readable.
func TestScrubShortSecrets(t *testing.T) {
	t.Parallel()
	var sc Scrubber
	sc.Add("a", "42")
	assert.Equal(t, "code [redacted] was already used (data 420, [redacted]/[redacted])",
		sc.Scrub("code a was already used (data 420, 42/A)", 0))
	assert.Equal(t, "bad param =[redacted]", sc.Scrub("bad param =%61", 0), "escaped too")
}
