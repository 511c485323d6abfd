// Package wireform appends application/x-www-form-urlencoded parameters
// into one buffer, each value escaped exactly as url.QueryEscape escapes
// it, without an intermediate string.
package wireform

// Append appends key=value to the form b, after a '&' unless b is empty.
// The key is written as it is (the callers' keys are letters); the value
// is escaped as url.QueryEscape escapes it.
func Append(b []byte, key, value string) []byte {
	b = AppendPlain(b, key, "")
	const hexDigits = "0123456789ABCDEF"
	plain := 0 // value[plain:i] is appended as it is, in one copy
	for i := 0; i < len(value); i++ {
		switch ch := value[i]; {
		case unreserved(ch):
			continue
		case ch == ' ':
			b = append(append(b, value[plain:i]...), '+')
		default:
			b = append(append(b, value[plain:i]...), '%', hexDigits[ch>>4], hexDigits[ch&15])
		}
		plain = i + 1
	}
	return append(b, value[plain:]...)
}

// AppendPlain appends key=value like Append for a value that needs no
// escaping (letters, digits, -_.~): a hex digest.
func AppendPlain(b []byte, key, value string) []byte {
	if len(b) > 0 {
		b = append(b, '&')
	}
	b = append(b, key...)
	b = append(b, '=')
	return append(b, value...)
}

// The bytes url.QueryEscape writes as they are (letters, digits, -_.~),
// one bit per ASCII byte: 0–63 in unreservedLow, 64–127 in unreservedHigh.
const (
	unreservedLow  uint64 = 1<<'-' | 1<<'.' | 0x3FF<<'0'
	unreservedHigh uint64 = 0x3FFFFFF<<('A'-64) | 1<<('_'-64) | 0x3FFFFFF<<('a'-64) | 1<<('~'-64)
)

func unreserved(ch byte) bool {
	if ch < 64 {
		return unreservedLow>>ch&1 == 1
	}
	return ch < 128 && unreservedHigh>>(ch-64)&1 == 1
}
