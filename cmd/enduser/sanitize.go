package main

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/scrub"
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

// redacted replaces a secret in what the command prints.
const redacted = scrub.Redacted

// scrubber removes the secrets this process handed to the SDK (and the
// tokens it got back) from text the command prints, in every encoding the
// SDK's own scrubber knows: it is that scrubber (internal/scrub), so the
// command and the SDK agree on what a secret looks like.
type scrubber struct{ sc *scrub.Scrubber }

// newScrubber returns a scrubber for secrets. Empty strings are ignored.
func newScrubber(secrets ...string) scrubber {
	sc := &scrub.Scrubber{}
	sc.Add(secrets...)
	return scrubber{sc}
}

// contains reports whether s holds any form of a secret.
func (s scrubber) contains(text string) bool { return s.sc.Contains(text) }

// err returns err as the line the command prints: the SDK's text and, for
// an *enduser.APIError, the server's message, which the SDK keeps out of
// its errors and the command shows on purpose. Secrets are removed and the
// text is made printable; then it is scrubbed again, since escaping a
// control character writes a backslash sequence, which could complete a
// secret that holds one. A usageError when usage says the command line is
// at fault (exit 2), else a failure (exit 1).
func (s scrubber) err(err error, usage bool) error {
	msg := withoutPrefix(err.Error())
	var ae *enduser.APIError
	if errors.As(err, &ae) && ae.Message+ae.ExtMsg != "" {
		msg += ": the server says: " + strings.TrimSpace(ae.Message+" "+ae.ExtMsg)
	}
	msg = s.sc.Scrub(printable(s.sc.Scrub(msg, 0)), 0)
	if usage {
		return usageError{msg}
	}
	return failure{msg}
}

// failure is a failed call: exit status 1.
type failure struct{ msg string }

func (f failure) Error() string { return f.msg }
