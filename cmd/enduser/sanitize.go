package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxErrorLine bounds an error line, so a server cannot flood the terminal.
const maxErrorLine = 2048

// printable returns s with every rune that is not printable written as a
// Go escape (\x1b, \x0d, \u202e, \x80 for a byte that is not UTF-8): C0 and
// C1 controls, DEL, ESC, line and paragraph separators, bidirectional and
// other format characters, private-use and unassigned runes. Letters of
// every script stay readable. Server text can therefore neither start a
// new line nor move the cursor, recolour, retitle or reorder the terminal.
func printable(s string) string { return escapeUnprintable(s, false) }

// printableLines is printable for multi-line text the command writes
// itself (help): newlines and tabs are kept.
func printableLines(s string) string { return escapeUnprintable(s, true) }

func escapeUnprintable(s string, keepLines bool) string {
	clean := utf8.ValidString(s) // ranging over a broken byte yields U+FFFD, which is printable
	for _, r := range s {
		if !safeRune(r) && (!keepLines || (r != '\n' && r != '\t')) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case safeRune(r) || (keepLines && (r == '\n' || r == '\t')):
			b.WriteString(s[i : i+n])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

// safeRune reports whether r may reach a terminal as is. U+FFFD counts as
// printable, but it is also what a broken byte decodes to; the byte case
// is handled before this is asked.
func safeRune(r rune) bool { return unicode.IsPrint(r) }

// errorLine turns an error's text into the line the command prints after
// its own "enduser: " prefix: the SDK's leading prefix is dropped (one
// prefix per line), the text is made printable and cut to maxErrorLine.
// Only a leading prefix is removed: removing text from the middle could
// join the halves of a secret a server split around it.
func errorLine(msg string) string {
	msg = printable(withoutPrefix(msg))
	if len(msg) > maxErrorLine {
		cut := maxErrorLine
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "...(cut)"
	}
	return msg
}

// withoutPrefix drops the SDK's leading "enduser: ".
func withoutPrefix(msg string) string {
	for strings.HasPrefix(msg, "enduser: ") {
		msg = msg[len("enduser: "):]
	}
	return msg
}

// printableJSON escapes, as \uXXXX, every rune of JSON text that is not
// printable; encoding/json leaves DEL, C1 controls and format characters
// raw. Outside strings JSON has only printable runes and the indentation's
// newlines, which stay.
func printableJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case r == '\n' || safeRune(r):
			out = append(out, b[i:i+n]...)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += n
	}
	return out
}
