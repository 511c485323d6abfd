package enduser

import (
	"crypto/sha256"
	"encoding/hex"
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
