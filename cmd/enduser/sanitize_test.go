package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
