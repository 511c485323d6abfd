package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/scrub"
)

func TestPrintableEscapesEveryControl(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x20; r++ {
		all.WriteRune(r)
	}
	for r := rune(0x7f); r <= 0x9f; r++ {
		all.WriteRune(r)
	}
	all.WriteString("\u200b\u200e\u202a\u202e\u2066\u2069\u2028\u2029\ufeff\ue000\U000e0001\xff\xc3")
	out := printable(all.String())
	for _, r := range out {
		assert.True(t, r >= 0x20 && r < 0x7f, "%U in %q", r, out)
	}
	assert.Contains(t, out, `\x1b`)
	assert.Contains(t, out, `\x0a`)
	assert.Contains(t, out, `\x0d`)
	assert.Contains(t, out, `\u009b`)
	assert.Contains(t, out, `\u202e`)
	assert.Contains(t, out, `\xff\xc3`, "bytes that are not UTF-8")
	assert.Equal(t, `\xff\xfe用`, printable("\xff\xfe用"), "broken bytes in otherwise printable text")
}

func TestPrintableKeepsReadableText(t *testing.T) {
	for _, s := range []string{"signature verification failed", "用户不存在 (user not found)", "Ünïcödé — ok", "a\\b \"q\""} {
		assert.Equal(t, s, printable(s))
	}
	assert.Equal(t, "usage:\n\t-x\n", printableLines("usage:\n\t-x\n"))
	assert.Equal(t, `a\x1b[1m`+"\n", printableLines("a\x1b[1m\n"))
}

func TestErrorLine(t *testing.T) {
	assert.Equal(t, "appleAuthLogin: code 5420", errorLine("enduser: appleAuthLogin: code 5420"))
	assert.Equal(t, "appleAuthLogin: x", errorLine("enduser: enduser: appleAuthLogin: x"), "one prefix")
	assert.Equal(t, "op: se enduser: cret", errorLine("enduser: op: se enduser: cret"), "text inside is kept, so no halves are joined")
	long := errorLine(strings.Repeat("用", 3*maxErrorLine))
	assert.LessOrEqual(t, len(long), maxErrorLine+len("...(cut)"))
	assert.True(t, utf8.ValidString(long), "cut on a rune boundary")
	assert.True(t, strings.HasSuffix(long, "...(cut)"))
}

func TestPrintableJSON(t *testing.T) {
	in := map[string]string{"a": "x\x1b[2J\x7f\u009b\u202e\u2028\U000e0001y", "b": "用户", "c": "\xff"}
	raw, err := json.MarshalIndent(in, "", "  ")
	require.NoError(t, err)
	out := printableJSON(raw)
	for _, r := range strings.ReplaceAll(string(out), "\n", "") {
		assert.True(t, unicode.IsPrint(r), "%U in %s", r, out)
	}
	var back map[string]string
	require.NoError(t, json.Unmarshal(out, &back), "%s", out)
	assert.Equal(t, in["a"], back["a"], "escaping changes the text, not the value")
	assert.Equal(t, in["b"], back["b"])
	assert.Equal(t, "\ufffd", back["c"])
}

func FuzzPrintable(f *testing.F) {
	f.Add("a\x1b[2J\r\nb\u009b\u202e")
	f.Add("\xff\xfe用")
	f.Fuzz(func(t *testing.T, s string) {
		for _, line := range []string{printable(s), errorLine(s)} {
			if !utf8.ValidString(line) {
				t.Fatalf("not UTF-8: %q", line)
			}
			for _, r := range line {
				if !unicode.IsPrint(r) {
					t.Fatalf("%U survives in %q", r, line)
				}
			}
		}
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back string
		if err := json.Unmarshal(printableJSON(raw), &back); err != nil {
			t.Fatalf("printableJSON broke %s: %v", raw, err)
		}
	})
}

func TestScrubEveryFormEveryCopy(t *testing.T) {
	const s = "se/cr+et=\"x\"&y"
	sc := newScrubber(s, "")
	for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), `se/cr+et=\"x\"\u0026y`,
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
		text := "a " + form + " b " + form + form
		out := sc.err(errors.New(text), false).Error()
		assert.NotContains(t, out, form, form)
		assert.Contains(t, out, scrub.Redacted, form)
		assert.True(t, sc.contains(text))
	}
	assert.False(t, sc.contains("nothing here"))
	assert.Equal(t, "nothing here", newScrubber().err(errors.New("nothing here"), false).Error())
}

func TestScrubberErrKeepsExitStatus(t *testing.T) {
	sc := newScrubber("tok-123")
	var ue usageError
	assert.ErrorAs(t, sc.err(errors.New("bad tok-123"), true), &ue)
	assert.Equal(t, "bad [redacted]", ue.Error())
	err := sc.err(errors.New("failed tok-123"), false)
	assert.NotErrorAs(t, err, &ue)
	assert.Equal(t, "failed [redacted]", err.Error())
}

func TestScrubberErrCannotBeAssembled(t *testing.T) {
	// A secret that holds a backslash sequence, echoed with the raw
	// control character: escaping must not complete it.
	sc := newScrubber(`tok\x0dEN-77`)
	err := sc.err(errors.New("enduser: op: tok\rEN-77"), false)
	assert.NotContains(t, err.Error(), `tok\x0dEN-77`)
	assert.True(t, strings.HasPrefix(err.Error(), "op: "), err.Error())

	// A secret split around the SDK's prefix is not joined.
	sc = newScrubber("secret-77")
	err = sc.err(errors.New("enduser: op: secenduser: ret-77"), false)
	assert.NotContains(t, errorLine(err.Error()), "secret-77")
}

// TestScrubberShowsTheServersMessage: the SDK's errors never carry the
// server's message; the command reads it from the APIError on purpose and
// shows it scrubbed.
func TestScrubberShowsTheServersMessage(t *testing.T) {
	sc := newScrubber("tok-123456")
	err := sc.err(&enduser.APIError{Op: "op", Family: enduser.FamilyV2, HTTPStatus: 200, Code: 5420,
		Message: "denied tok-123456", ExtMsg: "more"}, false)
	assert.Contains(t, err.Error(), "the server says: denied [redacted] more")
	assert.NotContains(t, err.Error(), "tok-123456")
}
