package enduser

import (
	"fmt"
	"log/slog"
)

// The request types hold single-use credentials. Printed with fmt (any
// verb) or logged with log/slog they show their identifiers and which
// credentials are set, never the credentials.

// String describes the request with its credentials redacted.
func (r TwitterLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r TwitterLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r TwitterLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// String describes the request with its credentials redacted.
func (r AppleLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r AppleLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r AppleLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// String describes the request with its credentials redacted.
func (r WechatOfficialAccountLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r WechatOfficialAccountLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r WechatOfficialAccountLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// String describes the request with its credentials redacted.
func (r FacebookLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r FacebookLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r FacebookLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// String describes the request with its credentials redacted.
func (r AlipayLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r AlipayLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r AlipayLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }

// String describes the request with its credentials redacted.
func (r WechatMiniProgramLoginRequest) String() string { return redactedText(r) }

// Format prints String for every verb (%#v included).
func (r WechatMiniProgramLoginRequest) Format(f fmt.State, _ rune) { formatRedacted(f, r) }

// LogValue logs the request with its credentials redacted.
func (r WechatMiniProgramLoginRequest) LogValue() slog.Value { return redactedLogValue(r) }
