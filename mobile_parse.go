package enduser

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

//go:generate go run ./internal/connections/cmd/genconnections

// ParseMobilePayload builds the payload of connection c from its wire JSON,
// the object GenAuth reads under the connection's payload key, e.g.
// {"code":"…"} for ConnectionWechat. Fields the payload type does not have
// are an error naming the field, so a misspelled field name never goes
// unnoticed. Command lines and tests use it to build any payload from data.
//
// Nothing is sent: the error is a [*ValidationError] without an Op. It
// names the connection and an unknown field, and never quotes a value.
func ParseMobilePayload(c Connection, wireJSON []byte) (MobilePayload, error) {
	decode := payloadDecoder(c)
	if decode == nil {
		return nil, &ValidationError{Field: "connection", Reason: "is not a known connection"}
	}
	p, err := decode(wireJSON)
	if err != nil {
		return nil, &ValidationError{Field: "payload", Reason: payloadReason(c, err)}
	}
	return p, nil
}

// maxFieldName bounds an unknown field's name quoted in an error.
const maxFieldName = 64

// payloadReason says what is wrong with a payload's JSON: the unknown field
// by name (a name, never a value), or that it is not an object of the
// payload's fields.
func payloadReason(c Connection, err error) string {
	// encoding/json reports an unknown field as `json: unknown field "name"`
	// (encoding/json: decode.go, d.saveError in object).
	const prefix = `json: unknown field `
	if msg := err.Error(); strings.HasPrefix(msg, prefix) {
		if name, uerr := strconv.Unquote(msg[len(prefix):]); uerr == nil {
			if len(name) > maxFieldName {
				name = name[:maxFieldName] + "…"
			}
			return "has unknown field " + strconv.Quote(name) + " (not a field of the " + string(c) + " payload)"
		}
	}
	return "is not a JSON object of the " + string(c) + " payload's fields"
}

// decodeAs decodes the wire JSON of a payload into its type P, rejecting
// fields P does not have and trailing data.
func decodeAs[P MobilePayload](wire []byte) (MobilePayload, error) {
	var p P
	d := json.NewDecoder(bytes.NewReader(wire))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the payload")
	}
	return p, nil
}
