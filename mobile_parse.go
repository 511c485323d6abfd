package enduser

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

//go:generate go run ./internal/connections/cmd/genconnections

var errUnknownConnection = errors.New("unknown connection")

// ParseMobilePayload builds the payload of connection c from its wire JSON,
// the object GenAuth reads under the connection's payload key, e.g.
// {"code":"…"} for ConnectionWechat. Fields the payload type does not have
// are an error, so a misspelled field name never goes unnoticed. Command
// lines and tests use it to build any payload from data.
//
// The error names the connection and never quotes the input.
func ParseMobilePayload(c Connection, wireJSON []byte) (MobilePayload, error) {
	p, err := decodePayload(c, wireJSON)
	switch {
	case errors.Is(err, errUnknownConnection):
		return nil, &ValidationError{Op: OpSignInByMobile, Field: "connection", Reason: "is not a known connection"}
	case err != nil:
		return nil, &ValidationError{Op: OpSignInByMobile, Field: "payload", Reason: "is not a JSON object of the " + string(c) + " payload's fields"}
	}
	return p, nil
}

// decodeStrict decodes one JSON value into v, rejecting unknown fields and
// trailing data.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the payload")
	}
	return nil
}
