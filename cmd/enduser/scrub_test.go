package main

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScrubEveryFormEveryCopy(t *testing.T) {
	const s = "se/cr+et=\"x\"&y"
	sc := newScrubber(s, "")
	for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), `se/cr+et=\"x\"\u0026y`,
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
		text := "a " + form + " b " + form + form
		out := sc.scrub(text)
		assert.NotContains(t, out, form, form)
		assert.Equal(t, 3, strings.Count(out, redacted), "every copy of %s", form)
		assert.True(t, sc.contains(text))
	}
	assert.False(t, sc.contains("nothing here"))
	assert.Equal(t, "nothing here", newScrubber().scrub("nothing here"))
}

func TestScrubLongestFirst(t *testing.T) {
	sc := newScrubber("abc", "abcdef")
	assert.Equal(t, "x [redacted] y", sc.scrub("x abcdef y"), "no tail of the longer secret is left")
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
	// control character: escaping would complete it, so the text is
	// scrubbed again after escaping.
	sc := newScrubber(`tok\x0dEN-77`)
	err := sc.err(errors.New("enduser: op: tok\rEN-77"), false)
	assert.Equal(t, "op: [redacted]", err.Error())

	// A secret split around the SDK's prefix is not joined.
	sc = newScrubber("secret-77")
	err = sc.err(errors.New("enduser: op: secenduser: ret-77"), false)
	assert.NotContains(t, errorLine(err.Error()), "secret-77")
}
