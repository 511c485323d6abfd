package enduser

import (
	"crypto/md5" //nolint:gosec // G501: the carrier's one-tap sign is MD5
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Sign returns the v2 end-user API signature: the lowercase hex SHA-256 of
// the fields concatenated in order with no separator, followed by the user
// domain secret. Fields are hashed raw, before any URL escaping.
//
// The login methods sign for you; Sign is exported for tools and tests.
func Sign(userDomainSecret string, fields ...string) string {
	var stack [512]byte // typical inputs fit: no allocation but the result
	buf := stack[:0]
	for _, f := range fields {
		buf = append(buf, f...)
	}
	buf = append(buf, userDomainSecret...)
	sum := sha256.Sum256(buf)
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// signCarrier returns the carrier's one-tap sign: the MD5 of the fields
// and the carrier app's secret, in 32 uppercase hex digits ("32位大写字母",
// China Mobile's loginTokenValidate interface).
func signCarrier(appSecret string, fields ...string) string {
	h := md5.New() //nolint:gosec // G401: MD5 is what the carrier's interface specifies
	for _, f := range fields {
		h.Write([]byte(f))
	}
	h.Write([]byte(appSecret))
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}
