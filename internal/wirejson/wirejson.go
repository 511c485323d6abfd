// Package wirejson writes and reads the JSON of GenAuth's request bodies
// exactly as encoding/json does, with what the SDK adds: a string that
// needs no escaping appended as it is, and strict decoding whose unknown
// field can be named without quoting a value.
package wirejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Append appends v encoded by encoding/json.
func Append(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	return append(b, j...), err
}

// AppendString appends s as encoding/json encodes a string: plain ASCII as
// it is, anything to escape (quotes, controls, HTML's <, >, &, non-ASCII)
// through encoding/json itself.
func AppendString(b []byte, s string) []byte {
	for i := range len(s) {
		if ch := s[i]; ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' {
			b, _ = Append(b, s) // a string always encodes
			return b
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Key appends the object key name (letters, digits and _, which
// encoding/json writes as they are) and its colon, after a comma unless the
// object opened at open is still empty.
func Key(b []byte, open int, name string) []byte {
	if len(b) > open {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// Decode decodes wire into a P, rejecting fields P does not have and
// trailing data.
func Decode[P any](wire []byte) (P, error) {
	var p P
	d := json.NewDecoder(bytes.NewReader(wire))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return p, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return p, errors.New("trailing data")
	}
	return p, nil
}

// maxName bounds the field name UnknownField returns.
const maxName = 64

// UnknownField returns the name of the field a Decode error reports as
// unknown (its first 64 bytes and "…" when longer), and whether there is
// one. encoding/json says `json: unknown field "name"` (encoding/json:
// decode.go, d.saveError in object).
func UnknownField(err error) (string, bool) {
	const prefix = `json: unknown field `
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		return "", false
	}
	name, uerr := strconv.Unquote(err.Error()[len(prefix):])
	if uerr != nil {
		return "", false
	}
	if len(name) > maxName {
		name = name[:maxName] + "…"
	}
	return name, true
}
