package main

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

const redacted = "[redacted]"

// scrubber removes known secrets from text the command prints. The SDK
// already keeps credentials out of its errors; this is the command's own
// second line: whatever a server echoes, the values this process handed to
// the SDK (and the tokens it got back) are not printed, in the encodings
// they travel in.
type scrubber struct{ forms []string }

// newScrubber returns a scrubber for secrets, each in its raw, URL-encoded,
// JSON-escaped and base64 forms. Empty strings are ignored.
func newScrubber(secrets ...string) *scrubber {
	seen := map[string]bool{}
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q, _ := json.Marshal(s)
		for _, f := range []string{
			s, url.QueryEscape(s), url.PathEscape(s), string(q[1 : len(q)-1]),
			base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
			base64.URLEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)),
		} {
			if !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return &scrubber{forms: forms}
}

// scrub replaces every copy of every form in s.
func (sc *scrubber) scrub(s string) string {
	for _, f := range sc.forms {
		s = strings.ReplaceAll(s, f, redacted)
	}
	return s
}

// contains reports whether s holds any form of a secret.
func (sc *scrubber) contains(s string) bool {
	for _, f := range sc.forms {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

// err returns err with the secrets removed from its text: a usageError
// when usage says the command line is at fault (exit 2), else a failure
// (exit 1).
//
// The text is scrubbed, made printable, then scrubbed again: escaping a
// control character writes a backslash sequence, which could complete a
// secret that contains one.
func (sc *scrubber) err(err error, usage bool) error {
	msg := sc.scrub(printable(sc.scrub(withoutPrefix(err.Error()))))
	if usage {
		return usageError{msg}
	}
	return failure{msg}
}

// failure is a failed call: exit status 1.
type failure struct{ msg string }

func (f failure) Error() string { return f.msg }
